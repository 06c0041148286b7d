package io.raidvm.agent.disk;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.BenchmarkRequest;
import io.raidvm.api.agent.v1.BenchmarkResult;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.PartitionRequest;
import io.raidvm.api.agent.v1.PartitionResult;
import io.raidvm.common.grpc.Rpc;

/** The Disks service: turns each request into a domain call and its result into a reply. */
public final class DisksGrpcService extends DisksGrpc.DisksImplBase {

  private final DiskBenchmark benchmark;
  private final Partitioner partitioner;

  public DisksGrpcService(DiskBenchmark benchmark, Partitioner partitioner) {
    this.benchmark = benchmark;
    this.partitioner = partitioner;
  }

  @Override
  public void benchmark(BenchmarkRequest request, StreamObserver<BenchmarkResult> responses) {
    Rpc.unary(responses, () -> benchmark.benchmark(request.getDevice()));
  }

  @Override
  public void partition(PartitionRequest request, StreamObserver<PartitionResult> responses) {
    Rpc.unary(responses, () -> partitioner.partition(request.getDevice(), request.getForce()));
  }
}
