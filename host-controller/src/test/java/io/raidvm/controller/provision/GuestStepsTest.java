package io.raidvm.controller.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.ListArraysResponse;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.PartitionResult;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionFilesystem;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.ProvisionStepState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.InProcessGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provision's guest steps resuming on a machine that is partly set up, against a fake agent on
 * the in-process transport: each does only what is missing, and refuses what differs.
 */
class GuestStepsTest {

  private static final ProvisionSpec SPEC =
      ProvisionSpecs.complete(ProvisionSpec.newBuilder().setVm("vm1").build());
  private static final ProvisionFilesystem FS = ProvisionSpecs.filesystems(SPEC).get(0);
  private static final Step.Reporter QUIET = (message, progress) -> { };

  /** What the guest shows: block devices and md127; every change the steps ask for. */
  private final List<BlockDevice> devices = new CopyOnWriteArrayList<>();
  private volatile Array md127 = Array.getDefaultInstance();
  /** Whether ListArrays shows md127 (an array the steps would find there already). */
  private volatile boolean listed = true;
  private final List<String> changes = new CopyOnWriteArrayList<>();
  /** When set, each Partition call waits (5 s at most) until this many have come. */
  private volatile CountDownLatch together;
  /** The device whose Partition call fails, if any. */
  private volatile String failing = "";
  private InProcessGrpc grpc;
  private GuestSteps steps;

  @BeforeEach
  void start() {
    grpc = InProcessGrpc.serve(new GuestAgentGrpc.GuestAgentImplBase() {
      @Override
      public void listBlockDevices(ListBlockDevicesRequest request,
          StreamObserver<ListBlockDevicesResponse> observer) {
        observer.onNext(ListBlockDevicesResponse.newBuilder().addAllDevices(devices).build());
        observer.onCompleted();
      }
    }, new DisksGrpc.DisksImplBase() {
      @Override
      public void partition(PartitionRequest request, StreamObserver<PartitionResult> observer) {
        changes.add("partition " + request.getDevice());
        CountDownLatch all = together;
        if (all != null) {
          all.countDown();
          if (!awaitQuietly(all)) {
            observer.onError(Status.DEADLINE_EXCEEDED.withDescription("the other partition"
                + " calls did not come while this one ran").asRuntimeException());
            return;
          }
        }
        if (request.getDevice().equals(failing)) {
          observer.onError(Status.FAILED_PRECONDITION.withDescription("parted: cannot open "
              + request.getDevice()).asRuntimeException());
          return;
        }
        observer.onNext(PartitionResult.newBuilder().setPartition(request.getDevice() + "-part1")
            .setSizeBytes(3L << 30).setAligned(true).build());
        observer.onCompleted();
      }
    }, new RaidGrpc.RaidImplBase() {
      @Override
      public void listArrays(ListArraysRequest request,
          StreamObserver<ListArraysResponse> observer) {
        ListArraysResponse.Builder arrays = ListArraysResponse.newBuilder();
        if (listed) {
          arrays.addArrays(md127);
        }
        observer.onNext(arrays.build());
        observer.onCompleted();
      }

      @Override
      public void createArray(CreateArrayRequest request, StreamObserver<Operation> observer) {
        changes.add("create " + request.getArray() + " " + request.getLevel() + " "
            + request.getLayout() + " " + request.getDevicesList());
        observer.onNext(Operation.newBuilder().setTarget(request.getArray()).build());
        observer.onCompleted();
      }

      @Override
      public void getArray(GetArrayRequest request, StreamObserver<Array> observer) {
        observer.onNext(md127);
        observer.onCompleted();
      }
    }, new FilesystemsGrpc.FilesystemsImplBase() {
      @Override
      public void makeFilesystem(MakeFilesystemRequest request,
          StreamObserver<Operation> observer) {
        changes.add("mkfs " + request.getDevice());
        observer.onError(new AssertionError("mkfs must not run"));
      }

      @Override
      public void mount(MountRequest request, StreamObserver<MountedFilesystem> observer) {
        changes.add("mount " + request.getDevice() + " " + request.getMountPoint());
        observer.onNext(MountedFilesystem.getDefaultInstance());
        observer.onCompleted();
      }
    });
    steps = new GuestSteps(SPEC, new Guest("vm1", grpc::channel));
  }

  @AfterEach
  void stop() {
    grpc.close();
  }

  private static BlockDevice disk(String serial, boolean partitioned) {
    BlockDevice.Builder d = BlockDevice.newBuilder().setName(serial).setSerial(serial)
        .setPath("/dev/disk/by-id/" + serial);
    if (partitioned) {
      d.addPartitions(BlockDevice.newBuilder().setName(serial + "-part1")
          .setSerial(serial + "-part1").setFsType("linux_raid_member"));
    }
    return d.build();
  }

