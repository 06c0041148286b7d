package io.raidvm.agent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.common.grpc.InProcessGrpc;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesGrpcServiceTest {

  @TempDir
  Path dir;

  private DataTree tree;
  private InProcessGrpc grpc;
  private FilesGrpc.FilesBlockingStub stub;

  @BeforeEach
  void start() {
    tree = new DataTree(dir);
    // The agent's clock reads a day ahead: any deadline the call carries has passed for it.
    Clock aDayLater = Clock.fixed(Instant.now().plus(Duration.ofDays(1)), ZoneOffset.UTC);
    grpc = InProcessGrpc.serve(new FilesGrpcService(new TestFiles(dir,
        new DataFilesystems(dir, new DeviceResolver(dir)), FsSpace::of, aDayLater)));
    stub = FilesGrpc.newBlockingStub(grpc.channel());
  }

  @AfterEach
  void stop() {
    grpc.close();
  }

  @Test
  void checksumFiles_ofProcKmsg_isFailedPrecondition_atOnce() {
    tree.fifo("proc/kmsg");

    StatusRuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(StatusRuntimeException.class, () -> stub
            .withDeadlineAfter(1, TimeUnit.MINUTES)
            .checksumFiles(ChecksumFilesRequest.newBuilder().setPath("/proc/kmsg").build())));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("/proc/kmsg is on proc (proc on /proc), not on a block device: test files go"
        + " only on a data filesystem, such as an array mounted with 'fs mount'; write below its"
        + " mount point", e.getStatus().getDescription());
  }

  @Test
  void writeTestFile_onTmpfs_isFailedPrecondition_andNothingIsWritten() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub.writeTestFile(WriteTestFileRequest.newBuilder().setPath("/dev/shm/p1")
            .setSizeBytes(10).setSeed(1).build()));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals(List.of(), tree.files("dev/shm"));
  }

  @Test
  void theCallsDeadline_reachesTheDomain_andNoDeadlineMeansNone() {
    WriteTestFileRequest write = WriteTestFileRequest.newBuilder().setPath("/mnt/md127/proof")
        .setSizeBytes(10).setSeed(1).build();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub.withDeadlineAfter(1, TimeUnit.MINUTES).writeTestFile(write));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertEquals("stopped at /mnt/md127/proof: the call's deadline passed",
        e.getStatus().getDescription());
    assertEquals(List.of(), tree.files("mnt/md127"));
    assertEquals(10, stub.writeTestFile(write).getSizeBytes());
  }
}
