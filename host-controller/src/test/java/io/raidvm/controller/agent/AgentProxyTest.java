package io.raidvm.controller.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.ShutdownRequest;
import io.raidvm.api.agent.v1.ShutdownResponse;
import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.AgentRouting;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's agent services over gRPC's in-process transport, forwarding to a real
 * in-process agent server: a fake GuestAgent (no VM runs in unit tests) plus the real health and
 * reflection services, whose Watch and ServerReflectionInfo give a server stream and a bidi stream.
 */
class AgentProxyTest {

  private static final Metadata.Key<String> DETAIL =
      Metadata.Key.of("raidvm-detail", Metadata.ASCII_STRING_MARSHALLER);

  private final String agentName = InProcessServerBuilder.generateName();
  private final String controllerName = InProcessServerBuilder.generateName();
  private final HealthStatusManager agentHealth = new HealthStatusManager();
  private final BlockingQueue<Long> deadlinesSeenMs = new LinkedBlockingQueue<>();
  private final CountDownLatch agentHasTheCall = new CountDownLatch(1);
  private final CountDownLatch agentSawCancel = new CountDownLatch(1);
  private Server agent;
  private Server controller;
  private ManagedChannel toAgent;
  private ManagedChannel toController;

  /** Stands in for the guest agent. */
  private final class FakeAgent extends GuestAgentGrpc.GuestAgentImplBase {
    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<GuestInfo> observer) {
      var deadline = Context.current().getDeadline();
      deadlinesSeenMs.add(deadline == null ? -1 : deadline.timeRemaining(TimeUnit.MILLISECONDS));
      observer.onNext(GuestInfo.newBuilder().setHostname("guest-vm1").build());
      observer.onCompleted();
    }

    @Override
    public void listBlockDevices(ListBlockDevicesRequest request,
        StreamObserver<ListBlockDevicesResponse> observer) {
      Context.current().addListener(c -> agentSawCancel.countDown(), Runnable::run);
      agentHasTheCall.countDown();
    }

