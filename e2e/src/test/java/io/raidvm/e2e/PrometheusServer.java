package io.raidvm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raidvm.common.fs.FileTrees;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package; scripts/setup installs it for
 * the tests), run as its own process on a free port with a temporary config and database, never
 * the packaged service: it scrapes one target every second.
 */
final class PrometheusServer implements AutoCloseable {

  private static final Path BINARY = Path.of("/usr/bin/prometheus");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path dir;
  private final Path log;
  private final URI api;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.log = dir.resolve("prometheus.log");
    this.api = URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Starts one that scrapes {@code target} (HOST:PORT, path /metrics) and waits until ready. */
  static PrometheusServer scraping(String target) throws Exception {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing: run scripts/setup --packages"
          + " --for-tests (Debian's prometheus package)");
    }
    Path dir = TestFolders.create("raidvm-prometheus-");
    Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
        "global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "scrape_configs:",
        "  - job_name: raidvm", "    static_configs:", "      - targets: ['" + target + "']",
        ""));
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path log = dir.resolve("prometheus.log");
    Process process = new ProcessBuilder(List.of(BINARY.toString(),
        "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    PrometheusServer server = new PrometheusServer(process, dir, port);
    Checks.eventually(Duration.ofMinutes(1), () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus ended: " + server.log());
      }
      if (server.get("-/ready").statusCode() != 200) {
        throw new IllegalStateException("prometheus not ready yet");
      }
      return true;
    });
    return server;
  }

  /**
   * The value of the instant query {@code promql}'s one series, waiting up to {@code limit}
   * until it has exactly one.
   */
  String valueOf(String promql, Duration limit) {
    return Checks.eventually(limit, () -> {
      HttpResponse<String> answer = get("api/v1/query?query="
          + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      JsonNode result;
      try {
        result = JSON.readTree(answer.body()).path("data").path("result");
      } catch (IOException e) {
        throw new IllegalStateException(answer.body(), e);
      }
      if (answer.statusCode() != 200 || result.size() != 1) {
        throw new IllegalStateException("no single series for " + promql + ": "
            + answer.body() + "\nits targets: " + get("api/v1/targets").body());
      }
      String value = result.get(0).path("value").get(1).asText();
      System.out.println("prometheus query " + promql + " -> " + value);
      return value;
    });
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(api.resolve(path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("prometheus does not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops it and removes its config and database. */
  @Override
  public void close() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    FileTrees.delete(dir);
  }
}
