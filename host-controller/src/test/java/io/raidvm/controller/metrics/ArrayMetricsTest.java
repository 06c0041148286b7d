package io.raidvm.controller.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The array gauges of the agent's captured answers (fixtures/list-arrays). */
class ArrayMetricsTest {

  private static List<String> samples(String fixture) {
    Gauges g = new Gauges();
    ListArraysFixtures.load(fixture).getArraysList().forEach(a -> ArrayMetrics.add(g, "v1", a));
    return Exposition.samples(g.snapshots());
  }

  private static void assertSample(List<String> samples, String name, String labels,
      String value) {
    String line = name + "{" + labels + "} " + value;
    assertTrue(samples.contains(line), "no " + line + " in " + samples);
  }

  private static final String MD = "device=\"md127\",vm=\"v1\"";

  @Test
  void aCleanArray_isActive_withEveryDiskActive_andFullySynced() {
    List<String> s = samples("clean");
    assertSample(s, "node_md_state", "device=\"md127\",state=\"active\",vm=\"v1\"", "1.0");
    for (String other : List.of("inactive", "recovering", "resync", "check")) {
      assertSample(s, "node_md_state", "device=\"md127\",state=\"" + other + "\",vm=\"v1\"",
          "0.0");
    }
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"active\",vm=\"v1\"", "4.0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"failed\",vm=\"v1\"", "0.0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"spare\",vm=\"v1\"", "0.0");
    assertSample(s, "node_md_disks_required", MD, "4.0");
    assertSample(s, "node_md_blocks", MD, "774144.0");
    assertSample(s, "node_md_blocks_synced", MD, "774144.0");
    assertSample(s, "node_md_degraded", MD, "0.0");
    assertSample(s, "raidvm_md_sync_action", "action=\"idle\",device=\"md127\",vm=\"v1\"", "1.0");
    assertSample(s, "raidvm_md_sync_speed_bytes_per_second", MD, "0.0");
    assertSample(s, "raidvm_md_mismatch_sectors", MD, "0.0");
    assertFalse(s.stream().anyMatch(l -> l.startsWith("raidvm_md_sync_progress_ratio")),
        "no progress while no sync runs: " + s);
  }

  @Test
  void aRecovery_isRecovering_withItsProgressSpeedAndSyncedBlocks() {
    List<String> s = samples("create-recovery");
    assertSample(s, "node_md_state", "device=\"md127\",state=\"recovering\",vm=\"v1\"", "1.0");
    assertSample(s, "node_md_state", "device=\"md127\",state=\"active\",vm=\"v1\"", "0.0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"active\",vm=\"v1\"", "3.0");
    // The member being rebuilt is no spare in /proc/mdstat (no (S)), though mdadm counts it.
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"spare\",vm=\"v1\"", "0.0");
    assertSample(s, "node_md_degraded", MD, "1.0");
    // mdstat's (done/total) of a recovery is per member, in KiB: sync_completed / 2.
    assertSample(s, "node_md_blocks_synced", MD, "96792.0");
    assertSample(s, "raidvm_md_sync_action", "action=\"recover\",device=\"md127\",vm=\"v1\"",
        "1.0");
    assertSample(s, "raidvm_md_sync_progress_ratio", MD, "0.37509300595238093");
    assertSample(s, "raidvm_md_sync_speed_bytes_per_second", MD, "2162688.0");
    assertSample(s, "raidvm_md_sync_remaining_seconds", MD, "76.0");
  }

  @Test
  void aFailedMember_countsAsFailed_andTheArrayStaysActive() {
    List<String> s = samples("failed");
    assertSample(s, "node_md_state", "device=\"md127\",state=\"active\",vm=\"v1\"", "1.0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"active\",vm=\"v1\"", "3.0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"failed\",vm=\"v1\"", "1.0");
    assertSample(s, "node_md_degraded", MD, "1.0");
  }

  @Test
  void aCheck_isCheck_andARecoveryOfAnAddedMember_isRecovering() {
    assertSample(samples("check"), "node_md_state",
        "device=\"md127\",state=\"check\",vm=\"v1\"", "1.0");
    assertSample(samples("recovering"), "node_md_state",
        "device=\"md127\",state=\"recovering\",vm=\"v1\"", "1.0");
  }

  /**
   * What node_exporter would read from the /proc/mdstat captured with each answer: its blocks,
   * its [required/active] and its (F) and (S) marks.
   */
  @ParameterizedTest
  @ValueSource(strings = {"create-recovery", "clean", "failed", "recovering", "check"})
  void theNodeExporterFigures_matchTheGuestsMdstat(String fixture) throws IOException {
    String mdstat = resource("/fixtures/list-arrays/" + fixture + ".mdstat");
    Matcher status = Pattern.compile("(\\d+) blocks .*\\[(\\d+)/(\\d+)\\]").matcher(mdstat);
    assertTrue(status.find(), mdstat);
    List<String> s = samples(fixture);
    assertSample(s, "node_md_blocks", MD, status.group(1) + ".0");
    assertSample(s, "node_md_disks_required", MD, status.group(2) + ".0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"active\",vm=\"v1\"",
        status.group(3) + ".0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"failed\",vm=\"v1\"",
        count(mdstat, "(F)") + ".0");
    assertSample(s, "node_md_disks", "device=\"md127\",state=\"spare\",vm=\"v1\"",
        count(mdstat, "(S)") + ".0");
  }

  private static long count(String text, String mark) {
    return text.lines().filter(l -> l.startsWith("md")).mapToLong(
        l -> (l.length() - l.replace(mark, "").length()) / mark.length()).sum();
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = ArrayMetricsTest.class.getResourceAsStream(path)) {
      assertTrue(in != null, "no " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
