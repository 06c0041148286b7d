package io.raidvm.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.ChecksumFilesResponse;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server takes in at most {@link MessageLimits#DEFAULT}, and so does the host from an agent: a
 * larger message fails its own call only; the next call on the same connection is answered.
 */
class MessageLimitsTest {

  private static final int OVER = MessageLimits.DEFAULT.messageBytes() + 1024;

  @TempDir
  Path dir;
  private UnixSocketServer server;

  /** Answers with the request's path, repeated {@code size_bytes}-many times in one answer. */
  private static final class Echo extends FilesGrpc.FilesImplBase {
    @Override
    public void checksumFiles(ChecksumFilesRequest request,
        StreamObserver<ChecksumFilesResponse> answer) {
      int copies = Integer.parseInt(request.getPath().substring(0, request.getPath().indexOf('/')));
      FileChecksum file = FileChecksum.newBuilder().setPath(request.getPath()).build();
      ChecksumFilesResponse.Builder response = ChecksumFilesResponse.newBuilder();
      for (int i = 0; i < copies; i++) {
        response.addFiles(file);
      }
      answer.onNext(response.build());
      answer.onCompleted();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    server = new UnixSocketServer(dir.resolve("s.sock"), List.of(new Echo().bindService()),
        Duration.ofSeconds(10)).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.stop(Duration.ofSeconds(1));
  }

  private static ChecksumFilesRequest request(int copies, int pathLength) {
    String prefix = copies + "/";
    return ChecksumFilesRequest.newBuilder()
        .setPath(prefix + "x".repeat(Math.max(0, pathLength - prefix.length()))).build();
  }

  @Test
  void aRequestOverTheLimit_isRefused_andTheConnectionGoesOn() {
    ManagedChannel channel = UnixSocketChannels.open(dir.resolve("s.sock"), Duration.ZERO);
    try {
      FilesGrpc.FilesBlockingStub stub = FilesGrpc.newBlockingStub(channel);

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> stub.checksumFiles(request(1, OVER)));

      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
      assertEquals(2, stub.checksumFiles(request(2, 10)).getFilesCount());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void anAnswerOverTheGuestLimit_isRefusedByTheHost_andTheConnectionGoesOn() {
    ManagedChannel channel = UnixSocketChannels.open(dir.resolve("s.sock"), Duration.ZERO,
        MessageLimits.DEFAULT);
    try {
      FilesGrpc.FilesBlockingStub stub = FilesGrpc.newBlockingStub(channel);

      // Ten copies of a path of a tenth of the limit and a bit: each request is below it.
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> stub.checksumFiles(request(10, OVER / 10)));

      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
      assertEquals(3, stub.checksumFiles(request(3, 10)).getFilesCount());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void theSameAnswer_passesToRaidctl_whoseLimitIsHigher() {
    ManagedChannel channel = UnixSocketChannels.open(dir.resolve("s.sock"), Duration.ZERO);
    try {
      assertEquals(10, FilesGrpc.newBlockingStub(channel)
          .checksumFiles(request(10, OVER / 10)).getFilesCount());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void headersOverTheLimit_areRefused() {
    ManagedChannel channel = UnixSocketChannels.open(dir.resolve("s.sock"), Duration.ZERO);
    try {
      Metadata big = new Metadata();
      big.put(Metadata.Key.of("x-big", Metadata.ASCII_STRING_MARSHALLER),
          "y".repeat(MessageLimits.DEFAULT.metadataBytes() + 1));
      FilesGrpc.FilesBlockingStub stub = FilesGrpc.newBlockingStub(channel);

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(big))
              .checksumFiles(request(1, 10)));

      // Netty refuses the header block before gRPC sees the call: the stream is reset.
      assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), e.toString());
      assertEquals(1, stub.checksumFiles(request(1, 10)).getFilesCount());
    } finally {
      channel.shutdownNow();
    }
  }
}
