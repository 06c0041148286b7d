package io.raidvm.cli.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.controller.v1.ProvisionCheck;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionRequest;
import io.raidvm.api.controller.v1.ProvisionServiceGrpc;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.ProvisionStepState;
import io.raidvm.api.controller.v1.ProvisionSummary;
import io.raidvm.cli.Raidctl;
import io.raidvm.common.fs.FilesystemTypes;
import io.raidvm.common.md.RaidLevel;
import io.raidvm.common.grpc.UnixSocketServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raidctl provision against a stand-in ProvisionService on a real Unix socket. */
class ProvisionCommandTest {

  @TempDir
  Path dir;

  private UnixSocketServer server;
  private final List<ProvisionSpec> received = new ArrayList<>();
  private boolean verified = true;
  /** The stand-in answers with the summary of a two-array spec. */
  private boolean twoArrays;
  private Raidctl raidctl;

  @BeforeEach
  void startStandIn() throws Exception {
    var service = new ProvisionServiceGrpc.ProvisionServiceImplBase() {
      @Override
      public void provision(ProvisionRequest req, StreamObserver<ProvisionEvent> obs) {
        received.add(req.getSpec());
        obs.onNext(step("disks", ProvisionStepState.STEP_STARTED, ""));
        obs.onNext(step("disks", ProvisionStepState.STEP_DONE, "created demo-d1, demo-d2"));
        obs.onNext(step("sync", ProvisionStepState.STEP_PROGRESS, "resync").toBuilder()
            .setProgress(Progress.newBuilder().setPhase("resync").setPercent(42.5)).build());
        obs.onNext(step("sync", ProvisionStepState.STEP_ALREADY_DONE, "md127 is in sync"));
        obs.onNext(ProvisionEvent.newBuilder().setState(ProvisionStepState.STEP_SUMMARY)
            .setSummary(twoArrays ? twoArraySummary(req.getSpec()) : summary(req.getSpec()))
            .build());
        obs.onCompleted();
      }
    };
    server = new UnixSocketServer(dir.resolve("c.sock"), List.of(service.bindService()),
        Duration.ofSeconds(10)).start();
    raidctl = new Raidctl(dir.resolve("c.sock"));
  }

