package io.raidvm.controller.alert;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.raidvm.api.controller.v1.Alert;
import io.raidvm.api.controller.v1.AlertRule;
import io.raidvm.common.error.Messages;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two kinds of target: a webhook gets an HTTP POST of the alert as JSON (protobuf's JSON
 * mapping; any 2xx is delivered), a program runs (argv only, through the one process runner)
 * with the alert in its environment, as mdadm --monitor runs its PROGRAM (exit 0 is delivered).
 */
public final class AlertTargets implements AlertSender {

  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
  static final Duration PROGRAM_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final CommandRunner runner;

  public AlertTargets(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public Outcome send(AlertRule rule, Alert alert) {
    try {
      return switch (rule.getTargetCase()) {
        case WEBHOOK -> post(rule.getWebhook(), alert);
        case PROGRAM -> run(rule, alert);
        default -> new Outcome(false, "the rule has no target");
      };
    } catch (RuntimeException e) {
      return new Outcome(false, Messages.readable(String.valueOf(e.getMessage())));
    }
  }

  private Outcome post(String url, Alert alert) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "raidvm-controller")
        .POST(HttpRequest.BodyPublishers.ofString(json(alert))).build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return new Outcome(status / 100 == 2, "HTTP " + status);
    } catch (IOException e) {
      return new Outcome(false, "POST " + url + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, "interrupted");
    }
  }

  private Outcome run(AlertRule rule, Alert alert) {
    CommandResult result = runner.run(Command.of(rule.getProgram().getArgvList())
        .withTimeout(PROGRAM_TIMEOUT).withEnv(environment(alert)));
    String err = result.stderr().strip();
    return new Outcome(result.exitCode() == 0, "exit " + result.exitCode()
        + (result.exitCode() == 0 || err.isEmpty() ? "" : ": "
            + Messages.readable(err.substring(Math.max(0, err.length() - 500)))));
  }

  /** What a program finds in its environment. */
  static Map<String, String> environment(Alert alert) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RAIDVM_ALERT_KIND", alert.getKind().name());
    env.put("RAIDVM_ALERT_SEQUENCE", Long.toString(alert.getSequence()));
    env.put("RAIDVM_ALERT_TIME", Instant.ofEpochSecond(alert.getTime().getSeconds(),
        alert.getTime().getNanos()).toString());
    env.put("RAIDVM_VM", alert.getVm());
    env.put("RAIDVM_ARRAY", alert.getArray());
    env.put("RAIDVM_DEVICE", alert.getDevice());
    env.put("RAIDVM_MISMATCH_COUNT", Long.toString(alert.getMismatchCount()));
    env.put("RAIDVM_ALERT_SUMMARY", alert.getSummary());
    env.put("RAIDVM_ALERT_JSON", json(alert));
    return env;
  }

  static String json(Alert alert) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(alert);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
