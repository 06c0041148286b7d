package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionStepState;
import io.raidvm.api.controller.v1.ProvisionSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * raidctl provision of a spec with two arrays in one VM — RAID 1 of two disks with ext4 and
 * RAID 10 of four with xfs — from a spec file, the real jar as a process, against a real
 * controller and a TCG guest. Data is written to both before the provision's reboot and read
 * back after it; a last run of the same spec finds every step done.
 *
 * <p>VM time is one boot and one reboot: the first run stops before the reboot
 * (--no-verify-by-reboot, a flag over the file), the files are written, and the second run of
 * the whole spec finds everything but the reboot done and reboots.
 */
class MultiArrayProvisionIT {

  private static final Path IMAGES = Path.of(System.getProperty("raidvm.image.dir",
      "/var/cache/raidvm/images"));
  private static final Set<ProvisionStepState> ENDS = Set.of(ProvisionStepState.STEP_DONE,
      ProvisionStepState.STEP_ALREADY_DONE, ProvisionStepState.STEP_SKIPPED,
      ProvisionStepState.STEP_FAILED);
  /**
   * 160 MiB disks: the smallest that give the RAID 10 of four (two copies) the 300 MiB
   * mkfs.xfs asks for, with room for md's superblock and bitmap.
   */
  private static final String SPEC = String.join("\n",
      "vm: multi",
      "disk_size: 160M",
      "arrays:",
      "  - {name: md0, level: raid1, disks: [d1, d2]}",
      "  - {name: md1, level: raid10, layout: n2, disks: [d3, d4, d5, d6]}",
      "filesystems:",
      "  - {array: md0, type: ext4, mount_point: /srv/logs}",
      "  - {array: md1, type: xfs, mount_point: /srv/data, mount_options: [noatime]}",
      "");
  private static final Map<String, String> MOUNTS = Map.of("md0", "/srv/logs",
      "md1", "/srv/data");

