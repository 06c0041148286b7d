package io.raidvm.agent.policy;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/** Refuses, PERMISSION_DENIED, the agent calls this guest's {@link RpcPolicy} does not allow. */
public final class RpcPolicyGate implements ServerInterceptor {

  /** Where the image keeps the policy, below the guest's root. */
  public static final String FILE = "etc/raidvm-agent/rpcs.conf";

  private static final Logger LOG = Logger.getLogger(RpcPolicyGate.class.getName());

  private final RpcPolicy policy;
  private final String where;

  RpcPolicyGate(RpcPolicy policy, String where) {
    this.policy = policy;
    this.where = where;
  }

  /** The policy in {@code root}'s {@link #FILE}, read once at agent start; none: all answered. */
  public static RpcPolicyGate of(Path root) {
    Path file = root.resolve(FILE);
    String where = "/" + FILE;
    try {
      RpcPolicy policy = RpcPolicy.parse(Files.readString(file, StandardCharsets.UTF_8), where);
      if (!policy.error().isEmpty()) {
        LOG.severe(policy.error());
      }
      return new RpcPolicyGate(policy, where);
    } catch (NoSuchFileException e) {
      return new RpcPolicyGate(RpcPolicy.OPEN, where);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + where + ": " + e.getMessage(), e);
    }
  }

  RpcPolicy policy() {
    return policy;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Optional<String> refusal = policy.refusal(call.getMethodDescriptor().getFullMethodName(),
        where);
    if (refusal.isPresent()) {
      call.close(Status.PERMISSION_DENIED.withDescription(refusal.get()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
