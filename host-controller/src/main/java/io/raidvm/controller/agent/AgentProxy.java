package io.raidvm.controller.agent;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.EventsGrpc;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.AgentRouting;
import io.raidvm.common.grpc.Statuses;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Makes the controller serve the agent's services: every call is forwarded, as opaque bytes, to
 * the agent of the VM named in the {@code raidvm-vm} header. The methods keep their schema, so
 * server reflection shows them as the agent declares them.
 */
public final class AgentProxy {

  /** The agent's services; each one added to agent.proto belongs here. */
  static final List<ServiceDescriptor> AGENT_SERVICES =
      List.of(GuestAgentGrpc.getServiceDescriptor(), DisksGrpc.getServiceDescriptor(),
          RaidGrpc.getServiceDescriptor(), FilesystemsGrpc.getServiceDescriptor(),
          BootGrpc.getServiceDescriptor(), FilesGrpc.getServiceDescriptor(),
          OperationsGrpc.getServiceDescriptor(), EventsGrpc.getServiceDescriptor());

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new BytesMarshaller();

  private AgentProxy() {}

  /** Service definitions that forward every agent service through {@code router}. */
  public static List<ServerServiceDefinition> forAgent(AgentRouter router) {
    return forServices(AGENT_SERVICES, router);
  }

  /** Service definitions that forward each of {@code services} through {@code router}. */
  static List<ServerServiceDefinition> forServices(List<ServiceDescriptor> services,
      AgentRouter router) {
    return services.stream().map(s -> forward(s, router)).toList();
  }

  private static ServerServiceDefinition forward(ServiceDescriptor original, AgentRouter router) {
    List<MethodDescriptor<byte[], byte[]>> methods = original.getMethods().stream()
        .map(m -> m.toBuilder(BYTES, BYTES).build())
        .toList();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(descriptor::addMethod);
    ServerServiceDefinition.Builder definition =
        ServerServiceDefinition.builder(descriptor.build());
    for (MethodDescriptor<byte[], byte[]> method : methods) {
      definition.addMethod(method, new Handler(method, router));
    }
    return definition.build();
  }

  /** Starts a call to the agent for each incoming call. */
  private record Handler(MethodDescriptor<byte[], byte[]> method, AgentRouter router)
      implements ServerCallHandler<byte[], byte[]> {

    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> serverCall,
        Metadata headers) {
      String vm = headers.get(AgentRouting.VM_HEADER);
      if (vm == null || vm.isEmpty()) {
        serverCall.close(Status.INVALID_ARGUMENT.withDescription("the header "
            + AgentRouting.VM_HEADER.name() + " is missing: name the VM whose agent to call"),
            new Metadata());
        return new ServerCall.Listener<>() { };
      }
      Channel channel;
      try {
        channel = router.channelTo(vm);
      } catch (RuntimeException e) {
        serverCall.close(Statuses.toStatus(e).getStatus(), new Metadata());
        return new ServerCall.Listener<>() { };
      }
      CallOptions options = CallOptions.DEFAULT;
      Deadline deadline = Context.current().getDeadline();
      if (deadline != null) {
        options = options.withDeadline(deadline);
      }
      ProxiedCall call = new ProxiedCall(serverCall, channel.newCall(method, options),
          status -> explained(router, vm, status));
      call.start(ForwardedMetadata.copy(headers));
      return call.requests;
    }
  }

  /**
   * An UNAVAILABLE of a VM known to have gone (its QEMU ended) says how it went, instead of what
   * the broken channel says ("Channel shutdownNow invoked").
   */
  private static Status explained(AgentRouter router, String vm, Status status) {
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return status;
    }
    return router.endOf(vm)
        .map(end -> Statuses.toStatus(RaidvmException.unavailable("%s", end)).getStatus())
        .orElse(status);
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