  private static BlockDevice.Builder md127Device() {
    return BlockDevice.newBuilder().setName("md127").setPath("/dev/md127");
  }

  @Test
  void partition_ofPartlyPartitionedDisks_partitionsOnlyTheOnesWithout() {
    devices.addAll(List.of(disk("vm1-d1", true), disk("vm1-d2", true), disk("vm1-d3", false),
        disk("vm1-d4", false)));

    Outcome outcome = steps.partition(QUIET);

    assertEquals(Set.of("partition vm1-d3", "partition vm1-d4"), Set.copyOf(changes));
    assertEquals(2, changes.size());
    assertEquals(new Outcome(ProvisionStepState.STEP_DONE,
        "partitioned vm1-d3 → vm1-d3-part1, vm1-d4 → vm1-d4-part1"), outcome);
  }

  @Test
  void partition_callsTheAgentForEveryDiskAtOnce_andReportsInTheDisksOrder() {
    devices.addAll(List.of(disk("vm1-d1", false), disk("vm1-d2", false), disk("vm1-d3", false),
        disk("vm1-d4", false)));
    together = new CountDownLatch(4);
    List<String> reported = new CopyOnWriteArrayList<>();

    Outcome outcome = steps.partition((message, progress) -> reported.add(message));

    assertEquals(4, changes.size());
    assertEquals(List.of("vm1-d1", "vm1-d2", "vm1-d3", "vm1-d4"),
        reported.stream().map(m -> m.substring(0, m.indexOf(':'))).toList());
    assertEquals(ProvisionStepState.STEP_DONE, outcome.state());
  }

  @Test
  void partition_whenOneDiskFails_theOthersArePartitioned_andItsErrorIsThrown() {
    devices.addAll(List.of(disk("vm1-d1", false), disk("vm1-d2", false), disk("vm1-d3", false),
        disk("vm1-d4", false)));
    failing = "vm1-d2";
    List<String> reported = new CopyOnWriteArrayList<>();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> steps.partition((message, progress) -> reported.add(message)));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("parted: cannot open vm1-d2", e.getStatus().getDescription());
    assertEquals(4, changes.size());
    assertEquals(List.of("vm1-d1", "vm1-d3", "vm1-d4"),
        reported.stream().map(m -> m.substring(0, m.indexOf(':'))).toList());
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void partition_whenEveryDiskHasAPartition_isAlreadyDone_andPartitionsNothing() {
    devices.addAll(List.of(disk("vm1-d1", true), disk("vm1-d2", true), disk("vm1-d3", true),
        disk("vm1-d4", true)));

    Outcome outcome = steps.partition(QUIET);

    assertEquals(List.of(), changes);
    assertEquals(new Outcome(ProvisionStepState.STEP_ALREADY_DONE,
        "all 4 disks have a partition"), outcome);
  }

