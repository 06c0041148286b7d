package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnexpectedErrorsTest {

  private static final Pattern ANSWER =
      Pattern.compile("unexpected error ([0-9a-f]{8}); see the controller's log");

  private final Logger logger = Logger.getLogger(UnexpectedErrors.class.getName());
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private InProcessGrpc grpc;

  /** Health's Check, failing as each test wants. */
  private static final class Failing extends HealthGrpc.HealthImplBase {
    private final RuntimeException thrown;
    private final boolean throughRpc;

    Failing(RuntimeException thrown, boolean throughRpc) {
      this.thrown = thrown;
      this.throughRpc = throughRpc;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
      if (throughRpc) {
        Rpc.unary(observer, () -> {
          throw thrown;
        });
        return;
      }
      throw thrown;
    }
  }

  @BeforeEach
  void captureLog() {
    logger.addHandler(capture);
    logger.setUseParentHandlers(false);
  }

  @AfterEach
  void stop() {
    logger.removeHandler(capture);
    logger.setUseParentHandlers(true);
    grpc.close();
  }

  private StatusRuntimeException call(RuntimeException thrown, boolean throughRpc) {
    grpc = InProcessGrpc.serveIntercepted(new UnexpectedErrors("controller"),
        new Failing(thrown, throughRpc));
    return assertThrows(StatusRuntimeException.class, () -> HealthGrpc
        .newBlockingStub(grpc.channel()).check(HealthCheckRequest.getDefaultInstance()));
  }

  @Test
  void aServiceThrowingNullPointerException_answersInternalWithAnId_andLogsTheStackTrace() {
    NullPointerException npe = new NullPointerException("spec was null");
    StatusRuntimeException e = call(npe, false);

    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    Matcher m = ANSWER.matcher(e.getStatus().getDescription());
    assertTrue(m.matches(), e.getStatus().getDescription());
    assertEquals(1, records.size());
    LogRecord record = records.get(0);
    assertSame(npe, record.getThrown());
    assertEquals("unexpected error " + m.group(1) + " in grpc.health.v1.Health/Check",
        record.getMessage());
  }

  @Test
  void anUnexpectedErrorMappedByStatuses_isLoggedAndAnsweredTheSameWay() {
    IllegalStateException ise = new IllegalStateException("secret detail");
    StatusRuntimeException e = call(ise, true);

    Matcher m = ANSWER.matcher(e.getStatus().getDescription());
    assertTrue(m.matches(), e.getStatus().getDescription());
    assertEquals(1, records.size());
    assertSame(ise, records.get(0).getThrown());
    assertTrue(records.get(0).getMessage().contains(m.group(1)));
  }

  @Test
  void aThrownRaidvmException_keepsItsCodeAndMessage_andIsNotLogged() {
    StatusRuntimeException e = call(RaidvmException.notFound("VM '%s' does not exist", "a"),
        false);

    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("VM 'a' does not exist", e.getStatus().getDescription());
    assertEquals(List.of(), records);
  }
}
