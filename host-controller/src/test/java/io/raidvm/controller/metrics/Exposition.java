package io.raidvm.controller.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Metrics as Prometheus's text format shows them, one sample a line, for tests to read. */
public final class Exposition {

  private Exposition() {}

  public static List<String> samples(PrometheusRegistry registry) {
    return samples(registry.scrape());
  }

  /** The sample lines, without the # HELP and # TYPE lines. */
  public static List<String> samples(MetricSnapshots snapshots) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, snapshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
        .toList();
  }
}
