package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.BuildImageEvent;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.BuildProgress;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.DeleteDiskRequest;
import io.raidvm.api.controller.v1.DeleteDiskResponse;
import io.raidvm.api.controller.v1.DetachDiskRequest;
import io.raidvm.api.controller.v1.DetachDiskResponse;
import io.raidvm.api.controller.v1.Disk;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.GetDiskRequest;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.api.controller.v1.ListDisksResponse;
import io.raidvm.api.controller.v1.ListVmsRequest;
import io.raidvm.api.controller.v1.ListVmsResponse;
import io.raidvm.api.controller.v1.Vm;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.grpc.UnixSocketServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * raidctl as a user runs it, against a controller stand-in on a real Unix socket (the real
 * controller is driven by raidctl in the end-to-end tests).
 */
class RaidctlTest {

  @TempDir
  Path dir;

  private UnixSocketServer server;
  private final List<CreateDiskRequest> created = new ArrayList<>();
  private final List<AttachDiskRequest> attached = new ArrayList<>();
  private final List<DetachDiskRequest> detached = new ArrayList<>();
  private Raidctl raidctl;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void startStandIn() throws Exception {
    DiskServiceGrpc.DiskServiceImplBase disks = new DiskServiceGrpc.DiskServiceImplBase() {
      @Override
      public void createDisk(CreateDiskRequest req, StreamObserver<Disk> obs) {
        if (req.getSize().equals("0")) {
          obs.onError(Status.INVALID_ARGUMENT.withDescription("size '0' must be greater than zero")
              .asRuntimeException());
          return;
        }
        created.add(req);
        obs.onNext(disk(req.getName()));
        obs.onCompleted();
      }

      @Override
      public void listDisks(ListDisksRequest req, StreamObserver<ListDisksResponse> obs) {
        obs.onNext(ListDisksResponse.newBuilder().addDisks(disk("d1")).build());
        obs.onCompleted();
      }

      @Override
      public void getDisk(GetDiskRequest req, StreamObserver<Disk> obs) {
        obs.onNext(disk(req.getName()));
        obs.onCompleted();
      }

      @Override
      public void deleteDisk(DeleteDiskRequest req, StreamObserver<DeleteDiskResponse> obs) {
        obs.onNext(DeleteDiskResponse.getDefaultInstance());
        obs.onCompleted();
      }
    };
    ImageServiceGrpc.ImageServiceImplBase images = new ImageServiceGrpc.ImageServiceImplBase() {
      @Override
      public void buildImage(BuildImageRequest req, StreamObserver<BuildImageEvent> obs) {
        obs.onNext(BuildImageEvent.newBuilder().setProgress(BuildProgress.newBuilder()
            .setStep("rootfs").setMessage("mmdebstrap bookworm").setCached(true)).build());
        obs.onNext(BuildImageEvent.newBuilder().setImage(Image.newBuilder()
            .setId("0123456789abcdef").setSuite("bookworm")).build());
        obs.onCompleted();
      }
    };
    VmServiceGrpc.VmServiceImplBase vms = new VmServiceGrpc.VmServiceImplBase() {
      @Override
      public void listVms(ListVmsRequest req, StreamObserver<ListVmsResponse> obs) {
        obs.onNext(ListVmsResponse.newBuilder()
            .addVms(Vm.newBuilder().setSpec(VmSpec.newBuilder().setName("vm1")))
            .addVms(UNREACHABLE)
            .addWarnings("/var/lib/raidvm/vms/\u001B[31mx\u001B[0m: not a VM name, skipped")
            .build());
        obs.onCompleted();
      }

      @Override
      public void getVm(GetVmRequest req, StreamObserver<Vm> obs) {
        obs.onNext(UNREACHABLE);
        obs.onCompleted();
      }

      @Override
      public void attachDisk(AttachDiskRequest req, StreamObserver<AttachDiskResponse> obs) {
        attached.add(req);
        obs.onNext(req.getName().equals("off") ? AttachDiskResponse.getDefaultInstance()
            : AttachDiskResponse.newBuilder().setHotPlugged(true).setScsiId(2)
                .setGuestDevice("/dev/sdc").build());
        obs.onCompleted();
      }

      @Override
      public void detachDisk(DetachDiskRequest req, StreamObserver<DetachDiskResponse> obs) {
        detached.add(req);
        obs.onNext(DetachDiskResponse.newBuilder().setHotUnplugged(true).build());
        obs.onCompleted();
      }
    };
    server = new UnixSocketServer(dir.resolve("c.sock"), List.of(disks.bindService(),
        images.bindService(), vms.bindService()), Duration.ofSeconds(10)).start();
    raidctl = new Raidctl(dir.resolve("c.sock"));
    out = raidctl.out;
    err = raidctl.err;
  }

