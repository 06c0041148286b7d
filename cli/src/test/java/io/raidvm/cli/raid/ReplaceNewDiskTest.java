package io.raidvm.cli.raid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.GrowArrayRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.Disk;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.GetDiskRequest;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.Vm;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.cli.Raidctl;
import io.raidvm.cli.StandIn;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * raid replace --new-disk and raid grow --new-disk: the new disk created when asked and missing,
 * attached when the VM does not have it, then the agent's replace or grow; run again, only the
 * agent's call (it goes on).
 */
class ReplaceNewDiskTest {

  @TempDir
  Path dir;
  private StandIn controller;
  private final List<String> disks = new CopyOnWriteArrayList<>();
  private volatile VmSpec spec = VmSpec.newBuilder().setName("vm1").addDataDisks("d1")
      .addDataDisks("d2").addPulledDisks("d2").build();
  private final List<ReplaceMemberRequest> replaces = new CopyOnWriteArrayList<>();
  private final List<GrowArrayRequest> grows = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    controller = new StandIn(dir.resolve("c.sock"), new DiskServiceGrpc.DiskServiceImplBase() {
      @Override
      public void getDisk(GetDiskRequest req, StreamObserver<Disk> obs) {
        if (disks.contains(req.getName())) {
          obs.onNext(Disk.newBuilder().setName(req.getName()).build());
          obs.onCompleted();
        } else {
          obs.onError(Status.NOT_FOUND.withDescription("disk '" + req.getName() + "' does not"
              + " exist").asRuntimeException());
        }
      }

      @Override
      public void createDisk(CreateDiskRequest req, StreamObserver<Disk> obs) {
        disks.add(req.getName());
        obs.onNext(Disk.newBuilder().setName(req.getName()).build());
        obs.onCompleted();
      }
    }, new VmServiceGrpc.VmServiceImplBase() {
      @Override
      public void getVm(GetVmRequest req, StreamObserver<Vm> obs) {
        obs.onNext(Vm.newBuilder().setSpec(spec).build());
        obs.onCompleted();
      }

      @Override
      public void attachDisk(AttachDiskRequest req, StreamObserver<AttachDiskResponse> obs) {
        spec = spec.toBuilder().addDataDisks(req.getDisk()).build();
        obs.onNext(AttachDiskResponse.newBuilder().setHotPlugged(true).setScsiId(3)
            .setGuestDevice("/dev/sdd").build());
        obs.onCompleted();
      }
    }, new RaidGrpc.RaidImplBase() {
      @Override
      public void replaceMember(ReplaceMemberRequest req, StreamObserver<Operation> obs) {
        replaces.add(req);
        obs.onNext(Operation.newBuilder().setId("op-1").setKind("replace-member")
            .setState(Operation.State.SUCCEEDED).build());
        obs.onCompleted();
      }

      @Override
      public void growArray(GrowArrayRequest req, StreamObserver<Operation> obs) {
        grows.add(req);
        obs.onNext(Operation.newBuilder().setId("op-2").setKind("grow-array")
            .setState(Operation.State.SUCCEEDED).build());
        obs.onCompleted();
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @Test
  void aMissingNewDisk_isCreatedAndAttached_thenReplaced_andASecondRunOnlyReplaces() {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));
    String[] args = {"raid", "replace", "vm1", "md127", "d2-part1", "--new-disk", "d5",
        "--create-size", "64M", "--no-wait"};

    assertEquals(0, raidctl.run(args));
    assertEquals(List.of("GetDisk", "CreateDisk", "GetVm", "AttachDisk", "ReplaceMember"),
        controller.calls);
    assertEquals(ReplaceMemberRequest.newBuilder().setArray("md127").setDevice("d2-part1")
        .setNewDisk("d5").build(), replaces.get(0));
    assertTrue(raidctl.out.toString().startsWith("created disk d5 (64M)\nattached disk d5 to VM"
        + " vm1: the guest sees it as /dev/sdd\n"), raidctl.out.toString());

    controller.calls.clear();
    assertEquals(0, new Raidctl(dir.resolve("c.sock")).run(args));
    assertEquals(List.of("GetDisk", "GetVm", "ReplaceMember"), controller.calls);
  }

  @Test
  void aMissingNewDisk_withoutASize_isNotFound_andNothingIsReplaced() {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));
    assertEquals(3, raidctl.run("raid", "replace", "vm1", "md127", "d2-part1", "--new-disk",
        "d5"));
    assertTrue(raidctl.err.toString().contains("disk 'd5' does not exist: create it (raidctl"
        + " disk create d5 --size SIZE), or give --create-size SIZE"), raidctl.err.toString());
    assertEquals(List.of("GetDisk"), controller.calls);
  }

  @Test
  void grow_bringsTheNewDiskAsReplaceDoes_thenAsksTheAgent_andASecondRunOnlyGrows() {
    String[] args = {"raid", "grow", "vm1", "md127", "--new-disk", "d6", "--create-size", "64M",
        "--level", "6", "--no-wait", "--yes"};

    assertEquals(0, new Raidctl(dir.resolve("c.sock")).run(args));
    assertEquals(List.of("GetDisk", "CreateDisk", "GetVm", "AttachDisk", "GrowArray"),
        controller.calls);
    assertEquals(GrowArrayRequest.newBuilder().setArray("md127").setNewDisk("d6").setLevel("6")
        .setGrowFilesystem(true).build(), grows.get(0));

    controller.calls.clear();
    assertEquals(0, new Raidctl(dir.resolve("c.sock")).run(args));
    assertEquals(List.of("GetDisk", "GetVm", "GrowArray"), controller.calls);
  }

  @Test
  void grow_withAPartitionInTheGuest_attachesNothing_andCanLeaveTheFilesystem() {
    assertEquals(0, new Raidctl(dir.resolve("c.sock")).run("raid", "grow", "vm1", "md127",
        "--add-partition", "d5-part1", "--no-grow-filesystem", "--no-wait", "--yes"));
    assertEquals(List.of("GrowArray"), controller.calls);
    assertEquals(GrowArrayRequest.newBuilder().setArray("md127").setPartition("d5-part1")
        .build(), grows.get(0));
  }

  @Test
  void grow_withANewDiskAndAPartition_isRefusedBeforeAnyCall() {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));
    assertEquals(2, raidctl.run("raid", "grow", "vm1", "md127", "--new-disk", "d6",
        "--add-partition", "d5-part1", "--yes"));
    assertTrue(raidctl.err.toString().contains("give --new-disk or --add-partition, not both"),
        raidctl.err.toString());
    assertEquals(List.of(), controller.calls);
  }
}
