package io.raidvm.e2e;

import java.util.List;

/** What the benchmarks print of a set of measured durations. */
final class Latencies {

  private Latencies() {}

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
