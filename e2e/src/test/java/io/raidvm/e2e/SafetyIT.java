package io.raidvm.e2e;

import static io.raidvm.e2e.Checks.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.UnmountRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.ListAuditRequest;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionStepState;
import io.raidvm.api.controller.v1.StopVmRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No single call breaks a healthy array (issue 9), on a real RAID 5 in a real VM: what a user
 * tried and what broke it, each refused now with the array unchanged; and a power cut in the
 * initial recovery, after which provision finishes the job with the data intact.
 */
class SafetyIT {

  private static final Path IMAGES = Path.of(System.getProperty("raidvm.image.dir",
      "/var/cache/raidvm/images"));
  private static final List<String> MEMBERS =
      List.of("d1-part1", "d2-part1", "d3-part1", "d4-part1");

  @Test
  void refusals_onARaid5_leaveItAsItWas() throws Exception {
    try (RaidVm vm = RaidVm.boot("safe", List.of("d1", "d2", "d3", "d4", "d5", "d6"), "64M")) {
      // A hello line inside a call (issue 10) is that call's data: the ordinary answer, and the
      // controller's session with the agent goes on, with no new handshake.
      long sessions = agentSessions(vm);
      StatusRuntimeException hello = assertThrows(StatusRuntimeException.class,
          () -> vm.stubs.agent(vm.name, FilesGrpc::newBlockingStub).checksumFiles(
              ChecksumFilesRequest.newBuilder().setPath(
                  "/mnt/md127/x\nRAIDVM-HELLO/1 0123456789abcdef0123456789abcdef\nx").build()));
      System.out.println("a path with a hello line: " + hello.getStatus());
      assertTrue(Set.of(Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT)
          .contains(hello.getStatus().getCode()), hello.getStatus().toString());
      RaidGrpc.RaidBlockingStub raid = vm.raid();
      vm.await(raid.createArray(CreateArrayRequest.newBuilder().setArray("md127")
          .setLevel("raid5").setMetadata("1.0").setChunkKib(512).setBitmap(Bitmap.BITMAP_NONE)
          .addAllDevices(MEMBERS).build()));
      assertEquals(sessions, agentSessions(vm), "the agent session after the hello line");

      // The second fail of a RAID 5 is refused: it stays degraded, not FAILED.
      raid.failMember(member("d2-part1"));
      StatusRuntimeException second = assertCode(Status.Code.FAILED_PRECONDITION,
          () -> raid.failMember(member("d3-part1")));
      System.out.println("second fail: " + second.getStatus().getDescription());
      // The agent's own line of that refusal reaches the controller's trail: who asked (as the
      // controller authenticated them), the request the agent decoded, the agent's answer.
      AuditEntry agentLine = Checks.eventually(Duration.ofSeconds(60), () -> AuditServiceGrpc
          .newBlockingStub(vm.channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .listAudit(ListAuditRequest.newBuilder().setVm(vm.name).build()).getEntriesList()
          .stream().filter(e -> e.getOrigin().equals("agent")
              && e.getRpc().equals("raidvm.agent.v1.Raid/FailMember")
              && e.getCode().equals("FAILED_PRECONDITION"))
          .findFirst().orElseThrow());
      System.out.println("agent audit line: " + JsonFormat.printer()
          .omittingInsignificantWhitespace().print(agentLine));
      assertEquals("uid=0(root)", agentLine.getCaller());
      assertTrue(agentLine.getRequest().contains("\"device\":\"d3-part1\""),
          agentLine.getRequest());
      assertTrue(agentLine.getAgentSequence() > 0);
      Array degraded = get(raid);
      assertEquals(3, working(degraded), degraded.toString());
      assertTrue(degraded.getSummary().startsWith("degraded: 3 of 4 member slots working"),
          degraded.getSummary());
      raid.removeMember(member("d2-part1"));
      vm.await(raid.addMember(AddMemberRequest.newBuilder().setArray("md127")
          .setDevice("d2-part1").build()));
      assertEquals(4, working(get(raid)));

      // Partitioning an active member's disk with force is refused; its GPT is unchanged.
      Path d1 = vm.controller.stateDir().resolve("disks/d1.qcow2");
      String gptBefore = firstSectors(d1);
      StatusRuntimeException partition = assertCode(Status.Code.FAILED_PRECONDITION,
          () -> vm.stubs.agent(vm.name, DisksGrpc::newBlockingStub).partition(
              PartitionRequest.newBuilder().setDevice("d1").setForce(true).build()));
      assertTrue(partition.getStatus().getDescription().contains("refused even with force"));
      assertEquals(gptBefore, firstSectors(d1), "d1's first sectors");

      // mkfs options that smuggle -F in are refused.
      assertCode(Status.Code.INVALID_ARGUMENT, () -> vm.stubs.agent(vm.name,
          FilesystemsGrpc::newBlockingStub).makeFilesystem(MakeFilesystemRequest.newBuilder()
          .setDevice("md127").setForce(true).addOptions("-Fb4096").build()));

      // A replace whose new disk is in use is refused before anything changes.
      Array before = get(raid);
      assertCode(Status.Code.FAILED_PRECONDITION, () -> raid.replaceMember(ReplaceMemberRequest
          .newBuilder().setArray("md127").setDevice("d2-part1").setNewDisk("d1").setForce(true)
          .build()));
      assertEquals(devices(before), devices(get(raid)));
      assertEquals(4, working(get(raid)));

      // Two replaces at once on one RAID 5: exactly one proceeds.
      CompletableFuture<Operation> a = CompletableFuture.supplyAsync(() -> raid.replaceMember(
          replace("d2-part1", "d5")));
      CompletableFuture<Operation> b = CompletableFuture.supplyAsync(() -> raid.replaceMember(
          replace("d3-part1", "d6")));
      List<Operation> proceeded = new ArrayList<>();
      List<Status.Code> refused = new ArrayList<>();
      for (CompletableFuture<Operation> call : List.of(a, b)) {
        try {
          proceeded.add(call.get(5, TimeUnit.MINUTES));
        } catch (java.util.concurrent.ExecutionException e) {
          refused.add(Status.fromThrowable(e.getCause()).getCode());
          System.out.println("the other replace: " + Status.fromThrowable(e.getCause()));
        }
      }
      assertEquals(1, proceeded.size(), "exactly one replace proceeds");
      assertTrue(Set.of(Status.Code.ABORTED, Status.Code.FAILED_PRECONDITION)
          .contains(refused.get(0)), refused.toString());
      vm.await(proceeded.get(0));
      assertEquals(4, working(get(raid)));
    }
  }

  @Test
  void powerCutInTheInitialRecovery_provisionResumesIt_andTheDataIsIntact() throws Exception {
    assertEquals("root", System.getProperty("user.name"), "run the VM tests as root");
    String vm = "safe-cut";
    Path state = TestFolders.create("raidvm-safe-cut-");
    try (ControllerProcess controller = new ControllerProcess(state, IMAGES).start()) {
      ManagedChannel channel = controller.channel();
      Stubs stubs = new Stubs(channel);
      try {
        RaidctlProcess run = RaidctlProcess.start(controller.socket(), "provision", vm,
            "--disk-size", "256M", "--no-persist", "--no-verify-by-reboot", "--sync-speed-max",
            "1000", "-o", "json");
        ProvisionEvent e;
        do {
          String line = run.nextLine();
          assertNotNull(line, "provision ended before the sync: " + run.stderr());
          e = event(line);
        } while (!(e.getStep().equals("sync") && e.getState() == ProvisionStepState.STEP_PROGRESS));
        var fs = stubs.agent(vm, FilesystemsGrpc::newBlockingStub)
            .withDeadlineAfter(5, TimeUnit.MINUTES);
        stubs.await(vm, fs.makeFilesystem(MakeFilesystemRequest.newBuilder()
            .setDevice("/dev/md127").build()));
        fs.mount(MountRequest.newBuilder().setDevice("/dev/md127").setMountPoint("/mnt/md127")
            .build());
        List<FileChecksum> written = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
          written.add(stubs.agent(vm, FilesGrpc::newBlockingStub).writeTestFile(
              WriteTestFileRequest.newBuilder().setPath("/mnt/md127/before-cut-" + i)
                  .setSizeBytes(4L << 20).setSeed(i).build()));
        }
        // Cut the power while the recovery runs but no write is in flight: a RAID 5 that goes
        // down degraded *during writes* is dirty, and md rightly refuses to start it (the write
        // hole) — ResumeSync then says so instead of guessing. Unmounted and idle, it is clean.
        fs.unmount(UnmountRequest.newBuilder().setTarget("/mnt/md127").build());
        Array recovering = Checks.eventually(Duration.ofSeconds(60), () -> {
          Array a = stubs.agent(vm, RaidGrpc::newBlockingStub).getArray(
              GetArrayRequest.newBuilder().setArray("md127").build());
          if (!a.getArrayState().equals("clean")) {
            throw new IllegalStateException("array_state " + a.getArrayState());
          }
          return a;
        });
        System.out.printf("power cut at %.1f %% of the %s%n", recovering.getSync().getPercent(),
            recovering.getSync().getAction());
        // The cap (1000 KiB/s, md's floor: over 4 minutes for a 256 MiB member) keeps the
        // recovery running through mkfs, the writes and the unmount even on a loaded host; had
        // it ended, this test would only cut the power of an idle array.
        assertEquals("recover", recovering.getSync().getAction(),
            "the power is cut during the recovery");
        long pid = Long.parseLong(Files.readString(state.resolve("vms/" + vm + "/qemu.pid"))
            .strip());
        new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
        assertNotEquals(0, run.exitCode(), "the cut provision does not claim success");

        RaidctlProcess again = RaidctlProcess.run(controller.socket(), "provision", vm,
            "--disk-size", "256M", "--no-persist", "--no-verify-by-reboot", "-o", "json");
        assertEquals(0, again.exitCode(), again.stderr());
        List<ProvisionEvent> events = new ArrayList<>();
        for (String line : again.stdout()) {
          events.add(event(line));
        }
        ProvisionEvent sync = events.stream().filter(x -> x.getStep().equals("sync")
            && (x.getState() == ProvisionStepState.STEP_DONE
                || x.getState() == ProvisionStepState.STEP_ALREADY_DONE)).findFirst()
            .orElseThrow();
        System.out.println("after the power cut, sync: " + sync.getMessage());
        assertTrue(events.get(events.size() - 1).getSummary().getVerified());
        List<FileChecksum> now = stubs.agent(vm, FilesGrpc::newBlockingStub)
            .checksumFiles(ChecksumFilesRequest.newBuilder().setPath("/mnt/md127").build())
            .getFilesList().stream().filter(f -> f.getPath().contains("before-cut")).toList();
        assertEquals(written, now, "the data written before the power cut");
      } finally {
        try {
          stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
              .stopVm(StopVmRequest.newBuilder().setName(vm).build());
        } catch (RuntimeException e) {
          System.out.println("stopping VM " + vm + ": " + e.getMessage());
        }
        channel.shutdownNow();
      }
    }
  }

