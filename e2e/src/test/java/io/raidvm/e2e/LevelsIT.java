package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.StopArrayRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The levels and RAID 10 layouts the other VM tests do not make (they make raid1, raid5, raid6
 * and raid10 n2), each created in one boot on the same four 64 MiB partitions, in turn: the level,
 * the member count, the layout and the fault tolerance as the agent reads them from the kernel,
 * and the same level, layout and size as it reads them from {@code mdadm --detail}. Each array is
 * stopped after; the next takes the partitions with {@code force} (they hold its superblock).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LevelsIT {

  private static final String ARRAY = "md120";
  private static final List<String> DISKS = List.of("v1", "v2", "v3", "v4");

  private RaidVm vm;

  @BeforeAll
  void fourPartitions() throws Exception {
    long start = System.nanoTime();
    vm = RaidVm.boot("levels", DISKS, "64M");
    System.out.printf("[levels] boot, 4 disks partitioned: %.1f s%n", Checks.secondsSince(start));
  }

  @AfterAll
  void stopTheVm() throws Exception {
    if (vm != null) {
      vm.close();
    }
  }

  /**
   * {@code layout} empty: mdadm's default, not compared by name (the kernel's answer is compared
   * with mdadm's instead).
   */
  @ParameterizedTest(name = "{0} {1} of {2}")
  @CsvSource({
      "raid0,  '', 4, '',         0",
      "raid4,  '', 4, '',         1",
      "raid10, o2, 4, offset=2,   1",
      "raid10, f2, 4, far=2,      1",
      "raid10, n3, 3, near=3,     2",
  })
  void createdInTheGuest_isShownWithItsLayoutAndFaultTolerance_asMdadmSaysToo(String level,
      String layout, int members, String shownLayout, int survivable) {
    long start = System.nanoTime();
    Operation created = vm.await(vm.raid().createArray(CreateArrayRequest.newBuilder()
        .setArray(ARRAY).setLevel(level).setLayout(layout).setMetadata("1.2")
        .setBitmap(Bitmap.BITMAP_NONE).setForce(true)
        .addAllDevices(DISKS.subList(0, members).stream().map(d -> d + "-part1").toList())
        .build()));
    assertEquals(Operation.State.SUCCEEDED, created.getState(), created.toString());

    Array kernel = vm.raid().getArray(GetArrayRequest.newBuilder().setArray(ARRAY).build());
    Array mdadm = vm.raid().getArray(GetArrayRequest.newBuilder().setArray(ARRAY)
        .setFromMdadm(true).build());
    System.out.printf("[levels] %s %s of %d: %.1f s, layout '%s', %s%n", level, layout, members,
        Checks.secondsSince(start), kernel.getLayout(), kernel.getSummary());

    assertEquals(level, kernel.getLevel());
    assertEquals(members, kernel.getRaidDevices());
    assertEquals(members, kernel.getActiveDevices());
    assertEquals(survivable, kernel.getSurvivableFailures());
    if (!shownLayout.isEmpty()) {
      assertEquals(shownLayout, kernel.getLayout());
    }
    assertEquals(mdadm.getLevel(), kernel.getLevel());
    assertEquals(mdadm.getLayout(), kernel.getLayout());
    assertEquals(mdadm.getSizeBytes(), kernel.getSizeBytes());
    assertEquals(mdadm.getSurvivableFailures(), kernel.getSurvivableFailures());

    vm.raid().stopArray(StopArrayRequest.newBuilder().setArray(ARRAY).build());
  }
}
