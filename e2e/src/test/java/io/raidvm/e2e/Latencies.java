package io.raidvm.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the benchmarks print of a set of measured durations. */
final class Latencies {

  private Latencies() {}

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /**
   * Round by round, each call once a round (in order), so that the JIT warming up and the
   * machine's load drifting weigh on every call alike; the first {@code warmUp} rounds only warm
   * up. Returns each call's {@code rounds} durations in milliseconds, sorted.
   */
  static Map<String, List<Double>> measure(Map<String, Runnable> calls, int warmUp,
      int rounds) {
    Map<String, List<Double>> millis = new LinkedHashMap<>();
    calls.keySet().forEach(what -> millis.put(what, new ArrayList<>()));
    for (int round = 0; round < warmUp + rounds; round++) {
      for (Map.Entry<String, Runnable> call : calls.entrySet()) {
        long start = System.nanoTime();
        call.getValue().run();
        if (round >= warmUp) {
          millis.get(call.getKey()).add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    millis.replaceAll((what, measured) -> measured.stream().sorted().toList());
    return millis;
  }
}
