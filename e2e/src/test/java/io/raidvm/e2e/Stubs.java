package io.raidvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.raidvm.api.agent.v1.GetOperationRequest;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.controller.v1.BuildImageEvent;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.AlertServiceGrpc;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.DrillServiceGrpc;
import io.raidvm.api.controller.v1.ScrubServiceGrpc;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import io.raidvm.common.grpc.AgentRouting;
import io.grpc.stub.AbstractBlockingStub;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Blocking stubs on a controller channel, each call with a deadline, as a client would use. */
final class Stubs {

  /**
   * The Debian suite the VM tests boot: empty is the controller's default (trixie); CI runs that.
   * {@code -Draidvm.suite=bookworm} proves the older guest on the tests that boot through
   * {@link #vmImage} (SeedScenarioIT and those on RaidVm).
   */
  static final String SUITE = System.getProperty("raidvm.suite", "");

  private final Channel channel;

  Stubs(Channel channel) {
    this.channel = channel;
  }

  DiskServiceGrpc.DiskServiceBlockingStub disks() {
    return DiskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  VmServiceGrpc.VmServiceBlockingStub vms() {
    return VmServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Drills run for minutes under TCG. */
  DrillServiceGrpc.DrillServiceBlockingStub drills() {
    return DrillServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.MINUTES);
  }

  ImageServiceGrpc.ImageServiceBlockingStub images() {
    return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.MINUTES);
  }

  ScrubServiceGrpc.ScrubServiceBlockingStub scrubs() {
    return ScrubServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  AuditServiceGrpc.AuditServiceBlockingStub audit() {
    return AuditServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  AlertServiceGrpc.AlertServiceBlockingStub alerts() {
    return AlertServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /**
   * What a VM's spec names as its image: nothing for the default suite (so the tests go through
   * the controller's choice of the current image), else the id of {@code built}.
   */
  static String vmImage(Image built) {
    return SUITE.isEmpty() ? "" : built.getId();
  }

  /** A stub of an agent service of {@code vm}, reached through the controller. */
  <S extends AbstractBlockingStub<S>> S agent(String vm, Function<Channel, S> newStub) {
    return newStub.apply(AgentRouting.toVm(channel, vm)).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /**
   * Builds the guest image of {@link #SUITE} (or finds it cached), printing the progress; returns
   * the image.
   */
  Image buildImage() {
    return buildImage(BuildImageRequest.newBuilder().setSuite(SUITE).build());
  }

  /** {@link #buildImage()} with the request's inputs (e.g. extra packages). */
  Image buildImage(BuildImageRequest request) {
    Iterator<BuildImageEvent> it = images().buildImage(request);
    Image image = null;
    while (it.hasNext()) {
      BuildImageEvent e = it.next();
      if (e.hasProgress()) {
        System.out.println("[image " + e.getProgress().getStep() + "] "
            + e.getProgress().getMessage());
      } else {
        image = e.getImage();
      }
    }
    assertTrue(image != null, "the stream ends with the image");
    return image;
  }

  /** Follows an operation of {@code vm}'s agent to its end; asserts it succeeded. */
  Operation await(String vm, Operation started) {
    Iterator<Operation> updates = agent(vm, OperationsGrpc::newBlockingStub)
        .withDeadlineAfter(30, TimeUnit.MINUTES)
        .waitOperation(GetOperationRequest.newBuilder().setId(started.getId()).build());
    Operation last = started;
    while (updates.hasNext()) {
      last = updates.next();
    }
    assertEquals(Operation.State.SUCCEEDED, last.getState(), last.getErrorMessage());
    return last;
  }
}
