package io.raidvm.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceLocksTest {

  private final DeviceLocks locks =
      new DeviceLocks(Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC));

  @Test
  void aSecondCallOnAHeldKey_isAbortedAtOnce_namingWhatHoldsIt_andTakesNothing() {
    DeviceLocks.Lease first = locks.acquire("ReplaceMember /dev/sdc1 of /dev/md127",
        List.of("md127", "sdc"));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> locks.acquire("FailMember /dev/sdd1 of /dev/md127", List.of("sdd", "md127")));

    assertEquals(Kind.ABORTED, e.kind());
    assertEquals("/dev/md127 is busy: ReplaceMember /dev/sdc1 of /dev/md127, running for 0 s is"
        + " changing it; wait until it has ended (raidctl op list shows it) and try again",
        e.getMessage());
    assertEquals(Set.of("md127", "sdc"), locks.heldKeys());
    first.close();
  }

  @Test
  void aLeaseAttachedToAnOperation_namesTheOperation() {
    DeviceLocks.Lease mkfs = locks.acquire("MakeFilesystem /dev/md127", List.of("md127"));
    mkfs.attach("op-7-abc");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> locks.acquire("Mount /dev/md127 on /mnt/md127", List.of("md127")));

    assertEquals("/dev/md127 is busy: operation op-7-abc (MakeFilesystem /dev/md127), running for"
        + " 0 s is changing it; wait until it has ended (raidctl op list shows it) and try"
        + " again", e.getMessage());
  }

  @Test
  void closing_releasesEveryKey_once_andOthersMayThenTakeThem() {
    DeviceLocks.Lease lease = locks.acquire("Partition /dev/sdc", List.of("sdc"));
    lease.close();
    lease.close();

    try (DeviceLocks.Lease next = locks.acquire("Partition /dev/sdc", List.of("sdc"))) {
      lease.close();
      assertEquals(Set.of("sdc"), locks.heldKeys());
    }
    assertEquals(Set.of(), locks.heldKeys());
  }

  @Test
  void disjointKeys_areHeldTogether() {
    try (DeviceLocks.Lease a = locks.acquire("Partition /dev/sdc", List.of("sdc"));
        DeviceLocks.Lease b = locks.acquire("Partition /dev/sdd", List.of("sdd"))) {
      assertEquals(Set.of("sdc", "sdd"), locks.heldKeys());
    }
  }
}