  @Test
  void partition_whenAnUnpartitionedDiskHoldsAFilesystem_partitionsNoDiskAtAll() {
    devices.addAll(List.of(disk("vm1-d1", false), disk("vm1-d2", true),
        disk("vm1-d3", false).toBuilder().setFsType("xfs").build(), disk("vm1-d4", false)));

    RaidvmException e = assertThrows(RaidvmException.class, () -> steps.partition(QUIET));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot partition the data disks of VM vm1: vm1-d3 holds xfs. Nothing was"
        + " partitioned; provision never overwrites a disk that holds data", e.getMessage());
    assertEquals(List.of(), changes);
  }

  @Test
  void filesystem_overAnotherFilesystem_isRefused_andFormatsNothing() {
    devices.add(md127Device().setFsType("xfs").build());

    RaidvmException e = assertThrows(RaidvmException.class, () -> steps.filesystem(FS, QUIET));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("/dev/md127 in VM vm1 holds xfs, the spec says ext4: provision never formats"
        + " over a filesystem", e.getMessage());
    assertEquals(List.of(), changes);
  }

  @Test
  void filesystem_whenTheSpecsIsThere_isAlreadyDone_andFormatsNothing() {
    devices.add(md127Device().setFsType("ext4").setFsUuid("1234").build());

    assertEquals(new Outcome(ProvisionStepState.STEP_ALREADY_DONE,
        "/dev/md127 holds ext4 (uuid 1234)"), steps.filesystem(FS, QUIET));
    assertEquals(List.of(), changes);
  }

  @Test
  void mount_whenTheArrayIsMountedElsewhere_isRefused_sayingHowToUnmountIt() {
    devices.add(md127Device().setFsType("ext4").addMountPoints("/srv").build());

    RaidvmException e = assertThrows(RaidvmException.class, () -> steps.mount(FS));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("/dev/md127 is mounted on /srv in VM vm1, the spec says /mnt/md127: unmount it"
        + " first (raidctl fs umount vm1 /srv)", e.getMessage());
    assertEquals(List.of(), changes);
  }

  @Test
  void mount_whenAnotherDeviceIsMountedOnTheMountPoint_isRefused_andMountsNothing() {
    devices.add(md127Device().setFsType("ext4").build());
    devices.add(disk("vm1-d5", false).toBuilder().addPartitions(BlockDevice.newBuilder()
        .setName("sdf1").setPath("/dev/sdf1").addMountPoints("/mnt/md127")).build());

    RaidvmException e = assertThrows(RaidvmException.class, () -> steps.mount(FS));

    assertEquals("/dev/sdf1 is mounted on /mnt/md127 in VM vm1: the spec wants /dev/md127 there",
        e.getMessage());
    assertEquals(List.of(), changes);
  }

  @Test
  void mount_whenMountedThere_isAlreadyDone_andOtherwiseMounts() {
    devices.add(md127Device().setFsType("ext4").addMountPoints("/mnt/md127").build());
    assertEquals(new Outcome(ProvisionStepState.STEP_ALREADY_DONE,
        "/dev/md127 is mounted on /mnt/md127"), steps.mount(FS));

    devices.clear();
    devices.add(md127Device().setFsType("ext4").build());
    assertEquals(new Outcome(ProvisionStepState.STEP_DONE, "mounted /dev/md127 on /mnt/md127"),
        steps.mount(FS));
    assertEquals(List.of("mount /dev/md127 /mnt/md127"), changes);
  }

  @Test
  void sync_ofADegradedArrayThatIsNotRebuilding_isRefused_namingTheReplace() {
    md127 = Array.newBuilder().setName("md127").setArrayState("clean").setDegraded(1)
        .setSummary("degraded: 3 of 4 member slots working")
        .setSync(SyncStatus.newBuilder().setAction("idle")).build();

    RaidvmException e = assertThrows(RaidvmException.class, () -> steps.sync("md127", QUIET));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("md127 is degraded and not rebuilding (degraded: 3 of 4 member slots working):"
        + " replace the failed member first (raidctl raid replace vm1 md127 DEVICE)",
        e.getMessage());
  }

  @Test
  void sync_ofAHealthyIdleArray_isAlreadyDone() {
    md127 = Array.newBuilder().setName("md127").setArrayState("clean")
        .setSync(SyncStatus.newBuilder().setAction("idle")).build();

    List<String> progress = new ArrayList<>();
    assertEquals(new Outcome(ProvisionStepState.STEP_ALREADY_DONE, "md127 is in sync"),
        steps.sync("md127", (message, p) -> progress.add(message)));
    assertEquals(List.of(), progress);
  }

  @Test
  void array_besideAnotherArray_isCreatedOnItsOwnDisks_andPartitionTouchesOnlyUsedDisks() {
    ProvisionSpec two = ProvisionSpecs.complete(ProvisionSpec.newBuilder().setVm("vm1")
        .setDiskCount(7)
        .addArrays(ProvisionArray.newBuilder().setName("md0").setLevel("raid1")
            .addAllDisks(List.of("d1", "d2")))
        .addArrays(ProvisionArray.newBuilder().setName("md1").setLevel("raid10")
            .setLayout("f2").addAllDisks(List.of("d3", "d4", "d5", "d6")))
        .build());
    GuestSteps multi = new GuestSteps(two, new Guest("vm1", grpc::channel));
    for (int i = 1; i <= 7; i++) {
      devices.add(disk("vm1-d" + i, i != 3));
    }
    listed = false;
    md127 = Array.newBuilder().setName("md1").setLevel("raid10").setRaidDevices(4).build();

    assertEquals(new Outcome(ProvisionStepState.STEP_DONE, "partitioned vm1-d3 → vm1-d3-part1"),
        multi.partition(QUIET));
    Outcome created = multi.array(two.getArrays(1));

    assertEquals(List.of("partition vm1-d3", "create md1 raid10 f2 [vm1-d3-part1, vm1-d4-part1,"
        + " vm1-d5-part1, vm1-d6-part1]"), changes);
    assertEquals(ProvisionStepState.STEP_DONE, created.state());
    assertTrue(created.message().startsWith("created md1: raid10, 4 devices"),
        created.message());
  }
}
