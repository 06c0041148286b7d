package io.raidvm.controller.access;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.Timestamps;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.common.access.Role;
import io.raidvm.common.access.RpcRoles;
import io.raidvm.common.audit.AuditedCalls;
import io.raidvm.common.grpc.AgentRouting;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes one {@link AuditEntry} for every call that may change something
 * ({@link RpcRoles#changes}) — refused ones too — when it ends, before its result leaves
 * ({@link AuditedCalls}, as the agent's trail does). It sits outside {@link RoleGate}, which tells
 * it the caller, so that it sees the gate's refusals.
 */
public final class AuditTrail implements ServerInterceptor {

  static final String ORIGIN = "controller";
  private static final Context.Key<AtomicReference<Caller>> CALLER =
      Context.key("raidvm-audit-caller");
  /** Where a controller request names its VM; agent calls name it in the raidvm-vm header. */
  private static final Map<String, List<String>> VM_FIELDS = Map.of(
      "raidvm.controller.v1.VmService/", List.of("name", "spec.name"),
      "raidvm.controller.v1.ProvisionService/", List.of("spec.vm"),
      "raidvm.controller.v1.ScrubService/", List.of("vm"),
      "raidvm.controller.v1.AlertService/", List.of("rule.vm"));

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
    if (!RpcRoles.changes(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    String vmHeader = headers.get(AgentRouting.VM_HEADER);
    AtomicReference<Caller> caller = new AtomicReference<>();
    return AuditedCalls.watch(call, headers, next, Context.current().withValue(CALLER, caller),
        clock, ended -> log.append(entry(ended, caller.get(), vmHeader)));
  }

  private static AuditEntry entry(AuditedCalls.Ended ended, Caller caller, String vmHeader) {
    Caller who = caller != null ? caller : Caller.withoutRole("unknown");
    String vm = vmHeader != null && !vmHeader.isEmpty() ? vmHeader
        : ended.request().map(request -> vmOf(ended.method(), request)).orElse("");
    return AuditEntry.newBuilder()
        .setTime(Timestamps.fromMillis(ended.start().toEpochMilli()))
        .setCaller(who.name())
        .setRole(who.role().map(Role::label).orElse(""))
        .setVm(vm)
        .setRpc(ended.method())
        .setRequest(ended.requestJson())
        .setCode(ended.status().getCode().name())
        .setMessage(ended.message())
        .setDurationMs(ended.durationMs())
        .setOrigin(ORIGIN)
        .setRequestId(ended.requestId())
        .build();
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
}
