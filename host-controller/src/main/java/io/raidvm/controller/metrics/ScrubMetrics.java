package io.raidvm.controller.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.raidvm.api.controller.v1.ScrubRun;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The last scrub of each array (what {@code raidctl scrub history} shows last), from the
 * controller's own records: when it ended, how long it took, its result and md's mismatch count.
 * An alert on "no clean scrub for 40 days" or "mismatches after a check" needs nothing else.
 */
final class ScrubMetrics implements MultiCollector {

  static final List<String> RESULTS = Arrays.stream(ScrubRun.Result.values())
      .filter(r -> r != ScrubRun.Result.RESULT_UNSPECIFIED && r != ScrubRun.Result.RUNNING
          && r != ScrubRun.Result.UNRECOGNIZED)
      .map(ScrubMetrics::label)
      .toList();

  private final Supplier<List<ScrubRun>> lastRuns;

  /** @param lastRuns each array's newest run that has ended (a skip included) */
  ScrubMetrics(Supplier<List<ScrubRun>> lastRuns) {
    this.lastRuns = lastRuns;
  }

  @Override
  public MetricSnapshots collect() {
    Gauges g = new Gauges();
    for (ScrubRun run : lastRuns.get()) {
      String[] labels = {"vm", run.getVm(), "device", run.getArray()};
      g.add("raidvm_scrub_last_end_timestamp_seconds", "When the array's last scrub ended (or"
          + " was skipped), seconds since the epoch.", run.getEnded().getSeconds()
          + run.getEnded().getNanos() / 1e9, labels);
      g.addOneOf("raidvm_scrub_last_result", "The result of the array's last scrub: 1 for it.",
          "result", RESULTS, label(run.getResult()), labels);
      g.add("raidvm_scrub_last_duration_seconds", "How long the array's last scrub ran.",
          run.getDurationMs() / 1000.0, labels);
      g.add("raidvm_scrub_last_mismatch_sectors", "md's mismatch_cnt after the array's last"
          + " scrub.", run.getMismatchCount(), labels);
    }
    return g.snapshots();
  }

  static String label(ScrubRun.Result result) {
    return result.name().toLowerCase(Locale.ROOT);
  }
}
