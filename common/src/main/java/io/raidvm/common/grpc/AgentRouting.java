package io.raidvm.common.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How a client reaches a VM's guest agent through the controller: it calls the agent's service on
 * the controller's socket with the request header {@code raidvm-vm: <vm name>}.
 */
public final class AgentRouting {

  public static final Metadata.Key<String> VM_HEADER =
      Metadata.Key.of("raidvm-vm", Metadata.ASCII_STRING_MARSHALLER);
  /**
   * Who the controller's caller is, as the controller authenticated them ("CN=ops-bot",
   * "uid=0(root)"), on every call it makes to an agent; the agent writes it into its audit trail.
   * The controller replaces whatever its client sent under this name. Percent-encoded
   * ({@link #headerText}) since a header carries printable ASCII only.
   */
  public static final Metadata.Key<String> CALLER_HEADER =
      Metadata.Key.of("raidvm-caller", Metadata.ASCII_STRING_MARSHALLER);

  private AgentRouting() {}

  /** {@code controller}, with every call routed to the agent of {@code vm}. */
  public static Channel toVm(Channel controller, String vm) {
    return ClientInterceptors.intercept(controller, new VmHeader(vm));
  }

  /** {@code text} as a header value: "%", controls and non-ASCII as UTF-8 bytes "%XX". */
  public static String headerText(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x20 || c > 0x7e || c == '%') {
        out.append('%').append(String.format("%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  /** The text {@link #headerText} encoded; a "%" not followed by two hex digits stays as is. */
  public static String fromHeaderText(String header) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '%' && isHex(header, i + 1) && isHex(header, i + 2)) {
        out.write(Integer.parseInt(header.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(String text, int at) {
    return at < text.length() && Character.digit(text.charAt(at), 16) >= 0;
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