  @Test
  void twoArrays_ext4AndXfs_surviveTheReboot_withTheirData_andARerunFindsEveryStepDone()
      throws Exception {
    assertEquals("root", System.getProperty("user.name"), "run the VM tests as root");
    String vm = "multi";
    long start = System.nanoTime();
    Path folder = TestFolders.create("raidvm-multi-");
    Path spec = folder.resolve("multi.yaml");
    Files.writeString(spec, SPEC);
    try (ControllerProcess controller = new ControllerProcess(
        Files.createDirectories(folder.resolve("state")), IMAGES).start()) {
      Path socket = controller.socket();
      try {
        RaidctlProcess first = RaidctlProcess.run(socket, "provision", "--spec", spec.toString(),
            "--no-verify-by-reboot", "-o", "json");
        assertEquals(0, first.exitCode(), first.stderr());
        List<ProvisionEvent> made = ProvisionIT.events(first.stdout());
        for (String array : List.of("md0", "md1")) {
          assertEquals(ProvisionStepState.STEP_DONE, endOf(made, "array", array).getState());
          assertEquals(ProvisionStepState.STEP_DONE, endOf(made, "filesystem", array).getState());
          assertEquals(ProvisionStepState.STEP_DONE, endOf(made, "mount", array).getState());
        }
        assertTrue(endOf(made, "filesystem", "md1").getMessage().startsWith("made xfs on"),
            endOf(made, "filesystem", "md1").getMessage());
        ProvisionSummary firstSummary = summary(made);
        assertEquals(List.of("raid1", "raid10"), firstSummary.getArraysList().stream()
            .map(Array::getLevel).toList());
        assertEquals("near=2", firstSummary.getArrays(1).getLayout());
        List<ConfigChange> persisted = firstSummary.getPersistedList();
        assertEquals(4, persisted.size(), persisted.toString());
        assertTrue(persisted.stream().anyMatch(c -> c.getLine().contains(" /srv/data xfs"
            + " noatime,nofail ")), persisted.toString());
        assertTrue(persisted.stream().anyMatch(c -> c.getLine().contains(" /srv/logs ext4 ")),
            persisted.toString());

        List<FileChecksum> written = new ArrayList<>();
        ManagedChannel channel = controller.channel();
        try {
          var files = new Stubs(channel).agent(vm, FilesGrpc::newBlockingStub)
              .withDeadlineAfter(5, TimeUnit.MINUTES);
          for (String mount : List.of("/srv/logs", "/srv/data")) {
            written.add(files.writeTestFile(WriteTestFileRequest.newBuilder()
                .setPath(mount + "/before-reboot").setSizeBytes(8L << 20).setSeed(7).build()));
          }
        } finally {
          channel.shutdownNow();
        }

        RaidctlProcess second = RaidctlProcess.run(socket, "provision", "--spec",
            spec.toString(), "-o", "json");
        assertEquals(0, second.exitCode(), second.stderr());
        List<ProvisionEvent> rebooted = ProvisionIT.events(second.stdout());
        for (ProvisionEvent e : rebooted) {
          if (ENDS.contains(e.getState()) && !e.getStep().equals("reboot")) {
            assertEquals(ProvisionStepState.STEP_ALREADY_DONE, e.getState(),
                e.getStep() + " " + e.getArray() + ": " + e.getMessage());
          }
        }
        assertEquals(ProvisionStepState.STEP_DONE, endOf(rebooted, "reboot", "").getState());
        assertTrue(summary(rebooted).getVerified(), summary(rebooted).toString());

        // After the reboot: both arrays assembled whole, both filesystems mounted by fstab
        // (nothing else mounted them), the data as written.
        for (String array : List.of("md0", "md1")) {
          RaidctlProcess show = RaidctlProcess.run(socket, "raid", "show", vm, array, "-o",
              "json");
          assertEquals(0, show.exitCode(), show.stderr());
          Array a = ProvisionIT.parse(String.join("\n", show.stdout()), Array.newBuilder()).build();
          assertEquals(array.equals("md0") ? 2 : 4, a.getActiveDevices(), a.toString());
          assertEquals(0, a.getDegraded(), a.toString());
          RaidctlProcess df = RaidctlProcess.run(socket, "fs", "df", vm, MOUNTS.get(array), "-o",
              "json");
          assertEquals(0, df.exitCode(), df.stderr());
          MountedFilesystem fs = ProvisionIT.parse(String.join("\n", df.stdout()),
              MountedFilesystem.newBuilder()).build();
          assertTrue(fs.getDevice().endsWith(array), fs.getDevice());
          assertEquals(array.equals("md0") ? "ext4" : "xfs", fs.getType());
        }
        channel = controller.channel();
        try {
          var files = new Stubs(channel).agent(vm, FilesGrpc::newBlockingStub)
              .withDeadlineAfter(5, TimeUnit.MINUTES);
          List<FileChecksum> now = new ArrayList<>();
          for (String mount : List.of("/srv/logs", "/srv/data")) {
            now.addAll(files.checksumFiles(ChecksumFilesRequest.newBuilder().setPath(mount)
                .build()).getFilesList().stream()
                .filter(f -> f.getPath().endsWith("/before-reboot")).toList());
          }
          assertEquals(written, now, "the data written before the reboot");
        } finally {
          channel.shutdownNow();
        }

        RaidctlProcess third = RaidctlProcess.run(socket, "provision", "--spec", spec.toString(),
            "-o", "json");
        assertEquals(0, third.exitCode(), third.stderr());
        List<ProvisionEvent> again = ProvisionIT.events(third.stdout());
        List<String> ended = new ArrayList<>();
        for (ProvisionEvent e : again) {
          if (ENDS.contains(e.getState())) {
            assertEquals(ProvisionStepState.STEP_ALREADY_DONE, e.getState(),
                e.getStep() + " " + e.getArray() + ": " + e.getMessage());
            ended.add(e.getArray().isEmpty() ? e.getStep() : e.getStep() + " " + e.getArray());
          }
        }
        assertEquals(List.of("disks", "image", "vm", "agent", "partition", "array md0",
            "array md1", "sync md0", "sync md1", "filesystem md0", "filesystem md1", "mount md0",
            "mount md1", "persist", "initramfs", "reboot"), ended);
        ProvisionSummary last = summary(again);
        assertTrue(last.getVerified(), last.toString());
        assertEquals(2, last.getFilesystemsCount());
      } finally {
        controller.stopVm(vm);
        System.out.printf("MultiArrayProvisionIT: %.0f s%n", Checks.secondsSince(start));
      }
    }
  }

  private static ProvisionEvent endOf(List<ProvisionEvent> events, String step, String array) {
    return events.stream().filter(e -> e.getStep().equals(step) && e.getArray().equals(array)
        && ENDS.contains(e.getState())).findFirst()
        .orElseThrow(() -> new AssertionError("no end of step " + step + " " + array));
  }

  private static ProvisionSummary summary(List<ProvisionEvent> events) {
    ProvisionEvent last = events.get(events.size() - 1);
    assertEquals(ProvisionStepState.STEP_SUMMARY, last.getState());
    return last.getSummary();
  }
}
