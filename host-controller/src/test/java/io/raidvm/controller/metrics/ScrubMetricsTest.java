package io.raidvm.controller.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.raidvm.api.controller.v1.ScrubRun;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrubMetricsTest {

  private static ScrubRun run(String vm, String array, ScrubRun.Result result, long mismatches) {
    return ScrubRun.newBuilder().setVm(vm).setArray(array).setResult(result)
        .setEnded(Timestamp.newBuilder().setSeconds(1_796_000_000).setNanos(500_000_000))
        .setDurationMs(61_500).setMismatchCount(mismatches).build();
  }

  @Test
  void eachArraysLastScrub_itsEndDurationResultAndMismatches() {
    ScrubMetrics metrics = new ScrubMetrics(() -> List.of(
        run("v1", "md127", ScrubRun.Result.MISMATCHES, 128),
        run("v2", "md0", ScrubRun.Result.SKIPPED, 0)));

    List<String> samples = Exposition.samples(metrics.collect());

    // The text format sorts families by name and points by labels.
    assertEquals(List.of(
        "raidvm_scrub_last_duration_seconds{device=\"md0\",vm=\"v2\"} 61.5",
        "raidvm_scrub_last_duration_seconds{device=\"md127\",vm=\"v1\"} 61.5",
        "raidvm_scrub_last_end_timestamp_seconds{device=\"md0\",vm=\"v2\"} 1.7960000005E9",
        "raidvm_scrub_last_end_timestamp_seconds{device=\"md127\",vm=\"v1\"} 1.7960000005E9",
        "raidvm_scrub_last_mismatch_sectors{device=\"md0\",vm=\"v2\"} 0.0",
        "raidvm_scrub_last_mismatch_sectors{device=\"md127\",vm=\"v1\"} 128.0",
        "raidvm_scrub_last_result{device=\"md0\",result=\"clean\",vm=\"v2\"} 0.0",
        "raidvm_scrub_last_result{device=\"md0\",result=\"failed\",vm=\"v2\"} 0.0",
        "raidvm_scrub_last_result{device=\"md0\",result=\"mismatches\",vm=\"v2\"} 0.0",
        "raidvm_scrub_last_result{device=\"md0\",result=\"skipped\",vm=\"v2\"} 1.0",
        "raidvm_scrub_last_result{device=\"md127\",result=\"clean\",vm=\"v1\"} 0.0",
        "raidvm_scrub_last_result{device=\"md127\",result=\"failed\",vm=\"v1\"} 0.0",
        "raidvm_scrub_last_result{device=\"md127\",result=\"mismatches\",vm=\"v1\"} 1.0",
        "raidvm_scrub_last_result{device=\"md127\",result=\"skipped\",vm=\"v1\"} 0.0"), samples);
  }
}
