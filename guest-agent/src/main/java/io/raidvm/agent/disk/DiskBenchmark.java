package io.raidvm.agent.disk;

import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.BenchmarkResult;
import io.raidvm.common.process.CommandRunner;

/** Read throughput of a data disk or array, as {@code hdparm -Tt} measures it. */
public final class DiskBenchmark {

  private final CommandRunner runner;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;

  public DiskBenchmark(CommandRunner runner, DeviceResolver resolver, DeviceGuard guard) {
    this.runner = runner;
    this.resolver = resolver;
    this.guard = guard;
  }

  public BenchmarkResult benchmark(String device) {
    BlockDeviceRef dev = resolver.resolve(device);
    guard.requireNotOsDisk(dev);
    String stdout = runner.run(Hdparm.timings(dev.path())).orThrow().stdout();
    Hdparm.Timings timings = Hdparm.parse(stdout);
    return BenchmarkResult.newBuilder()
        .setDevice(dev.path().toString())
        .setCachedReadMbPerS(timings.cachedMbPerS())
        .setBufferedReadMbPerS(timings.bufferedMbPerS())
        .build();
  }
}
