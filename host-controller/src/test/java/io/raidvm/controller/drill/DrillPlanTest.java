package io.raidvm.controller.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.controller.v1.DrillRequest;
import io.raidvm.api.controller.v1.FaultKind;
import io.raidvm.common.error.RaidvmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a drill will touch, decided from the array and the guest's disks before it starts. */
class DrillPlanTest {

  /** Data disks d1..d3 (sdb..sdd) holding md127's members, the OS disk sda, a spare disk x1. */
  private static List<BlockDevice> devices(String mountPoint) {
    List<BlockDevice> out = new ArrayList<>();
    out.add(BlockDevice.newBuilder().setName("sda").setPath("/dev/sda").setSerial("os")
        .setOsDisk(true).addPartitions(BlockDevice.newBuilder().setName("sda1")
            .setPath("/dev/sda1").setOsDisk(true)).build());
    for (int i = 1; i <= 3; i++) {
      String kname = "sd" + (char) ('a' + i);
      out.add(BlockDevice.newBuilder().setName(kname).setPath("/dev/" + kname)
          .setSerial("d" + i).addPartitions(BlockDevice.newBuilder().setName(kname + "1")
              .setPath("/dev/" + kname + "1").addMdMemberOf("md127")).build());
    }
    out.add(BlockDevice.newBuilder().setName("sde").setPath("/dev/sde").setSerial("x1").build());
    BlockDevice.Builder md = BlockDevice.newBuilder().setName("md127").setPath("/dev/md127")
        .setType("raid5");
    if (mountPoint != null) {
      md.addMountPoints(mountPoint);
    }
    out.add(md.build());
    return out;
  }

  private static Array array(String level, Consumer<Array.Builder> change) {
    Array.Builder a = Array.newBuilder().setName("md127").setLevel(level).setRaidDevices(3)
        .setActiveDevices(3).setArrayState("clean").setSummary("clean: 3 of 3 member slots")
        .setSync(SyncStatus.newBuilder().setAction("idle"));
    for (int i = 1; i <= 3; i++) {
      a.addMembers(Member.newBuilder().setDevice("/dev/sd" + (char) ('a' + i) + "1")
          .setRole(i - 1).setState("active"));
    }
    change.accept(a);
    return a.build();
  }

  private static DrillRequest.Builder request() {
    return DrillRequest.newBuilder().setVm("vm1").setArray("md127");
  }

  private static DrillPlan plan(DrillRequest.Builder r, Array a, List<BlockDevice> devices) {
    return DrillPlan.of(DrillPlan.checkRequest(r.build()), a, devices);
  }

  private static RaidvmException refused(RaidvmException.Kind kind, Runnable call) {
    RaidvmException e = assertThrows(RaidvmException.class, call::run);
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }

  @Test
  void defaults_pullTheLastMembersDisk_intoANewDiskNamedAfterIt() {
    DrillPlan p = plan(request(), array("raid5", a -> { }), devices("/mnt/md127"));
    assertEquals("d3", p.disk());
    assertEquals("/dev/sdd1", p.member());
    assertEquals("d3-part1", p.memberRef());
    assertEquals("d3-drill", p.newDisk());
    assertEquals("", p.secondDisk());
    assertEquals("/mnt/md127/raidvm-drill", p.directory());
    assertEquals("/mnt/md127", p.mountPoint());
    assertEquals(3, p.fileCount());
    assertEquals(8L << 20, p.fileSize());
  }

  @Test
  void anUnsetFault_isAPull_andACorruptionIsPlannedOnTheNamedDisk() {
    assertEquals(FaultKind.PULL, plan(request(), array("raid5", a -> { }),
        devices("/mnt/md127")).fault());
    DrillPlan p = plan(request().setFault(FaultKind.CORRUPT).setDisk("d1"),
        array("raid5", a -> { }), devices("/mnt/md127"));
    assertEquals(FaultKind.CORRUPT, p.fault());
    assertEquals("/dev/sdb1", p.member());
  }

  @Test
  void aSecondFault_pullsAnotherMember() {
    DrillPlan p = plan(request().setDisk("d1").setSecondFault(true).setNewDisk("n1"),
        array("raid6", a -> { }), devices("/mnt/md127"));
    assertEquals("d1", p.disk());
    assertEquals("d2", p.secondDisk());
    assertEquals("n1", p.newDisk());
  }

  @Test
  void theOsDisk_andADiskThatHoldsNoMember_areInvalidArguments() {
    assertTrue(refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> DrillPlan.checkRequest(
        request().setDisk("os").build())).getMessage().contains("never faults the OS disk"));
    String m = refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> plan(request()
        .setDisk("x1"), array("raid5", a -> { }), devices("/mnt/md127"))).getMessage();
    assertTrue(m.contains("'x1' holds no member") && m.contains("d1, d2, d3"), m);
  }

  @Test
  void aSickBusyOrUnredundantArray_isRefused() {
    List<BlockDevice> devices = devices("/mnt/md127");
    String degraded = refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> plan(request(),
        array("raid5", a -> a.setDegraded(1).setSummary("degraded: 2 of 3")), devices))
        .getMessage();
    assertTrue(degraded.contains("not healthy and idle (degraded: 2 of 3)"), degraded);
    refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> plan(request(), array("raid5",
        a -> a.setSync(SyncStatus.newBuilder().setAction("check"))), devices));
    refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> plan(request(), array("raid5",
        a -> a.setArrayState("read-auto")), devices));
    assertTrue(refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> plan(request(),
        array("raid0", a -> { }), devices)).getMessage().contains("needs a redundant array"));
  }

  @Test
  void anArrayWithoutAMountedFilesystem_isRefused_sayingHowToMakeOne() {
    String m = refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> plan(request(),
        array("raid5", a -> { }), devices(null))).getMessage();
    assertTrue(m.contains("no mounted filesystem") && m.contains("raidctl fs mount vm1 md127"),
        m);
  }

  @Test
  void badRequests_areInvalidArguments() {
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> DrillPlan.checkRequest(request()
        .setFault(FaultKind.IO_ERROR).build()));
    assertTrue(refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> DrillPlan.checkRequest(
        request().setFault(FaultKind.CORRUPT).setSecondFault(true).build())).getMessage()
        .contains("a corruption drill has no rebuild"));
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> DrillPlan.checkRequest(request()
        .setArray("sdb").build()));
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> DrillPlan.checkRequest(request()
        .setFileCount(65).build()));
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> DrillPlan.checkRequest(request()
        .setRebuildSpeedMaxKibPerS(999).build()));
    refused(RaidvmException.Kind.INVALID_ARGUMENT, () -> DrillPlan.checkRequest(request()
        .setNewDisk("sdb").build()));
  }

  @Test
  void filesThatDoNotFit_areRefused() {
    DrillPlan p = plan(request(), array("raid5", a -> { }), devices("/mnt/md127"));
    p.requireRoom(24L << 20);
    assertTrue(refused(RaidvmException.Kind.FAILED_PRECONDITION, () -> p.requireRoom(
        (24L << 20) - 1)).getMessage().contains("need 24 MiB"));
  }

  @Test
  void aLongDiskName_givesANewDiskNameThatStillFitsASerial() {
    assertEquals("abcdefghijklmn-drill", DrillPlan.defaultNewDisk("abcdefghijklmnopqrst"));
  }
}