  @AfterEach
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1));
  }

  private ProvisionSummary summary(ProvisionSpec spec) {
    return ProvisionSummary.newBuilder().setSpec(spec).setVerified(verified)
        .setArray(Array.newBuilder().setDevice("/dev/md127").setLevel("raid5").addStates("clean")
            .setRaidDevices(4).setActiveDevices(4).setChunkKib(512).setMetadata("1.0")
            .setSizeBytes(192L << 20))
        .setFilesystem(MountedFilesystem.newBuilder().setDevice("/dev/md127")
            .setMountPoint("/mnt/md127").setType("ext4").setSizeBytes(180L << 20))
        .addChecks(ProvisionCheck.newBuilder().setName("mounted").setOk(verified))
        .setDuration(Durations.fromSeconds(90)).build();
  }

  private static ProvisionSummary twoArraySummary(ProvisionSpec spec) {
    Array md0 = Array.newBuilder().setDevice("/dev/md0").setLevel("raid1").addStates("clean")
        .setRaidDevices(2).setActiveDevices(2).setMetadata("1.0").setSizeBytes(159L << 20)
        .build();
    MountedFilesystem logs = MountedFilesystem.newBuilder().setDevice("/dev/md0")
        .setMountPoint("/srv/logs").setType("ext4").setSizeBytes(150L << 20).build();
    return ProvisionSummary.newBuilder().setSpec(spec).setVerified(true)
        .setArray(md0).setFilesystem(logs).addArrays(md0)
        .addArrays(Array.newBuilder().setDevice("/dev/md1").setLevel("raid10")
            .addStates("clean").setRaidDevices(4).setActiveDevices(4).setChunkKib(512)
            .setLayout("near=2").setMetadata("1.0").setSizeBytes(316L << 20))
        .addFilesystems(logs)
        .addFilesystems(MountedFilesystem.newBuilder().setDevice("/dev/md1")
            .setMountPoint("/srv/data").setType("xfs").setSizeBytes(300L << 20))
        .setDuration(Durations.fromSeconds(90)).build();
  }

  private static ProvisionEvent step(String step, ProvisionStepState state, String message) {
    return ProvisionEvent.newBuilder().setStep(step).setState(state).setMessage(message)
        .setDuration(Durations.fromMillis(1500)).build();
  }

  @Test
  void flags_becomeTheSpec_andUnsetOnesStayUnsetForTheControllersDefaults() {
    assertEquals(0, raidctl.run("provision", "demo", "--disk-size", "64M", "--chunk", "64K",
        "--bitmap", "none", "--no-verify-by-reboot", "--level", "6", "--disks", "5"));
    ProvisionSpec spec = received.get(0);
    assertEquals("demo", spec.getVm());
    assertEquals("64M", spec.getDiskSize());
    assertEquals(64, spec.getChunkKib());
    assertEquals(Bitmap.BITMAP_NONE, spec.getBitmap());
    assertEquals("6", spec.getLevel());
    assertEquals(5, spec.getDiskCount());
    assertFalse(spec.getVerifyByReboot());
    assertFalse(spec.hasPersist(), "unset: the controller's default applies");
    assertEquals(0, spec.getMemoryMib());
  }

  @Test
  void printsEachStep_progress_andTheSummary() {
    assertEquals(0, raidctl.run("provision", "demo"));
    String out = raidctl.out.toString();
    assertTrue(out.contains("[done]         disks       created demo-d1, demo-d2 (1.5 s)"), out);
    assertTrue(out.contains("sync        resync 42.5%"), out);
    assertTrue(out.contains("[already done] sync        md127 is in sync (1.5 s)"), out);
    assertTrue(out.contains("Summary of demo"), out);
    assertTrue(out.contains("/dev/md127 raid5 clean, 4/4 devices active"), out);
    assertTrue(out.contains("verified: yes (provision took 90.0 s)"), out);
  }

  @Test
  void jsonOutput_isOneEventPerLine() {
    assertEquals(0, raidctl.run("provision", "demo", "-o", "json"));
    String[] lines = raidctl.out.toString().split("\n");
    assertEquals(5, lines.length);
    assertTrue(lines[4].contains("\"state\":\"STEP_SUMMARY\""), lines[4]);
  }

  @Test
  void notVerified_exits1_namingTheFailedChecks() {
    verified = false;
    assertEquals(1, raidctl.run("provision", "demo"));
    assertEquals("raidctl: provision finished, but these checks failed: mounted\n",
        raidctl.err.toString());
  }

  @Test
  void specFile_yaml_isReadAndFlagsOverrideIt() throws Exception {
    Path file = dir.resolve("demo.yaml");
    Files.writeString(file, "vm: demo\ndisk_count: 3\ndiskSize: 128M\nmetadata: \"1.2\"\n"
        + "persist: false\nverify_by_reboot: false\n");
    assertEquals(0, raidctl.run("provision", "--spec", file.toString(), "--disk-size", "64M"));
    ProvisionSpec spec = received.get(0);
    assertEquals("demo", spec.getVm());
    assertEquals(3, spec.getDiskCount());
    assertEquals("64M", spec.getDiskSize());
    assertEquals("1.2", spec.getMetadata());
    assertTrue(spec.hasPersist());
    assertFalse(spec.getPersist());
  }

  @Test
  void specFile_json_isRead() throws Exception {
    Path file = dir.resolve("demo.json");
    Files.writeString(file, "{\"vm\": \"other\", \"level\": \"raid1\", \"disk_count\": 2}");
    assertEquals(0, raidctl.run("provision", "demo", "--spec", file.toString()));
    assertEquals("demo", received.get(0).getVm());
    assertEquals("raid1", received.get(0).getLevel());
  }

  @Test
  void specFile_withAnUnknownField_isRefusedBeforeAnythingIsSent() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "vm: demo\ndisk_sise: 64M\n");
    assertEquals(2, raidctl.run("provision", "--spec", file.toString()));
    assertTrue(raidctl.err.toString().contains("disk_sise"), raidctl.err.toString());
    assertTrue(received.isEmpty());
  }

  @Test
  void badFlags_areRefusedBeforeAnythingIsSent() {
    assertEquals(2, raidctl.run("provision"));
    assertTrue(raidctl.err.toString().contains("which VM?"), raidctl.err.toString());
    assertEquals(2, raidctl.run("provision", "demo", "--chunk", "lots"));
    assertEquals(2, raidctl.run("provision", "demo", "--bitmap", "external"));
    assertEquals(2, raidctl.run("provision", "demo", "--disks", "0"));
    assertTrue(received.isEmpty());
  }

  @Test
  void specFile_withArraysAndFilesystems_isSentWhole_andTheSummaryListsEach() throws Exception {
    Path file = dir.resolve("two.yaml");
    Files.writeString(file, String.join("\n", "vm: demo", "disk_size: 160M", "arrays:",
        "  - {name: md0, level: raid1, disks: [d1, d2]}",
        "  - {name: md1, level: raid10, layout: n2, disks: [d3, d4, d5, d6]}",
        "filesystems:",
        "  - {array: md0, type: ext4, mount_point: /srv/logs}",
        "  - {array: md1, type: xfs, mount_point: /srv/data, mount_options: [noatime]}", ""));
    twoArrays = true;

    assertEquals(0, raidctl.run("provision", "--spec", file.toString()));

    ProvisionSpec spec = received.get(0);
    assertEquals(2, spec.getArraysCount());
    assertEquals(List.of("d3", "d4", "d5", "d6"), spec.getArrays(1).getDisksList());
    assertEquals("n2", spec.getArrays(1).getLayout());
    assertEquals("xfs", spec.getFilesystems(1).getType());
    assertEquals(List.of("noatime"), spec.getFilesystems(1).getMountOptionsList());
    assertEquals("", spec.getArray(), "no shorthand added by raidctl");
    String out = raidctl.out.toString();
    assertTrue(out.contains("/dev/md0 raid1 clean, 2/2 devices active, 159 MiB, metadata 1.0"),
        out);
    assertTrue(out.contains("/dev/md1 raid10 clean, 4/4 devices active, 316 MiB, chunk 512K,"
        + " layout near=2"), out);
    assertTrue(out.contains("/dev/md0 on /srv/logs (ext4)"), out);
    assertTrue(out.contains("/dev/md1 on /srv/data (xfs)"), out);
  }

  @Test
  void help_takesTheLevelsAndFilesystemsFromTheirOnePlace() {
    assertEquals(0, raidctl.run("provision", "--help"));
    String help = raidctl.out.toString().replaceAll("\\s+", " ");
    assertTrue(help.contains("One of " + String.join(", ", RaidLevel.names())
        + " (default raid5)"), help);
    assertTrue(help.contains("Filesystem: " + String.join(", ", FilesystemTypes.SUPPORTED)),
        help);
  }
}