    @Override
    public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> observer) {
      Metadata trailers = new Metadata();
      trailers.put(DETAIL, "systemctl missing");
      observer.onError(Status.FAILED_PRECONDITION.withDescription("cannot power off")
          .asRuntimeException(trailers));
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    agent = InProcessServerBuilder.forName(agentName)
        .addService(new FakeAgent())
        .addService(agentHealth.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build().start();
    toAgent = InProcessChannelBuilder.forName(agentName).build();
    ManagedChannel dead = InProcessChannelBuilder.forName(agentName).build();
    dead.shutdownNow();
    AgentRouter routes = vm -> {
      Names.require("VM", vm);
      return switch (vm) {
        case "vm1" -> toAgent;
        case "pk" -> dead;
        case "booting" -> throw RaidvmException.unavailable(
            "the agent of VM 'booting' is not connected (VM state STARTING)");
        default -> throw RaidvmException.notFound("VM '%s' does not exist", vm);
      };
    };
    AgentRouter router = new AgentRouter() {
      @Override
      public Channel channelTo(String vm) {
        return routes.channelTo(vm);
      }

      @Override
      public Optional<String> endOf(String vm) {
        return vm.equals("pk") ? Optional.of("VM 'pk' stopped unexpectedly: QEMU was killed"
            + " (signal 9, SIGKILL) (pid 4242). Last lines of console.log:\nlogin:")
            : Optional.empty();
      }
    };
    InProcessServerBuilder builder = InProcessServerBuilder.forName(controllerName);
    AgentProxy.forAgent(router).forEach(builder::addService);
    AgentProxy.forServices(List.of(HealthGrpc.getServiceDescriptor(),
        ServerReflectionGrpc.getServiceDescriptor()), router).forEach(builder::addService);
    controller = builder.build().start();
    toController = InProcessChannelBuilder.forName(controllerName).build();
  }

  @AfterEach
  void tearDown() {
    toController.shutdownNow();
    toAgent.shutdownNow();
    controller.shutdownNow();
    agent.shutdownNow();
  }

  private Channel vm(String name) {
    return AgentRouting.toVm(toController, name);
  }

  @Test
  void unaryCall_withVmHeader_reachesThatVmsAgent() {
    GuestInfo info = GuestAgentGrpc.newBlockingStub(vm("vm1"))
        .getInfo(GetInfoRequest.getDefaultInstance());
    assertEquals("guest-vm1", info.getHostname());
  }

  @Test
  void call_withoutVmHeader_failsWithInvalidArgument() {
    var e = assertThrows(StatusRuntimeException.class, () -> GuestAgentGrpc
        .newBlockingStub(toController).getInfo(GetInfoRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("the header raidvm-vm is missing: name the VM whose agent to call",
        e.getStatus().getDescription());
  }

  @Test
  void call_forUnknownVm_failsWithNotFound() {
    var e = assertThrows(StatusRuntimeException.class, () -> GuestAgentGrpc
        .newBlockingStub(vm("gone")).getInfo(GetInfoRequest.getDefaultInstance()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("VM 'gone' does not exist", e.getStatus().getDescription());
  }

  @Test
  void call_withInvalidVmName_failsWithInvalidArgument() {
    var e = assertThrows(StatusRuntimeException.class, () -> GuestAgentGrpc
        .newBlockingStub(vm("Bad Name")).getInfo(GetInfoRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void call_whenAgentNotConnected_failsWithUnavailableNamingVmState() {
    var e = assertThrows(StatusRuntimeException.class, () -> GuestAgentGrpc
        .newBlockingStub(vm("booting")).getInfo(GetInfoRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals("the agent of VM 'booting' is not connected (VM state STARTING)",
        e.getStatus().getDescription());
  }

  @Test
  void call_whoseChannelBrokeBecauseTheVmDied_failsWithUnavailableSayingHowItDied() {
    var e = assertThrows(StatusRuntimeException.class, () -> GuestAgentGrpc
        .newBlockingStub(vm("pk")).getInfo(GetInfoRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals("VM 'pk' stopped unexpectedly: QEMU was killed (signal 9, SIGKILL) (pid 4242)."
        + " Last lines of console.log:\nlogin:", e.getStatus().getDescription());
  }

  @Test
  void agentError_comesBackWithItsCodeDescriptionAndTrailers() {
    var e = assertThrows(StatusRuntimeException.class, () -> GuestAgentGrpc
        .newBlockingStub(vm("vm1")).shutdown(ShutdownRequest.getDefaultInstance()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("cannot power off", e.getStatus().getDescription());
    assertEquals("systemctl missing", e.getTrailers().get(DETAIL));
  }

  @Test
  void deadline_ofTheClient_reachesTheAgent() throws Exception {
    GuestAgentGrpc.newBlockingStub(vm("vm1")).withDeadlineAfter(2, TimeUnit.HOURS)
        .getInfo(GetInfoRequest.getDefaultInstance());
    long remaining = deadlinesSeenMs.poll(5, TimeUnit.SECONDS);
    // more than an hour left: the client's two hours, not a deadline of the proxy's own
    assertTrue(remaining > TimeUnit.HOURS.toMillis(1)
        && remaining <= TimeUnit.HOURS.toMillis(2), "agent saw " + remaining + " ms left");
  }

  @Test
  void cancel_byTheClient_cancelsTheAgentsCall() throws Exception {
    var future = GuestAgentGrpc.newFutureStub(vm("vm1"))
        .listBlockDevices(ListBlockDevicesRequest.getDefaultInstance());
    assertTrue(agentHasTheCall.await(5, TimeUnit.SECONDS));
    future.cancel(true);
    assertTrue(agentSawCancel.await(5, TimeUnit.SECONDS));
  }

  @Test
  void serverStream_passesEachMessageAsTheAgentSendsIt() {
    agentHealth.setStatus("raidvm", ServingStatus.SERVING);
    Iterator<HealthCheckResponse> watch = HealthGrpc.newBlockingStub(vm("vm1"))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .watch(HealthCheckRequest.newBuilder().setService("raidvm").build());
    assertEquals(ServingStatus.SERVING, watch.next().getStatus());
    agentHealth.setStatus("raidvm", ServingStatus.NOT_SERVING);
    assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus());
  }

  @Test
  void bidiStream_carriesRequestsAndResponsesBothWays() throws Exception {
    BlockingQueue<ServerReflectionResponse> responses = new LinkedBlockingQueue<>();
    var requests = ServerReflectionGrpc.newStub(vm("vm1")).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            responses.add(value);
          }

          @Override
          public void onError(Throwable t) { }

          @Override
          public void onCompleted() { }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    var services = responses.poll(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList()
        .stream().map(s -> s.getName()).toList();
    assertTrue(services.contains("raidvm.agent.v1.GuestAgent"), services.toString());
    requests.onNext(ServerReflectionRequest.newBuilder()
        .setFileContainingSymbol("raidvm.agent.v1.GuestAgent").build());
    List<String> servicesInFile = new ArrayList<>();
    for (ByteString file : responses.poll(5, TimeUnit.SECONDS).getFileDescriptorResponse()
        .getFileDescriptorProtoList()) {
      FileDescriptorProto proto = FileDescriptorProto.parseFrom(file);
      proto.getServiceList()
          .forEach(s -> servicesInFile.add(proto.getPackage() + "." + s.getName()));
    }
    assertTrue(servicesInFile.contains("raidvm.agent.v1.GuestAgent"), servicesInFile.toString());
    requests.onCompleted();
  }

  @Test
  void proxiedService_keepsItsSchemaForServerReflection() {
    var definition = AgentProxy.forAgent(vm -> toAgent).get(0);
    assertEquals("raidvm.agent.v1.GuestAgent", definition.getServiceDescriptor().getName());
    assertEquals(GuestAgentGrpc.getServiceDescriptor().getSchemaDescriptor(),
        definition.getServiceDescriptor().getSchemaDescriptor());
    assertEquals(List.of("raidvm.agent.v1.GuestAgent/GetInfo",
            "raidvm.agent.v1.GuestAgent/ListBlockDevices", "raidvm.agent.v1.GuestAgent/ReadAudit",
            "raidvm.agent.v1.GuestAgent/RestartAgent", "raidvm.agent.v1.GuestAgent/Shutdown"),
        definition.getMethods().stream().map(m -> m.getMethodDescriptor().getFullMethodName())
            .sorted().toList());
  }
}