  /** How many sessions the controller's connection to the VM's agent has had. */
  private static long agentSessions(RaidVm vm) {
    return vm.stubs.vms().getVm(GetVmRequest.newBuilder().setName(vm.name).build()).getAgent()
        .getSessions();
  }

  private static MemberRequest member(String device) {
    return MemberRequest.newBuilder().setArray("md127").setDevice(device).build();
  }

  private static ReplaceMemberRequest replace(String device, String newDisk) {
    return ReplaceMemberRequest.newBuilder().setArray("md127").setDevice(device)
        .setNewDisk(newDisk).setForce(true).build();
  }

  private static Array get(RaidGrpc.RaidBlockingStub raid) {
    return raid.getArray(GetArrayRequest.newBuilder().setArray("md127").build());
  }

  private static long working(Array a) {
    return a.getMembersList().stream().filter(m -> m.getFlagsList().contains("in_sync")
        && !m.getFlagsList().contains("faulty")).count();
  }

  private static List<String> devices(Array a) {
    return a.getMembersList().stream().map(Member::getDevice).sorted().toList();
  }

  /** The disk's first 17 KiB (protective MBR, GPT header and entries), read from the host. */
  private static String firstSectors(Path qcow2) throws Exception {
    Process p = new ProcessBuilder("qemu-io", "-r", "-U", "-f", "qcow2", "-c", "read -v 0 17408",
        qcow2.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    return out.lines().filter(l -> !l.startsWith("read ") && !l.contains("ops/sec"))
        .reduce("", (x, y) -> x + y + "\n");
  }

  private static ProvisionEvent event(String line) throws Exception {
    ProvisionEvent.Builder b = ProvisionEvent.newBuilder();
    JsonFormat.parser().merge(line, b);
    return b.build();
  }
}
