package io.raidvm.e2e;

import static io.raidvm.e2e.Checks.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.raidvm.api.agent.v1.AddFstabEntryRequest;
import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.AssembleArrayRequest;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.ExamineMemberRequest;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PersistArrayRequest;
import io.raidvm.api.agent.v1.RetireArrayRequest;
import io.raidvm.api.agent.v1.RetirePlan;
import io.raidvm.api.agent.v1.RetireStep;
import io.raidvm.api.agent.v1.SetBitmapRequest;
import io.raidvm.api.agent.v1.StopArrayRequest;
import io.raidvm.api.agent.v1.StopArrayResponse;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.agent.v1.ZeroSuperblockRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An array's life after create, in one VM and one boot, its methods in order on one RAID 5 of
 * three 64 MiB members: a hot spare takes a failed member's place by itself (SpareActive), a
 * bitmap comes and goes on the running array, the array stops and comes back by its UUID, and
 * is retired — no fstab or mdadm.conf line, no superblock left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleIT {

  private static final List<String> DISKS = List.of("l1", "l2", "l3", "l4");
  private static final Duration SYNC = Duration.ofMinutes(20);
  private static final GetArrayRequest MD127 = GetArrayRequest.newBuilder().setArray("md127")
      .build();
  private RaidVm vm;
  private String uuid;

  @BeforeAll
  void bootTheVm() throws Exception {
    vm = RaidVm.boot("lifecycle", DISKS, "64M");
  }

  @AfterAll
  void stopTheVm() throws Exception {
    vm.close();
  }

  private static List<String> devices(Array a, String state) {
    return a.getMembersList().stream().filter(m -> m.getState().equals(state))
        .map(Member::getDevice).toList();
  }

  private String path(String partition) {
    return vm.stubs.agent(vm.name, io.raidvm.api.agent.v1.RaidGrpc::newBlockingStub)
        .examineMember(ExamineMemberRequest.newBuilder().setDevice(partition).build())
        .getDevice();
  }

  @Test
  @Order(1)
  void aSpare_takesTheFailedMembersPlace_byItself() throws Exception {
    Operation created = vm.await(vm.raid().createArray(CreateArrayRequest.newBuilder()
        .setArray("md127").setLevel("raid5").setBitmap(Bitmap.BITMAP_NONE)
        .addDevices("l1-part1").addDevices("l2-part1").addDevices("l3-part1").build()));
    assertEquals(Operation.State.SUCCEEDED, created.getState(), created.toString());
    uuid = created.getArray().getUuid();

    Array withSpare = vm.raid().addSpare(AddMemberRequest.newBuilder().setArray("md127")
        .setDevice("l4-part1").build());
    String spare = path("l4-part1");
    assertEquals(List.of(spare), devices(withSpare, "spare"), withSpare.toString());
    assertEquals(1, withSpare.getSurvivableFailures());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> vm.raid().removeSpare(MemberRequest
        .newBuilder().setArray("md127").setDevice("l1-part1").build()));

    try (EventStream watch = vm.watch("", 0)) {
      vm.raid().failMember(MemberRequest.newBuilder().setArray("md127").setDevice("l2-part1")
          .build());
      List<EventStream.Received> seen = watch.until(e -> e.hasMd()
          && e.getMd().getKind() == MdEvent.Kind.SPARE_ACTIVE, SYNC);
      WatchEvent active = seen.get(seen.size() - 1).event();
      assertEquals(spare, active.getMd().getDevice(), active.toString());
    }
    Array rebuilt = vm.raid().getArray(MD127);
    assertEquals(0, rebuilt.getDegraded(), rebuilt.toString());
    assertTrue(devices(rebuilt, "active").contains(spare), rebuilt.toString());

    vm.raid().removeMember(MemberRequest.newBuilder().setArray("md127").setDevice("l2-part1")
        .build());
    // Its superblock still calls it an active member: mdadm would not make a spare of it.
    vm.raid().zeroSuperblock(ZeroSuperblockRequest.newBuilder().setDevice("l2-part1").build());
    Array again = vm.raid().addSpare(AddMemberRequest.newBuilder().setArray("md127")
        .setDevice("l2-part1").build());
    assertEquals(List.of(path("l2-part1")), devices(again, "spare"), again.toString());
    Array without = vm.raid().removeSpare(MemberRequest.newBuilder().setArray("md127")
        .setDevice("l2-part1").build());
    assertEquals(List.of(), devices(without, "spare"), without.toString());
    vm.raid().zeroSuperblock(ZeroSuperblockRequest.newBuilder().setDevice("l2-part1").build());
  }

  @Test
  @Order(2)
  void aBitmap_isAddedToTheRunningArray_andRemoved() {
    assertEquals("internal", vm.raid().setBitmap(SetBitmapRequest.newBuilder()
        .setArray("md127").setBitmap(Bitmap.BITMAP_INTERNAL).build()).getBitmap());
    assertEquals("none", vm.raid().setBitmap(SetBitmapRequest.newBuilder()
        .setArray("md127").setBitmap(Bitmap.BITMAP_NONE).build()).getBitmap());
  }

  @Test
  @Order(3)
  void aMountedArrayInFstab_stopsOnlyWithAlsoUnmount_andIsAssembledAgainByItsUuid() {
    mountAndPersist();
    assertCode(Status.Code.FAILED_PRECONDITION, () -> vm.raid().stopArray(StopArrayRequest
        .newBuilder().setArray("md127").build()));

    StopArrayResponse stopped = vm.raid().stopArray(StopArrayRequest.newBuilder()
        .setArray("md127").setAlsoUnmount(true).build());
    assertEquals(List.of("/mnt/md127"), stopped.getUnmountedList());
    assertEquals(uuid, stopped.getUuid());
    assertCode(Status.Code.NOT_FOUND, () -> vm.raid().getArray(MD127));

    Array back = vm.raid().assembleArray(AssembleArrayRequest.newBuilder().setUuid(uuid)
        .setArray("md127").build());
    assertEquals("md127", back.getName());
    assertEquals(uuid, back.getUuid());
    assertEquals(3, back.getActiveDevices(), back.toString());
  }

  @Test
  @Order(4)
  void retire_showsItsPlan_thenLeavesNoLineAndNoSuperblock_andASecondRunHasNothingToDo() {
    vm.stubs.agent(vm.name, FilesystemsGrpc::newBlockingStub).mount(MountRequest.newBuilder()
        .setDevice("md127").setMountPoint("/mnt/md127").build());
    RetireArrayRequest retire = RetireArrayRequest.newBuilder().setArray("md127").build();
    RetirePlan plan = vm.raid().retireArray(retire);
    assertTrue(plan.getStepsList().stream().allMatch(s -> s.getState()
        == RetireStep.State.TO_DO), plan.toString());
    assertEquals(3, vm.raid().getArray(MD127).getActiveDevices(), "the plan changed nothing");

    RetirePlan done = vm.raid().retireArray(retire.toBuilder().setExecute(true).build());
    assertTrue(done.getStepsList().stream().allMatch(s -> s.getState()
        == RetireStep.State.DONE), done.toString());
    assertEquals(Operation.State.SUCCEEDED, vm.await(done.getInitramfs()).getState());

    RetirePlan after = vm.raid().retireArray(RetireArrayRequest.newBuilder().setArray("md127")
        .setUuid(uuid).build());
    assertTrue(after.getStepsList().stream().allMatch(s -> s.getState()
        == RetireStep.State.ALREADY_DONE), after.toString());
    for (String d : List.of("l1-part1", "l3-part1", "l4-part1")) {
      assertCode(Status.Code.NOT_FOUND, () -> vm.raid().examineMember(ExamineMemberRequest
          .newBuilder().setDevice(d).build()));
    }
    assertCode(Status.Code.NOT_FOUND, () -> vm.raid().getArray(MD127));
  }

  private void mountAndPersist() {
    FilesystemsGrpc.FilesystemsBlockingStub fs = vm.stubs.agent(vm.name,
        FilesystemsGrpc::newBlockingStub).withDeadlineAfter(5, TimeUnit.MINUTES);
    assertEquals(Operation.State.SUCCEEDED, vm.await(fs.makeFilesystem(MakeFilesystemRequest
        .newBuilder().setDevice("md127").build())).getState());
    fs.mount(MountRequest.newBuilder().setDevice("md127").setMountPoint("/mnt/md127").build());
    assertTrue(boot().persistArray(PersistArrayRequest.newBuilder().setArray("md127").build())
        .getChanged());
    assertTrue(boot().addFstabEntry(AddFstabEntryRequest.newBuilder().setDevice("md127")
        .setMountPoint("/mnt/md127").build()).getChanged());
  }

  private BootGrpc.BootBlockingStub boot() {
    return vm.stubs.agent(vm.name, BootGrpc::newBlockingStub).withDeadlineAfter(5,
        TimeUnit.MINUTES);
  }
}
