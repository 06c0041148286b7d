package io.raidvm.controller.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import io.raidvm.api.controller.v1.Alert;
import io.raidvm.api.controller.v1.AlertKind;
import io.raidvm.api.controller.v1.AlertRule;
import io.raidvm.api.controller.v1.ProgramTarget;
import io.raidvm.common.process.ProcessRunner;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertTargetsTest {

  private static final Alert FAIL = Alert.newBuilder().setSequence(7).setKind(AlertKind.FAIL)
      .setVm("vm1").setArray("md127").setDevice("/dev/sdc1").setSummary("md127 /dev/sdc1: failed")
      .build();

  private final AlertTargets targets = new AlertTargets(new ProcessRunner());

  @Test
  void webhook_getsThePostedAlertAsJson_andAnErrorStatusIsAFailure() throws Exception {
    BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
    int[] status = {204};
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      bodies.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders()
          .getFirst("Content-Type") + " " + new String(exchange.getRequestBody().readAllBytes(),
          StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(status[0], -1);
      exchange.close();
    });
    server.start();
    try {
      AlertRule rule = AlertRule.newBuilder().setName("ops").setWebhook("http://127.0.0.1:"
          + server.getAddress().getPort() + "/hook").build();
      AlertSender.Outcome ok = targets.send(rule, FAIL);
      assertTrue(ok.ok(), ok.outcome());
      assertEquals("HTTP 204", ok.outcome());
      String got = bodies.poll(10, TimeUnit.SECONDS);
      assertTrue(got.startsWith("POST application/json {"), got);
      Alert.Builder parsed = Alert.newBuilder();
      JsonFormat.parser().merge(got.substring(got.indexOf('{')), parsed);
      assertEquals(FAIL, parsed.build());

      status[0] = 500;
      AlertSender.Outcome failed = targets.send(rule, FAIL);
      assertFalse(failed.ok());
      assertEquals("HTTP 500", failed.outcome());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void webhook_nobodyListening_isAFailureSayingSo() {
    AlertRule rule = AlertRule.newBuilder().setName("ops").setWebhook("http://127.0.0.1:9/x")
        .build();
    AlertSender.Outcome outcome = targets.send(rule, FAIL);
    assertFalse(outcome.ok());
    assertTrue(outcome.outcome().contains("ConnectException"), outcome.outcome());
  }

  @Test
  void program_runsWithTheAlertInItsEnvironment_argvOnly(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path script = dir.resolve("alert.sh");
    Files.writeString(script, "#!/bin/sh\nprintf '%s|%s|%s|%s|%s' \"$1\" \"$RAIDVM_ALERT_KIND\""
        + " \"$RAIDVM_VM\" \"$RAIDVM_DEVICE\" \"$RAIDVM_ALERT_SEQUENCE\" > \"$2\"\n"
        + "[ \"$1\" = ok ] || { echo 'no good' >&2; exit 3; }\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    AlertRule rule = AlertRule.newBuilder().setName("p").setProgram(ProgramTarget.newBuilder()
        .addArgv(script.toString()).addArgv("ok").addArgv(out.toString())).build();

    AlertSender.Outcome ok = targets.send(rule, FAIL);
    assertTrue(ok.ok(), ok.outcome());
    assertEquals("ok|FAIL|vm1|/dev/sdc1|7", Files.readString(out));

    AlertSender.Outcome failed = targets.send(rule.toBuilder().setProgram(rule.getProgram()
        .toBuilder().setArgv(1, "$(touch x)")).build(), FAIL);
    assertFalse(failed.ok());
    assertEquals("exit 3: no good", failed.outcome());
    assertEquals("$(touch x)|FAIL|vm1|/dev/sdc1|7", Files.readString(out));
  }
}
