package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionStepState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * raidctl provision, the real jar as a process, against a real controller and a TCG guest:
 * the howto's layout on 4 × 64 MiB disks, a second run that finds everything done, a conflicting
 * spec refused, and a controller killed in the middle of the sync.
 */
class ProvisionIT {

  private static final Path IMAGES = Path.of(System.getProperty("raidvm.image.dir",
      "/var/cache/raidvm/images"));
  private static final Pattern STEP_LINE =
      Pattern.compile("\\[([a-z ]+|FAILED)\\]\\s+(\\S+)\\s+.*\\((\\d+\\.\\d) s\\)");
  private static final Set<ProvisionStepState> ENDS = Set.of(ProvisionStepState.STEP_DONE,
      ProvisionStepState.STEP_ALREADY_DONE, ProvisionStepState.STEP_SKIPPED,
      ProvisionStepState.STEP_FAILED);

  @Test
  void provision_theHowtosLayout_verifies_andASecondRunFindsEveryStepDone() throws Exception {
    assertEquals("root", System.getProperty("user.name"), "run the VM tests as root");
    String vm = "prov";
    try (ControllerProcess controller = new ControllerProcess(
        TestFolders.create("raidvm-prov-"), IMAGES).start()) {
      Path socket = controller.socket();
      try {
        RaidctlProcess first = RaidctlProcess.run(socket, "provision", vm, "--disk-size", "64M");
        assertEquals(0, first.exitCode(), first.stderr());
        List<String> out = first.stdout();
        printStepTimes(out);
        assertTrue(out.contains("Summary of " + vm), String.join("\n", out));
        assertTrue(out.stream().anyMatch(l -> l.startsWith("verified:  yes")), "verified");
        assertTrue(out.stream().anyMatch(l -> l.matches("\\[done\\]\\s+array\\s+created md127:"
            + " raid5, 4 devices, .*chunk 512K, metadata 1.0.*")), "array created");
        assertTrue(out.stream().anyMatch(l -> l.matches("\\[done\\]\\s+reboot\\s+.*")),
            "rebooted");
        assertTrue(out.stream().anyMatch(l -> l.matches("check:\\s+ok\\s+survived a reboot.*")));

        RaidctlProcess show = RaidctlProcess.run(socket, "raid", "show", vm, "md127", "-o",
            "json");
        assertEquals(0, show.exitCode(), show.stderr());
        Array array = parse(String.join("\n", show.stdout()), Array.newBuilder()).build();
        assertEquals("raid5", array.getLevel());
        assertEquals(4, array.getActiveDevices());
        assertEquals(512, array.getChunkKib());
        assertEquals("1.0", array.getMetadata());
        assertEquals(0, array.getDegraded());

        RaidctlProcess df = RaidctlProcess.run(socket, "fs", "df", vm, "/mnt/md127", "-o",
            "json");
        assertEquals(0, df.exitCode(), df.stderr());
        MountedFilesystem fs = parse(String.join("\n", df.stdout()),
            MountedFilesystem.newBuilder()).build();
        assertEquals("/mnt/md127", fs.getMountPoint());
        assertEquals("ext4", fs.getType());
        assertTrue(fs.getDevice().endsWith("md127"), fs.getDevice());
        assertTrue(fs.getSizeBytes() > 150L << 20, "3 data disks' worth: " + fs.getSizeBytes());

        RaidctlProcess again = RaidctlProcess.run(socket, "provision", vm, "--disk-size", "64M",
            "-o", "json");
        assertEquals(0, again.exitCode(), again.stderr());
        List<ProvisionEvent> events = events(again.stdout());
        List<String> ended = new ArrayList<>();
        for (ProvisionEvent e : events) {
          if (ENDS.contains(e.getState())) {
            assertEquals(ProvisionStepState.STEP_ALREADY_DONE, e.getState(),
                e.getStep() + ": " + e.getMessage());
            ended.add(e.getStep());
          }
        }
        assertEquals(List.of("disks", "image", "vm", "agent", "partition", "array", "sync",
            "filesystem", "mount", "persist", "initramfs", "reboot"), ended);
        assertTrue(events.get(events.size() - 1).getSummary().getVerified());

        RaidctlProcess conflict = RaidctlProcess.run(socket, "provision", vm, "--disk-size",
            "64M", "--level", "raid6");
        assertEquals(4, conflict.exitCode(), "FAILED_PRECONDITION");
        assertTrue(conflict.stderr().contains("it is raid5, the spec says raid6"),
            conflict.stderr());
        RaidctlProcess unchanged = RaidctlProcess.run(socket, "raid", "show", vm, "md127", "-o",
            "json");
        assertEquals("raid5", parse(String.join("\n", unchanged.stdout()), Array.newBuilder())
            .getLevel());
      } finally {
        controller.stopVm(vm);
      }
    }
  }

