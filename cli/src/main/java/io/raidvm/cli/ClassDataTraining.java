package io.raidvm.cli;

import com.google.protobuf.util.Timestamps;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.ControllerInfo;
import io.raidvm.api.controller.v1.ControllerServiceGrpc;
import io.raidvm.api.controller.v1.Disk;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.GetControllerInfoRequest;
import io.raidvm.api.controller.v1.ListDisksRequest;
import io.raidvm.api.controller.v1.ListDisksResponse;
import io.raidvm.api.controller.v1.ListVmsRequest;
import io.raidvm.api.controller.v1.ListVmsResponse;
import io.raidvm.api.controller.v1.Vm;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.grpc.UnixSocketServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * A short run of raidctl's read commands, which scripts/raidctl-class-data makes under {@code
 * -XX:DumpLoadedClassList} and dumps the classes of into a class-data sharing archive, so that
 * bin/raidctl maps their classes (picocli, gRPC, Netty, protobuf) instead of loading, parsing and
 * verifying them from the jar at every start (docs/design.md, "raidctl's start"). The commands
 * run as main runs them, against stand-ins of the controller's services on a private socket: the
 * real controller would archive its own classes too, which a command against a running
 * controller never loads. A command that fails fails the run, and with it the script: its
 * archive would lack the classes of the path that did not run.
 */
public final class ClassDataTraining {

  /** What the archive is for: the read commands people run most. */
  private static final List<List<String>> COMMANDS = List.of(List.of("vm", "list"),
      List.of("controller", "info"), List.of("disk", "list"), List.of("vm", "list", "-o", "json"));

  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    RaidctlMain.withoutFlightRecorder();
    for (String answer : train()) {
      System.out.println("training: " + answer.lines().findFirst().orElse(""));
    }
    // The JVM lists the classes as it exits; no thread of the run may hold it.
    System.exit(0);
  }

  /**
   * Runs the commands against the stand-ins on a private socket, then removes it.
   *
   * @return what each command printed, in order
   * @throws IOException when a command fails
   */
  static List<String> train() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("raidctl-training");
    Path socket = dir.resolve("controller.sock");
    UnixSocketServer server = new UnixSocketServer(socket,
        List.of(vms(), controller(), disks()), Duration.ofSeconds(10)).start();
    try {
      List<String> answers = new ArrayList<>();
      for (List<String> command : COMMANDS) {
        answers.add(run(Stream.concat(command.stream(), Stream.of("--socket", socket.toString(),
            "--no-embedded")).toArray(String[]::new)));
      }
      return answers;
    } finally {
      server.stop(Duration.ofSeconds(1));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file); // the socket and its lock file
        }
      }
      Files.delete(dir);
    }
  }

  private static String run(String... args) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = RaidctlMain.commandLine(CommandLine.defaultFactory(), args);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    if (exit != 0) {
      throw new IOException("training: raidctl " + String.join(" ", args) + " exited " + exit
          + ": " + err);
    }
    return out.toString();
  }

  private static ServerServiceDefinition vms() {
    return new VmServiceGrpc.VmServiceImplBase() {
      @Override
      public void listVms(ListVmsRequest req, StreamObserver<ListVmsResponse> obs) {
        obs.onNext(ListVmsResponse.newBuilder().addVms(Vm.newBuilder()
            .setSpec(VmSpec.newBuilder().setName("vm1").setMemoryMib(1024).setVcpus(2)
                .addDataDisks("d1"))
            .setState(VmState.READY).setAccel("tcg")).build());
        obs.onCompleted();
      }
    }.bindService();
  }

  private static ServerServiceDefinition controller() {
    return new ControllerServiceGrpc.ControllerServiceImplBase() {
      @Override
      public void getControllerInfo(GetControllerInfoRequest req,
          StreamObserver<ControllerInfo> obs) {
        obs.onNext(ControllerInfo.newBuilder().setVersion("training").setPid(1)
            .setStartedAt(Timestamps.fromMillis(0)).setCpuMillis(1).setRssBytes(1 << 20)
            .setThreads(1).build());
        obs.onCompleted();
      }
    }.bindService();
  }

  private static ServerServiceDefinition disks() {
    return new DiskServiceGrpc.DiskServiceImplBase() {
      @Override
      public void listDisks(ListDisksRequest req, StreamObserver<ListDisksResponse> obs) {
        obs.onNext(ListDisksResponse.newBuilder()
            .addDisks(Disk.newBuilder().setName("d1").setFormat("qcow2")).build());
        obs.onCompleted();
      }
    }.bindService();
  }
}
