package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.ControllerInfo;
import io.raidvm.api.controller.v1.ControllerServiceGrpc;
import io.raidvm.api.controller.v1.GetControllerInfoRequest;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionRequest;
import io.raidvm.api.controller.v1.ProvisionServiceGrpc;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.ProvisionStepState;
import io.raidvm.api.controller.v1.ProvisionSummary;
import io.raidvm.api.controller.v1.StopVmRequest;
import io.raidvm.api.controller.v1.Vm;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Not a test: raidvm beside QEMU's own guest agent (qemu-ga) in one VM, on the same questions.
 * The image is the plain one plus the package qemu-guest-agent (BuildImage extra_packages), the
 * VM has qemu-ga's port too (VmSpec.qemu_guest_agent). raidvm is asked through the controller's
 * socket, as any gRPC client would; qemu-ga through its port's socket, as a tool built on it
 * would: {@code guest-exec} of the same command, then {@code guest-exec-status} until it exited.
 * Calls alternate round by round ({@link Latencies#measure}); the boot is one boot, timed from
 * QEMU's start. Named so that CI's *IT run skips it; run it with scripts/bench.
 */
class SideBySideBenchmark {

  private static final int CALLS = Integer.getInteger("raidvm.bench.calls", 50);
  private static final int WARM_UP = 5;
  private static final List<String> DISKS = List.of("s1", "s2", "s3", "s4");
  private static final List<String> HOWTO_DISKS = List.of("q1", "q2", "q3", "q4");
  private static final String HOWTO_DISK = "64M";
  private static final String RAIDVM_HOWTO = "howto-raidvm";
  private static final String QGA_HOWTO = "howto-qga";
  private static final String TOTAL = "total";
  private static final int IDLE_SECONDS = Integer.getInteger("raidvm.bench.idle.seconds", 120);
  private static final String IDLE_OUT = "/run/raidvm-bench-idle";

  @Test
  void raidvmBesideQemuGuestAgent() throws Exception {
    assertTrue(CALLS >= 20, "raidvm.bench.calls must be 20 or more, not " + CALLS);
    try (RaidVm vm = RaidVm.create("side", DISKS, "64M", List.of(),
        BuildImageRequest.newBuilder().setSuite(Stubs.SUITE).addExtraPackages("qemu-guest-agent")
            .build(),
        spec -> spec.setQemuGuestAgent(true))) {
      Path qgaSocket = vm.controller.stateDir().resolve("vms").resolve(vm.name)
          .resolve("qga.sock");
      CompletableFuture<Instant> qgaReady = CompletableFuture.supplyAsync(() -> {
        try {
          return QemuGuestAgent.firstPong(qgaSocket, Instant.now().plus(Duration.ofMinutes(20)));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      vm.start(DISKS);
      Vm started = vm.stubs.vms().getVm(GetVmRequest.newBuilder().setName(vm.name).build());
      Instant qemuStart = instant(started.getStartedAt());
      double raidvmBoot = seconds(qemuStart, instant(started.getAgent().getConnectedSince()));
      double qgaBoot = seconds(qemuStart, qgaReady.get(20, TimeUnit.MINUTES));

      vm.await(vm.raid().createArray(CreateArrayRequest.newBuilder().setArray("md127")
          .setLevel("raid5").setChunkKib(512).setMetadata("1.0").setBitmap(Bitmap.BITMAP_NONE)
          .addAllDevices(DISKS.stream().map(d -> d + "-part1").toList()).build()));
      try (QemuGuestAgent qga = QemuGuestAgent.connect(qgaSocket)) {
        GetArrayRequest kernel = GetArrayRequest.newBuilder().setArray("md127").build();
        GetArrayRequest mdadm = kernel.toBuilder().setFromMdadm(true).build();
        List<String> detail = List.of("--detail", "/dev/md127");
        List<String> mdstat = List.of("/proc/mdstat");
        sameArray(raid(vm).getArray(kernel), qga.exec("/sbin/mdadm", detail));

        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("raidvm agent round trip", () -> vm.stubs.agent(vm.name,
            GuestAgentGrpc::newBlockingStub).getInfo(GetInfoRequest.getDefaultInstance()));
        calls.put("qemu-ga agent round trip", qga::ping);
        calls.put("raidvm array detail", () -> raid(vm).getArray(kernel));
        calls.put("qemu-ga array detail", () -> succeeded(qga.exec("/sbin/mdadm", detail)));
        calls.put("raidvm array detail (mdadm)", () -> raid(vm).getArray(mdadm));
        calls.put("qemu-ga array detail (mdadm)",
            () -> succeeded(qga.exec("/sbin/mdadm", detail)));
        calls.put("raidvm mdstat",
            () -> raid(vm).getMdstat(GetMdstatRequest.getDefaultInstance()));
        calls.put("qemu-ga mdstat", () -> succeeded(qga.exec("/bin/cat", mdstat)));
        Map<String, List<Double>> millis = Latencies.measure(calls, WARM_UP, CALLS);
        Map<String, Map<String, long[]>> idle = idleCosts(qga);
        Map<String, long[]> before = idle.get("0");
        Map<String, long[]> after = idle.get("1");
        ControllerInfo controller = ControllerServiceGrpc.newBlockingStub(vm.channel)
            .getControllerInfo(GetControllerInfoRequest.getDefaultInstance());

        System.out.println("---- raidvm beside qemu-ga, one VM (" + started.getAccel() + "), "
            + CALLS + " calls each, p50 / p95 in ms ----");
        System.out.println(String.format(Locale.ROOT, "%-62s %17s %17s %9s",
            "call (raidvm | qemu-ga)", "raidvm p50/p95", "qemu-ga p50/p95", "ratio p50"));
        row(millis, "agent round trip", "GetInfo | guest-ping");
        row(millis, "array detail", "Raid.GetArray | guest-exec mdadm --detail");
        row(millis, "array detail (mdadm)", "GetArray from_mdadm | guest-exec mdadm");
        row(millis, "mdstat", "Raid.GetMdstat | guest-exec cat /proc/mdstat");
        System.out.println(String.format(Locale.ROOT, "%-62s %14.1f s  %14.1f s  %9.2f",
            "boot to agent ready (handshake | guest-ping)", raidvmBoot, qgaBoot,
            qgaBoot / raidvmBoot));
        double ticks = idle.get("ticks").get("ticks")[0];
        double ourIdle = idlePercent(before, after, "raidvm-agent", ticks);
        double theirIdle = idlePercent(before, after, "qemu-guest-agent", ticks);
        System.out.println(String.format(Locale.ROOT, "%-62s %15.3f %%  %15.3f %%  %9s",
            "idle CPU over " + IDLE_SECONDS + " s, of one core (agent | qemu-ga)", ourIdle,
            theirIdle, ourIdle == 0 ? "-" : String.format(Locale.ROOT, "%.2f",
                theirIdle / ourIdle)));
        System.out.println(String.format(Locale.ROOT, "%-62s %13.1f MiB  %13.1f MiB  %9.2f",
            "resident memory, threads " + after.get("raidvm-agent")[3] + " | "
                + after.get("qemu-guest-agent")[3], after.get("raidvm-agent")[2] / 1024.0,
            after.get("qemu-guest-agent")[2] / 1024.0,
            (double) after.get("qemu-guest-agent")[2] / after.get("raidvm-agent")[2]));
        System.out.println("ratio: qemu-ga / raidvm (above 1: raidvm is faster, or smaller);"
            + " boot: one boot, from QEMU's start; idle: /proc in the guest, the controller's"
            + " watch open");
        System.out.println(String.format(Locale.ROOT, "controller, one VM running: %.1f MiB"
            + " resident, %d threads, %.1f s CPU since its start", controller.getRssBytes()
            / 1048576.0, controller.getThreads(), controller.getCpuMillis() / 1000.0));
      }
      vm.stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
          .stopVm(StopVmRequest.newBuilder().setName(vm.name).build());
      wholeHowto(vm, started.getSpec().getImage());
    }
  }

  /**
   * The whole howto, each from nothing to an array verified by a reboot, one after the other on
   * the one controller (images built before): raidvm's Provision, then the same layout by a
   * script over qemu-ga ({@link HowtoOverQemuGuestAgent}); prints both step by step.
   */
  private static void wholeHowto(RaidVm vm, String qgaImage) throws Exception {
    vm.stubs.buildImage();
    try {
      printHowtos(provision(vm), qgaHowto(vm, qgaImage));
    } finally {
      // RaidVm.close stops only its own VM; these two are this method's (best effort).
      vm.controller.stopVm(RAIDVM_HOWTO);
      vm.controller.stopVm(QGA_HOWTO);
    }
  }

  /** raidvm's Provision of the howto: each step's seconds, and "total". */
  private static Map<String, Double> provision(RaidVm vm) {
    Map<String, Double> ours = new LinkedHashMap<>();
    long start = System.nanoTime();
    Iterator<ProvisionEvent> events = ProvisionServiceGrpc.newBlockingStub(vm.channel)
        .withDeadlineAfter(60, TimeUnit.MINUTES).provision(ProvisionRequest.newBuilder()
            .setSpec(ProvisionSpec.newBuilder().setVm(RAIDVM_HOWTO).setDiskSize(HOWTO_DISK)
                .setDiskCount(HOWTO_DISKS.size())).build());
    ProvisionSummary summary = null;
    while (events.hasNext()) {
      ProvisionEvent e = events.next();
      assertNotEquals(ProvisionStepState.STEP_FAILED, e.getState(), e.getMessage());
      if (e.hasDuration() && e.getState() != ProvisionStepState.STEP_SUMMARY) {
        ours.merge(e.getStep(), Durations.toNanos(e.getDuration()) / 1e9, Double::sum);
      }
      if (e.hasSummary()) {
        summary = e.getSummary();
      }
    }
    ours.put(TOTAL, (System.nanoTime() - start) / 1e9);
    assertTrue(summary != null && summary.getVerified(), "raidvm's provision did not verify");
    System.out.println(String.format(Locale.ROOT, "raidvm's provision: %s", ours));
    vm.stubs.vms().withDeadlineAfter(5, TimeUnit.MINUTES)
        .stopVm(StopVmRequest.newBuilder().setName(RAIDVM_HOWTO).build());
    return ours;
  }

  /** The howto by a script over qemu-ga: each step's seconds, and "total". */
  private static Map<String, Double> qgaHowto(RaidVm vm, String qgaImage) throws Exception {
    long start = System.nanoTime();
    Map<String, Double> theirs = new LinkedHashMap<>(HowtoOverQemuGuestAgent.run(vm.stubs,
        vm.controller.stateDir(), QGA_HOWTO, qgaImage, HOWTO_DISKS, HOWTO_DISK));
    theirs.put(TOTAL, (System.nanoTime() - start) / 1e9);
    return theirs;
  }

  private static void printHowtos(Map<String, Double> ours, Map<String, Double> theirs) {
    double oursTotal = ours.remove(TOTAL);
    double theirsTotal = theirs.remove(TOTAL);

    System.out.println("---- the whole howto (" + HOWTO_DISKS.size() + " x " + HOWTO_DISK
        + ", RAID 5, ext4, persisted, verified by a reboot; images cached), seconds ----");
    System.out.println(String.format(Locale.ROOT, "%-62s %17s %17s %9s", "step",
        "raidvm", "qemu-ga script", "ratio"));
    Set<String> steps = new LinkedHashSet<>(ours.keySet());
    steps.addAll(theirs.keySet());
    for (String step : steps) {
      System.out.println(String.format(Locale.ROOT, "%-62s %17s %17s", step,
          seconds(ours.get(step)), seconds(theirs.get(step))));
    }
    System.out.println(String.format(Locale.ROOT, "%-62s %15.1f s %15.1f s %9.2f",
        "whole howto (Provision | guest-exec script)", oursTotal, theirsTotal,
        theirsTotal / oursTotal));
    System.out.println("the qemu-ga script's vm step is its first boot to qemu-ga's answer,"
        + " with raidvm's agent starting beside it (turned off after)");
  }

  /**
   * Each agent's CPU ticks (user, system), resident KiB and threads, read from /proc in the guest
   * before ("0") and after ("1") {@link #IDLE_SECONDS} of nothing asked; "ticks" holds the clock
   * ticks per second. The sampler runs detached and its answer is read after it, so that qemu-ga
   * has no child to watch meanwhile and is idle too.
   */
  private static Map<String, Map<String, long[]>> idleCosts(QemuGuestAgent qga)
      throws InterruptedException {
    String script = "sleep 3; echo ticks ticks $(getconf CLK_TCK); " + sample("0") + " sleep "
        + IDLE_SECONDS + "; " + sample("1");
    succeeded(qga.exec("/bin/sh", List.of("-c", "rm -f " + IDLE_OUT + "; (setsid sh -c \""
        + script.replace("$", "\\$") + "\" > " + IDLE_OUT + ".part 2>&1 && mv " + IDLE_OUT
        + ".part " + IDLE_OUT + ") < /dev/null > /dev/null 2>&1 &")));
    TimeUnit.SECONDS.sleep(IDLE_SECONDS + 5);
    QemuGuestAgent.Exec exec = qga.exec("/bin/cat", List.of(IDLE_OUT));
    for (int i = 0; i < 60 && exec.exitCode() != 0; i++) {
      TimeUnit.SECONDS.sleep(2);
      exec = qga.exec("/bin/cat", List.of(IDLE_OUT));
    }
    succeeded(exec);
    Map<String, Map<String, long[]>> costs = new LinkedHashMap<>();
    for (String line : exec.out().strip().split("\n")) {
      String[] words = line.strip().split("\\s+");
      long[] values = new long[words.length - 2];
      for (int i = 2; i < words.length; i++) {
        values[i - 2] = Long.parseLong(words[i]);
      }
      costs.computeIfAbsent(words[0], k -> new LinkedHashMap<>()).put(words[1], values);
    }
    assertEquals(Set.of("ticks", "0", "1"), costs.keySet(), exec.out());
    assertEquals(Set.of("raidvm-agent", "qemu-guest-agent"), costs.get("1").keySet(),
        exec.out());
    return costs;
  }

  /** Prints "{@code when} agent utime stime rss-KiB threads" for each agent. */
  private static String sample(String when) {
    return "for u in raidvm-agent qemu-guest-agent; do"
        + " p=$(systemctl show -p MainPID --value $u.service);"
        + " echo " + when + " $u $(cut -d' ' -f14,15 /proc/$p/stat)"
        + " $(awk '/^VmRSS|^Threads/ {print $2}' /proc/$p/status); done;";
  }

  private static double idlePercent(Map<String, long[]> before, Map<String, long[]> after,
      String agent, double ticksPerSecond) {
    long used = after.get(agent)[0] + after.get(agent)[1] - before.get(agent)[0]
        - before.get(agent)[1];
    return 100.0 * used / ticksPerSecond / IDLE_SECONDS;
  }

  private static String seconds(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.1f s", value);
  }

  private static void row(Map<String, List<Double>> millis, String what, String how) {
    List<Double> ours = millis.get("raidvm " + what);
    List<Double> theirs = millis.get("qemu-ga " + what);
    double ourP50 = Latencies.percentile(ours, 50);
    double theirP50 = Latencies.percentile(theirs, 50);
    System.out.println(String.format(Locale.ROOT, "%-62s %7.1f / %7.1f %7.1f / %7.1f %9.2f",
        what + " (" + how + ")", ourP50, Latencies.percentile(ours, 95), theirP50,
        Latencies.percentile(theirs, 95), theirP50 / ourP50));
  }

  /** Both agents describe the one array: same level, and mdadm's size is raidvm's. */
  private static void sameArray(Array ours, QemuGuestAgent.Exec theirs) {
    succeeded(theirs);
    assertEquals("raid5", ours.getLevel());
    assertTrue(theirs.out().contains("Raid Level : raid5"), theirs.out());
    assertTrue(theirs.out().contains("Array Size : " + ours.getSizeBytes() / 1024 + " "),
        ours.getSizeBytes() + " bytes, but mdadm said:\n" + theirs.out());
  }

  private static void succeeded(QemuGuestAgent.Exec exec) {
    assertEquals(0, exec.exitCode(), exec.out());
  }

  private static RaidGrpc.RaidBlockingStub raid(RaidVm vm) {
    return vm.stubs.agent(vm.name, RaidGrpc::newBlockingStub);
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
