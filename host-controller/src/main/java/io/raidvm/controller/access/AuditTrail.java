package io.raidvm.controller.access;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.common.error.Messages;
import io.raidvm.common.grpc.AgentRouting;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes one {@link AuditEntry} for every call that needs more than the viewer role — refused
 * ones too — when it ends, before its result leaves. It sits outside {@link RoleGate}, which
 * tells it the caller, so that it sees the gate's refusals.
 */
public final class AuditTrail implements ServerInterceptor {

  /** About 1 KiB of a request's JSON or a status description. */
  static final int MAX_TEXT = 1024;
  private static final Context.Key<AtomicReference<Caller>> CALLER =
      Context.key("raidvm-audit-caller");
  /** Where a controller request names its VM; agent calls name it in the raidvm-vm header. */
  private static final Map<String, List<String>> VM_FIELDS = Map.of(
      "raidvm.controller.v1.VmService/", List.of("name", "spec.name"),
      "raidvm.controller.v1.ProvisionService/", List.of("spec.vm"));

  private final AuditLog log;
  private final Clock clock;

  public AuditTrail(AuditLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  /** Tells the audit of the current call who its caller is (see {@link RoleGate}). */
  static void noteCaller(Caller caller) {
    AtomicReference<Caller> slot = CALLER.get();
    if (slot != null) {
      slot.set(caller);
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (RpcRoles.needed(method).filter(Role.VIEWER::equals).isPresent()) {
      return next.startCall(call, headers);
    }
    Audited<ReqT, RespT> audited = new Audited<>(call, method, headers.get(AgentRouting.VM_HEADER));
    Context context = Context.current().withValue(CALLER, audited.caller);
    ServerCall.Listener<ReqT> listener = Contexts.interceptCall(context, audited, headers, next);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(ReqT message) {
        audited.noteRequest(message);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        audited.record(Status.CANCELLED.withDescription("the client cancelled the call"));
        super.onCancel();
      }
    };
  }

  /** A call that writes its audit line when it ends. */
  private final class Audited<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

    final AtomicReference<Caller> caller = new AtomicReference<>();
    private final AtomicBoolean recorded = new AtomicBoolean();
    private final String method;
    private final Instant start = clock.instant();
    private final long startNanos = System.nanoTime();
    private volatile String vm;
    private volatile String request = "";

    Audited(ServerCall<ReqT, RespT> call, String method, String vmHeader) {
      super(call);
      this.method = method;
      this.vm = vmHeader == null ? "" : vmHeader;
    }

    void noteRequest(Object message) {
      if (!request.isEmpty() || !(message instanceof Message proto)) {
        return;
      }
      try {
        request = cut(JsonFormat.printer().omittingInsignificantWhitespace().print(proto));
      } catch (InvalidProtocolBufferException e) {
        request = "(not printable: " + e.getMessage() + ")";
      }
      if (vm.isEmpty()) {
        vm = vmOf(method, proto);
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      record(status);
      super.close(status, trailers);
    }

    void record(Status status) {
      if (!recorded.compareAndSet(false, true)) {
        return;
      }
      Caller who = caller.get() != null ? caller.get() : Caller.withoutRole("unknown");
      log.append(AuditEntry.newBuilder()
          .setTime(Timestamps.fromMillis(start.toEpochMilli()))
          .setCaller(who.name())
          .setRole(who.role().map(Role::label).orElse(""))
          .setVm(vm)
          .setRpc(method)
          .setRequest(request)
          .setCode(status.getCode().name())
          .setMessage(status.getDescription() == null ? ""
              : cut(Messages.readable(status.getDescription())))
          .setDurationMs((System.nanoTime() - startNanos) / 1_000_000)
          .build());
    }
  }

  private static String vmOf(String method, Message request) {
    for (var entry : VM_FIELDS.entrySet()) {
      if (method.startsWith(entry.getKey())) {
        for (String path : entry.getValue()) {
          String value = field(request, path.split("\\."), 0);
          if (!value.isEmpty()) {
            return value;
          }
        }
      }
    }
    return "";
  }

  private static String field(Message message, String[] path, int at) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(path[at]);
    if (field == null || field.isRepeated() || !message.hasField(field) && field.hasPresence()) {
      return "";
    }
    Object value = message.getField(field);
    if (at == path.length - 1) {
      return value instanceof String text ? text : "";
    }
    return value instanceof Message inner ? field(inner, path, at + 1) : "";
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
  }
}
