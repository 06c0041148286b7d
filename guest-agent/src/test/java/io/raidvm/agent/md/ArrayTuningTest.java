package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bitmap and write-mostly on captured arrays; mdadm's answers from guest-lifecycle/L3. */
class ArrayTuningTest {

  private static final String L3 = "guest-lifecycle/L3-bitmap/";

  @TempDir
  Path root;

  private MdGuest guest;
  private ArrayTuning tuning;

  @BeforeEach
  void guest() {
    guest = new MdGuest(root);
    tuning = new ArrayTuning(guest.context());
  }

  private void answerAsCaptured(String name) {
    List<String> argv = Fixtures.read(L3 + name + ".argv").lines().toList();
    guest.answer(argv, Integer.parseInt(Fixtures.read(L3 + name + ".exit").strip()),
        Fixtures.read(L3 + name + ".stdout"), Fixtures.read(L3 + name + ".stderr"));
  }

  @Test
  void internalBitmap_onAnArrayWithout_runsMdadmGrow_asCaptured() {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");
    answerAsCaptured("grow-bitmap-internal");

    tuning.setBitmap("md127", true);

    assertEquals(List.of("mdadm --grow /dev/md127 --bitmap=internal"), guest.events);
  }

  @Test
  void theBitmapThereAlready_runsNothing() {
    guest.tree.write("proc/mdstat", Fixtures.read(L3 + "mdstat-internal.stdout"));
    guest.sysfs("04-raid5-synced/sysfs-md127").detail("04-raid5-synced", "");

    assertEquals("internal", tuning.setBitmap("md127", true).getBitmap());
    assertEquals(List.of(), guest.events);
  }

  @Test
  void writeMostly_onARaid5_isRefused() {
    guest.sysfs("04-raid5-synced/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> tuning.setWriteMostly("md127", "sdc1", true));

    assertEquals("md127 is raid5: write-mostly only matters where md chooses which mirror to"
        + " read from (raid1, raid10)", e.getMessage());
  }

  /**
   * md125 of step 14 (raid1, sdf1 write-mostly: d6's first partition, a disk MdGuest has),
   * seen as md127: clearing writes -writemostly.
   */
  @Test
  void writeMostly_cleared_writesTheMembersState_andSettingItAgainWritesNothing()
      throws Exception {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("14-raid1-partitions/sysfs-md125")
        .detail("04-raid5-synced", "");
    Path state = root.resolve("sys/block/md127/md/dev-sdf1/state");

    tuning.setWriteMostly("md127", "sdf1", true);
    assertEquals("in_sync,write_mostly\n", Files.readString(state));
    tuning.setWriteMostly("md127", "sdf1", false);

    assertEquals("-writemostly\n", Files.readString(state));
  }
}
