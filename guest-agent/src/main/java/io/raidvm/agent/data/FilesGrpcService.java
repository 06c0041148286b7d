package io.raidvm.agent.data;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.ChecksumFilesResponse;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.common.grpc.Rpc;

/** Test files and checksums on data filesystems. */
public final class FilesGrpcService extends FilesGrpc.FilesImplBase {

  private final TestFiles files;

  public FilesGrpcService(TestFiles files) {
    this.files = files;
  }

  @Override
  public void writeTestFile(WriteTestFileRequest request, StreamObserver<FileChecksum> response) {
    Rpc.unary(response, () -> files.write(request.getPath(), request.getSizeBytes(),
        request.getSeed()));
  }

  @Override
  public void checksumFiles(ChecksumFilesRequest request,
      StreamObserver<ChecksumFilesResponse> response) {
    Rpc.unary(response, () -> ChecksumFilesResponse.newBuilder()
        .addAllFiles(files.checksums(request.getPath())).build());
  }
}
