package io.raidvm.controller.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gauges of one scrape, gathered family by family: each {@link #add} names its family and
 * help text, so that the points of many VMs and arrays end up in one family each, as the
 * exposition format wants them.
 */
final class Gauges {

  private record Family(String help, List<GaugeDataPointSnapshot> points) {}

  private final Map<String, Family> families = new LinkedHashMap<>();

  /** One point of {@code name}; {@code labels} are name, value, name, value, …. */
  void add(String name, String help, double value, String... labels) {
    families.computeIfAbsent(name, n -> new Family(help, new ArrayList<>())).points()
        .add(GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
  }

  /** 1 for the one of {@code values} that {@code current} is, 0 for the others. */
  void addOneOf(String name, String help, String label, List<String> values, String current,
      String... labels) {
    for (String value : values) {
      String[] all = Arrays.copyOf(labels, labels.length + 2);
      all[labels.length] = label;
      all[labels.length + 1] = value;
      add(name, help, value.equals(current) ? 1 : 0, all);
    }
  }

  MetricSnapshots snapshots() {
    MetricSnapshots.Builder all = MetricSnapshots.builder();
    families.forEach((name, family) -> {
      GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(family.help());
      family.points().forEach(gauge::dataPoint);
      all.metricSnapshot(gauge.build());
    });
    return all.build();
  }
}