  @AfterEach
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1));
  }

  private static Disk disk(String name) {
    return Disk.newBuilder().setName(name).setPath("/var/lib/raidvm/disks/" + name + ".qcow2")
        .setFormat("qcow2").setVirtualSizeBytes(64L << 20).setActualSizeBytes(196608)
        .setSerial(name).build();
  }

  @Test
  void diskCreate_sendsNameAndSize_andPrintsATable() {
    assertEquals(0, raidctl.run("disk", "create", "d1", "--size", "64M"));
    assertEquals("d1", created.get(0).getName());
    assertEquals("64M", created.get(0).getSize());
    assertEquals(false, created.get(0).getAllowOvercommit());
    String[] lines = out.toString().split("\n");
    assertTrue(lines[0].startsWith("NAME  SIZE    ALLOCATED  FORMAT"), lines[0]);
    assertTrue(lines[1].startsWith("d1    64 MiB  192 KiB    qcow2"), lines[1]);
  }

  @Test
  void diskAttachAndDetach_sendVmDiskAndForce_andSayWhatHappened() {
    assertEquals(0, raidctl.run("disk", "attach", "vm1", "d5"));
    assertEquals(0, raidctl.run("disk", "attach", "off", "d5"));
    assertEquals(0, raidctl.run("disk", "detach", "vm1", "d5", "--force"));
    assertEquals(List.of(AttachDiskRequest.newBuilder().setName("vm1").setDisk("d5").build(),
        AttachDiskRequest.newBuilder().setName("off").setDisk("d5").build()), attached);
    assertEquals(List.of(DetachDiskRequest.newBuilder().setName("vm1").setDisk("d5")
        .setForce(true).build()), detached);
    assertEquals("attached disk d5 to running VM vm1 at scsi-id 2: the guest sees it as /dev/sdc\n"
        + "attached disk d5 to VM off (stopped: it has it from its next start)\n"
        + "detached disk d5 from VM vm1 (pulled from the running VM)\n", out.toString());
  }

  @Test
  void diskCreate_withAllowOvercommit_asksForIt() {
    assertEquals(0, raidctl.run("disk", "create", "d1", "--size", "1T", "--allow-overcommit"));
    assertEquals(true, created.get(0).getAllowOvercommit());
  }

  @Test
  void vmList_printsWhatTheControllerSkippedAsWarningsOnStderr_cleaned() {
    assertEquals(0, raidctl.run("vm", "list"));
    assertEquals("raidctl: warning: /var/lib/raidvm/vms/x: not a VM name, skipped\n",
        err.toString());
    assertTrue(out.toString().contains("vm1"), out.toString());
  }

  private static final Vm UNREACHABLE = Vm.newBuilder()
      .setSpec(VmSpec.newBuilder().setName("pk")).setState(VmState.UNREACHABLE).setPid(4242)
      .setStateReason("QEMU runs (pid 4242) but this controller is not attached to it: cannot"
          + " connect to QMP socket /var/lib/raidvm/vms/pk/qmp.sock: Connection refused")
      .build();

  @Test
  void vmListAndShow_ofAnUnreachableVm_sayUnreachable_andShowSaysWhy() {
    assertEquals(0, raidctl.run("vm", "list"));
    assertTrue(out.toString().lines().anyMatch(l -> l.startsWith("pk ")
        && l.contains(" unreachable ")), out.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, raidctl.run("vm", "show", "pk"));
    assertTrue(out.toString().contains("unreachable"), out.toString());
    assertTrue(out.toString().contains("QEMU runs (pid 4242) but this controller is not attached"
        + " to it: cannot connect to QMP socket"), out.toString());
  }

  @Test
  void diskList_withJsonOutput_printsTheMessageWithProtoFieldNames() {
    assertEquals(0, raidctl.run("disk", "list", "-o", "json"));
    assertTrue(out.toString().contains("\"virtual_size_bytes\": \"67108864\""), out.toString());
    assertTrue(out.toString().contains("\"used_by\": []"), out.toString());
  }

  @Test
  void diskShow_printsATable_orTheMessageAsJson() {
    assertEquals(0, raidctl.run("disk", "show", "d2"));
    assertTrue(out.toString().startsWith("NAME  SIZE"), out.toString());
    assertTrue(out.toString().contains("\nd2    64 MiB"), out.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, raidctl.run("disk", "show", "d2", "-o", "json"));
    assertTrue(out.toString().startsWith("{\n  \"name\": \"d2\""), out.toString());
  }

  @Test
  void diskDelete_saysWhatItDid_butJsonOutputStaysEmpty() {
    assertEquals(0, raidctl.run("disk", "delete", "d1"));
    assertEquals("deleted disk d1\n", out.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, raidctl.run("disk", "delete", "d1", "-o", "json"));
    assertEquals("", out.toString());
  }

  @Test
  void imageBuild_printsItsSteps_orEachEventAsOneJsonLine() throws Exception {
    assertEquals(0, raidctl.run("image", "build"));
    assertTrue(out.toString().startsWith("[rootfs] mmdebstrap bookworm (cached)\nID "),
        out.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, raidctl.run("image", "build", "-o", "json"));
    String[] lines = out.toString().split("\n");
    assertEquals(2, lines.length, out.toString());
    BuildImageEvent.Builder last = BuildImageEvent.newBuilder();
    JsonFormat.parser().merge(lines[1], last);
    assertEquals("bookworm", last.getImage().getSuite());
  }

  @Test
  void badInput_printsOneLineWithTheCodeAndReason_andExits2() {
    assertEquals(2, raidctl.run("disk", "create", "d1", "--size", "0"));
    assertEquals("raidctl: INVALID_ARGUMENT: size '0' must be greater than zero\n",
        err.toString());
    assertTrue(created.isEmpty());
  }

  @Test
  void unknownAccelerator_isAUsageError_beforeAnythingIsSent() {
    assertEquals(2, raidctl.run("vm", "create", "vm1", "--accel", "hvf"));
    assertTrue(err.toString().contains("--accel must be auto, kvm or tcg, not 'hvf'"),
        err.toString());
  }

  @Test
  void noControllerWithNoEmbedded_saysWhereItLookedAndHowToStartOne_andExits5()
      throws Exception {
    server.stop(Duration.ofSeconds(1));
    Files.deleteIfExists(dir.resolve("c.sock"));
    assertEquals(5, raidctl.run("vm", "list", "--no-embedded", "--state-dir",
        dir.resolve("state").toString()));
    assertEquals("raidctl: no controller at " + dir.resolve("c.sock") + ": start one with"
        + " bin/raidvm-controller, or point raidctl at it with --socket or $RAIDVM_SOCKET\n",
        err.toString());
    assertFalse(Files.exists(dir.resolve("state")), "no controller ran");
  }

  @Test
  void generateCompletion_printsABashScriptThatKnowsTheCommands() {
    CommandLine cli = RaidctlMain.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("generate-completion"));
    assertTrue(out.toString().contains("complete -F _complete_raidctl"), out.toString());
    assertTrue(out.toString().contains("zero-superblock"), "subcommands are completed");
    assertTrue(out.toString().contains("--yes"), "so are options");
  }
}