  @Test
  void controllerKilledInTheSync_aSecondRunFinishes_andTheDataWrittenBeforeIsIntact()
      throws Exception {
    assertEquals("root", System.getProperty("user.name"), "run the VM tests as root");
    String vm = "prov-kill";
    Path state = TestFolders.create("raidvm-prov-kill-");
    // 128 MiB members at md's floor of 1000 KiB/s: the sync lasts over two minutes however fast
    // the machine, longer than the mkfs, mount and 12 MiB of writes below take under TCG.
    String[] spec = {"provision", vm, "--disk-size", "128M", "--no-persist",
        "--sync-speed-max", "1000", "-o", "json"};
    try {
      ControllerProcess first = new ControllerProcess(state, IMAGES).start();
      List<FileChecksum> written = new ArrayList<>();
      try {
        RaidctlProcess run = RaidctlProcess.start(first.socket(), spec);
        ProvisionEvent e;
        do {
          String line = run.nextLine();
          assertNotNull(line, "provision ended before the sync: " + run.stderr());
          e = event(line);
          assertNotEquals(ProvisionStepState.STEP_FAILED, e.getState(), e.getMessage());
        } while (!(e.getStep().equals("sync") && e.getState() == ProvisionStepState.STEP_PROGRESS));

        // While the array resyncs (slowly, capped at 1000 KiB/s), use it the way the howto says one
        // may: make the filesystem, mount it, write data.
        ManagedChannel channel = first.channel();
        try {
          Stubs stubs = new Stubs(channel);
          var fsStub = stubs.agent(vm, FilesystemsGrpc::newBlockingStub)
              .withDeadlineAfter(5, TimeUnit.MINUTES);
          var op = fsStub.makeFilesystem(MakeFilesystemRequest.newBuilder()
              .setDevice("/dev/md127").build());
          stubs.await(vm, op);
          fsStub.mount(MountRequest.newBuilder().setDevice("/dev/md127")
              .setMountPoint("/mnt/md127").build());
          for (int i = 1; i <= 3; i++) {
            written.add(stubs.agent(vm, FilesGrpc::newBlockingStub).writeTestFile(
                WriteTestFileRequest.newBuilder().setPath("/mnt/md127/before-kill-" + i)
                    .setSizeBytes(4L << 20).setSeed(i).build()));
          }
          Array syncing = stubs.agent(vm, RaidGrpc::newBlockingStub).getArray(
              GetArrayRequest.newBuilder().setArray("md127").build());
          String action = syncing.getSync().getAction();
          assertTrue(action.equals("recover") || action.equals("resync"),
              "still in the initial sync at the kill, not " + action);
          System.out.printf("killing the controller at %.1f %% of the %s%n",
              syncing.getSync().getPercent(), action);
        } finally {
          channel.shutdownNow();
        }
        first.kill();
        int exit = run.exitCode();
        assertNotEquals(0, exit, "the interrupted provision does not claim success");
      } finally {
        first.close();
      }

      // No controller runs now: raidctl starts one itself on the same state (the embedded default).
      String[] resume = Stream.concat(Arrays.stream(spec), Stream.of("--state-dir",
          state.toString(), "--image-dir", IMAGES.toString())).toArray(String[]::new);
      RaidctlProcess resumed = RaidctlProcess.run(state.resolve("controller.sock"), resume);
      assertEquals(0, resumed.exitCode(), resumed.stderr());
      assertTrue(resumed.stderr().contains("running one inside this raidctl"), resumed.stderr());
      List<ProvisionEvent> events = events(resumed.stdout());
      for (String step : List.of("disks", "image", "vm", "agent", "partition", "array",
          "filesystem", "mount")) {
        assertEquals(ProvisionStepState.STEP_ALREADY_DONE, endOf(events, step).getState(),
            step + ": " + endOf(events, step).getMessage());
      }
      assertTrue(Set.of(ProvisionStepState.STEP_DONE, ProvisionStepState.STEP_ALREADY_DONE)
          .contains(endOf(events, "sync").getState()));
      assertEquals(ProvisionStepState.STEP_SKIPPED, endOf(events, "persist").getState());
      assertTrue(events.get(events.size() - 1).getSummary().getVerified());

      try (ControllerProcess third = new ControllerProcess(state, IMAGES).start()) {
        ManagedChannel channel = third.channel();
        try {
          List<FileChecksum> now = new Stubs(channel).agent(vm, FilesGrpc::newBlockingStub)
              .checksumFiles(ChecksumFilesRequest.newBuilder().setPath("/mnt/md127").build())
              .getFilesList().stream().filter(f -> f.getPath().contains("before-kill")).toList();
          assertEquals(written, now, "the data written before the kill");
        } finally {
          channel.shutdownNow();
        }
      }
    } finally {
      // Whatever failed above, the VM must not outlive the test.
      try (ControllerProcess last = new ControllerProcess(state, IMAGES).start()) {
        last.stopVm(vm);
      }
    }
  }

  private static ProvisionEvent endOf(List<ProvisionEvent> events, String step) {
    return events.stream().filter(e -> e.getStep().equals(step) && ENDS.contains(e.getState()))
        .findFirst().orElseThrow(() -> new AssertionError("no end of step " + step));
  }

  private static void printStepTimes(List<String> out) {
    System.out.println("provision wall time per step (TCG):");
    for (String line : out) {
      Matcher m = STEP_LINE.matcher(line);
      if (m.matches()) {
        System.out.printf("  %-11s %7s s  %s%n", m.group(2), m.group(3), m.group(1));
      }
    }
  }

  static List<ProvisionEvent> events(List<String> lines) throws Exception {
    List<ProvisionEvent> events = new ArrayList<>();
    for (String line : lines) {
      events.add(event(line));
    }
    return events;
  }

  private static ProvisionEvent event(String line) throws Exception {
    return parse(line, ProvisionEvent.newBuilder()).build();
  }

  static <B extends Message.Builder> B parse(String json, B builder) throws Exception {
    JsonFormat.parser().merge(json, builder);
    return builder;
  }

}
