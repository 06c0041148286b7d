package io.raidvm.agent.data;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.ChecksumFilesResponse;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.common.grpc.Rpc;
import java.time.Instant;

/** Test files and checksums on data filesystems, within the call's deadline. */
public final class FilesGrpcService extends FilesGrpc.FilesImplBase {

  private final TestFiles files;

  public FilesGrpcService(TestFiles files) {
    this.files = files;
  }

  @Override
  public void writeTestFile(WriteTestFileRequest request, StreamObserver<FileChecksum> response) {
    Instant deadline = Rpc.deadline();
    Rpc.unary(response, () -> files.write(request.getPath(), request.getSizeBytes(),
        request.getSeed(), deadline));
  }

  @Override
  public void checksumFiles(ChecksumFilesRequest request,
      StreamObserver<ChecksumFilesResponse> response) {
    Instant deadline = Rpc.deadline();
    Rpc.unary(response, () -> {
      if (request.getUncached()) {
        files.dropPageCache();
      }
      return ChecksumFilesResponse.newBuilder()
          .addAllFiles(files.checksums(request.getPath(), deadline)).build();
    });
  }
}
