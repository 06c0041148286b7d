package io.raidvm.agent;

import io.grpc.stub.StreamObserver;
import io.raidvm.agent.audit.AgentAuditLog;
import io.raidvm.agent.block.BlockDevices;
import io.raidvm.agent.info.GuestInfoCollector;
import io.raidvm.agent.md.ReshapeGuard;
import io.raidvm.agent.power.AgentRestarter;
import io.raidvm.agent.power.SystemPower;
import io.raidvm.agent.upgrade.AgentJarInstaller;
import io.raidvm.api.agent.v1.GetInfoRequest;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.GuestInfo;
import io.raidvm.api.agent.v1.InstallAgentChunk;
import io.raidvm.api.agent.v1.InstallAgentResponse;
import io.raidvm.api.agent.v1.ListBlockDevicesRequest;
import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.agent.v1.ReadAuditRequest;
import io.raidvm.api.agent.v1.ReadAuditResponse;
import io.raidvm.api.agent.v1.RestartAgentRequest;
import io.raidvm.api.agent.v1.RestartAgentResponse;
import io.raidvm.api.agent.v1.RollbackAgentRequest;
import io.raidvm.api.agent.v1.ShutdownRequest;
import io.raidvm.api.agent.v1.ShutdownResponse;
import io.raidvm.common.Ranges;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.grpc.Rpc;
import io.raidvm.common.grpc.Statuses;
import java.util.Optional;

/** The GuestAgent service: turns each request into a domain call and its result into a reply. */
final class GuestAgentGrpcService extends GuestAgentGrpc.GuestAgentImplBase {

  private final GuestInfoCollector info;
  private final BlockDevices blockDevices;
  private final SystemPower power;
  private final AgentRestarter restarter;
  private final AgentAuditLog audit;
  private final AgentJarInstaller installer;
  private final ReshapeGuard reshapes;

  GuestAgentGrpcService(GuestInfoCollector info, BlockDevices blockDevices, SystemPower power,
      AgentRestarter restarter, AgentAuditLog audit, AgentJarInstaller installer,
      ReshapeGuard reshapes) {
    this.installer = installer;
    this.reshapes = reshapes;
    this.info = info;
    this.blockDevices = blockDevices;
    this.power = power;
    this.restarter = restarter;
    this.audit = audit;
  }

  @Override
  public void getInfo(GetInfoRequest request, StreamObserver<GuestInfo> responses) {
    Rpc.unary(responses, info::collect);
  }

  @Override
  public void listBlockDevices(ListBlockDevicesRequest request,
      StreamObserver<ListBlockDevicesResponse> responses) {
    Rpc.unary(responses, () -> ListBlockDevicesResponse.newBuilder()
        .addAllDevices(blockDevices.list())
        .build());
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> responses) {
    Rpc.unary(responses, () -> {
      SystemPower.Action action = switch (request.getMode()) {
        case POWEROFF -> SystemPower.Action.POWEROFF;
        case REBOOT -> SystemPower.Action.REBOOT;
        default -> throw RaidvmException.invalidArgument(
            "shutdown mode must be POWEROFF or REBOOT, got %s", request.getMode());
      };
      if (!request.getInterruptReshape()) {
        reshapes.requireNone(Optional.empty(), action == SystemPower.Action.REBOOT
            ? "reboot the guest" : "power off the guest", ", or pass interrupt_reshape (raidctl"
            + " vm stop|reboot --interrupt-reshape) to do it anyway");
      }
      power.request(action);
      return ShutdownResponse.getDefaultInstance();
    });
  }

  @Override
  public void restartAgent(RestartAgentRequest request,
      StreamObserver<RestartAgentResponse> responses) {
    AgentRestarter.Mode[] mode = new AgentRestarter.Mode[1];
    Rpc.unary(responses, () -> {
      mode[0] = switch (request.getMode()) {
        case GRACEFUL -> AgentRestarter.Mode.GRACEFUL;
        case HARD -> AgentRestarter.Mode.HARD;
        default -> throw RaidvmException.invalidArgument(
            "restart mode must be GRACEFUL or HARD, got %s", request.getMode());
      };
      return RestartAgentResponse.getDefaultInstance();
    });
    // Only now: the answer has passed the interceptors (the audit line is on disk) and is with
    // the transport; the restarter's delay is for the transport alone.
    if (mode[0] != null) {
      restarter.restart(mode[0]);
    }
  }

  @Override
  public void readAudit(ReadAuditRequest request, StreamObserver<ReadAuditResponse> responses) {
    Rpc.unary(responses, () -> audit.read(request.getAfterSequence(),
        Ranges.unsigned(request.getLimit())));
  }

  /**
   * Reads the header, then the jar piece by piece into the installer; answers once the jar is in
   * place (or at once, ALREADY_CURRENT, for the running jar: the rest of the stream is ignored),
   * then restarts as RestartAgent GRACEFUL does. A stream that breaks off leaves nothing behind.
   */
  @Override
  public StreamObserver<InstallAgentChunk> installAgent(
      StreamObserver<InstallAgentResponse> responses) {
    return new StreamObserver<>() {
      private Optional<AgentJarInstaller.Upload> upload;
      private boolean answered;

      @Override
      public void onNext(InstallAgentChunk chunk) {
        if (answered) {
          return;
        }
        try {
          if (upload == null) {
            if (!chunk.hasHeader()) {
              throw RaidvmException.invalidArgument("the first message of InstallAgent must be"
                  + " the header (sha256, size_bytes)");
            }
            upload = installer.begin(chunk.getHeader());
            if (upload.isEmpty()) {
              answer(installer.alreadyCurrent());
            }
          } else if (chunk.hasHeader()) {
            throw RaidvmException.invalidArgument("InstallAgent takes one header, first");
          } else {
            upload.get().write(chunk.getData());
          }
        } catch (RuntimeException e) {
          fail(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        if (upload != null) {
          upload.ifPresent(AgentJarInstaller.Upload::abort);
        }
      }

      @Override
      public void onCompleted() {
        if (answered) {
          return;
        }
        if (upload == null) {
          fail(RaidvmException.invalidArgument("InstallAgent got no header and no jar"));
          return;
        }
        InstallAgentResponse done;
        try {
          done = upload.get().finish();
        } catch (RuntimeException e) {
          fail(e);
          return;
        }
        answer(done);
        restarter.restart(AgentRestarter.Mode.GRACEFUL);
      }

      private void answer(InstallAgentResponse response) {
        answered = true;
        responses.onNext(response);
        responses.onCompleted();
      }

      private void fail(RuntimeException e) {
        answered = true;
        if (upload != null) {
          upload.ifPresent(AgentJarInstaller.Upload::abort);
        }
        responses.onError(Statuses.toStatus(e));
      }
    };
  }

  @Override
  public void rollbackAgent(RollbackAgentRequest request,
      StreamObserver<InstallAgentResponse> responses) {
    boolean[] done = new boolean[1];
    Rpc.unary(responses, () -> {
      InstallAgentResponse response = installer.rollback();
      done[0] = true;
      return response;
    });
    if (done[0]) {
      restarter.restart(AgentRestarter.Mode.GRACEFUL);
    }
  }
}
