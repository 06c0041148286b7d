package io.raidvm.common.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * How a client reaches a VM's guest agent through the controller: it calls the agent's service on
 * the controller's socket with the request header {@code raidvm-vm: <vm name>}.
 */
public final class AgentRouting {

  public static final Metadata.Key<String> VM_HEADER =
      Metadata.Key.of("raidvm-vm", Metadata.ASCII_STRING_MARSHALLER);

  private AgentRouting() {}

  /** {@code controller}, with every call routed to the agent of {@code vm}. */
  public static Channel toVm(Channel controller, String vm) {
    return ClientInterceptors.intercept(controller, new VmHeader(vm));
  }

  /** Adds the raidvm-vm header to every call. */
  private record VmHeader(String vm) implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
        CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(VM_HEADER, vm);
          super.start(listener, headers);
        }
      };
    }
  }
}
