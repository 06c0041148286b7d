package io.raidvm.controller.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ClientInterceptors;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.ShutdownRequest;
import io.raidvm.api.agent.v1.ShutdownResponse;
import io.raidvm.common.access.Role;
import io.raidvm.common.grpc.AgentRouting;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.controller.access.AuditLog;
import io.raidvm.controller.access.Caller;
import io.raidvm.controller.access.ControllerChain;
import io.raidvm.controller.metrics.RpcMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's chain and byte proxy in front of a fake agent whose channel carries the
 * stamp: the agent hears the caller the controller authenticated, never one the client claims.
 */
class AgentCallStampTest {

  private static final Metadata.Key<String> ROLE =
      Metadata.Key.of("test-role", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  Path state;

  private final List<String> callersHeard = new CopyOnWriteArrayList<>();
  private final AtomicInteger changesEnded = new AtomicInteger();
  private InProcessGrpc agent;
  private Server controller;
  private ManagedChannel toController;

  private final class FakeAgent extends GuestAgentGrpc.GuestAgentImplBase {
    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<GuestInfo> out) {
      out.onNext(GuestInfo.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> out) {
      out.onNext(ShutdownResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  /** Records the raidvm-caller header each agent call arrives with. */
  private final ServerInterceptor hear = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      callersHeard.add(AgentRouting.fromHeaderText(headers.get(AgentRouting.CALLER_HEADER)));
      return next.startCall(call, headers);
    }
  };

  @BeforeEach
  void start() throws Exception {
    agent = InProcessGrpc.serveIntercepted(hear, new FakeAgent());
    var stamped = ClientInterceptors.intercept(agent.channel(),
        new AgentCallStamp(changesEnded::incrementAndGet));
    ControllerChain chain = new ControllerChain((call, headers) ->
        Caller.of("CN=" + headers.get(ROLE) + "-bot, O=Lab", Role.parse(headers.get(ROLE))),
        new AuditLog(state), Clock.systemUTC(), new RpcMetrics(new PrometheusRegistry()));
    String controllerName = InProcessServerBuilder.generateName();
    InProcessServerBuilder server = InProcessServerBuilder.forName(controllerName);
    AgentProxy.forServices(List.of(GuestAgentGrpc.getServiceDescriptor()), vm -> stamped)
        .forEach(service -> server.addService(chain.around(service)));
    controller = server.build().start();
    toController = InProcessChannelBuilder.forName(controllerName).build();
  }

  @AfterEach
  void stop() {
    toController.shutdownNow();
    controller.shutdownNow();
    agent.close();
  }

  @Test
  void theAgentHearsTheAuthenticatedCaller_notTheOneTheClientClaims() {
    Metadata headers = new Metadata();
    headers.put(ROLE, "admin");
    headers.put(AgentRouting.VM_HEADER, "vm1");
    headers.put(AgentRouting.CALLER_HEADER, "uid=0(root)");
    GuestAgentGrpc.newBlockingStub(AgentRouting.toVm(toController, "vm1"))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .shutdown(ShutdownRequest.newBuilder().setMode(ShutdownRequest.Mode.POWEROFF).build());

    assertEquals(List.of("CN=admin-bot, O=Lab"), callersHeard);
    assertEquals(1, changesEnded.get(), "a call that changes something asks for a copy");
  }

  @Test
  void aCallNoClientMade_isTheControllers_andAReadAsksForNoCopy() {
    GuestAgentGrpc.newBlockingStub(ClientInterceptors.intercept(agent.channel(),
        new AgentCallStamp(changesEnded::incrementAndGet)))
        .getInfo(GetInfoRequest.getDefaultInstance());

    assertEquals(List.of("controller"), callersHeard);
    assertEquals(0, changesEnded.get());
  }
}
