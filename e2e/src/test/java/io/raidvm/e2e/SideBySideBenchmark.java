package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.Vm;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        System.out.println("ratio: qemu-ga / raidvm (above 1: raidvm is faster); boot: one"
            + " boot, from QEMU's start");
      }
    }
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
