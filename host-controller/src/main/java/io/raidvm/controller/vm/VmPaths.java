package io.raidvm.controller.vm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The files of one VM, all in its folder {@code <state>/vms/<name>/}. */
public record VmPaths(Path dir) {

  /** sun_path holds 108 bytes, the terminating NUL included. */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  public VmPaths {
    dir = dir.toAbsolutePath().normalize();
  }

  public Path spec() {
    return dir.resolve("spec.textproto");
  }

  public Path osDisk() {
    return dir.resolve("os.qcow2");
  }

  public Path qmpSocket() {
    return dir.resolve("qmp.sock");
  }

  /** QEMU's end of the agent port (a chardev socket). */
  public Path agentSocket() {
    return dir.resolve("agent.sock");
  }

  /**
   * QEMU's end of qemu-ga's port, when the spec asks for it ({@code VmSpec.qemu_guest_agent}):
   * only scripts/bench talks to it, the controller never does.
   */
  public Path qemuGuestAgentSocket() {
    return dir.resolve("qga.sock");
  }

  /** Where the controller's relay takes gRPC connections to the agent. */
  public Path agentGrpcSocket() {
    return dir.resolve("agent-grpc.sock");
  }

  public Path consoleLog() {
    return dir.resolve("console.log");
  }

  /** What QEMU prints on stdout and stderr (warnings, start-up errors) since its last start. */
  public Path qemuLog() {
    return dir.resolve("qemu.log");
  }

  public Path pidFile() {
    return dir.resolve("qemu.pid");
  }

  /**
   * The number of the last line of the agent's audit trail the controller copied into its own
   * (deleted with the VM; the copied lines stay).
   */
  public Path agentAuditCursor() {
    return dir.resolve("agent-audit.cursor");
  }

  /** The VM's scrub schedules and the history of its scrubs ({@code ScrubBook}). */
  public Path scrubBook() {
    return dir.resolve("scrubs.textproto");
  }

  /** Present while the VM should run: QEMU ending without it gone is a crash. */
  public Path desiredRunning() {
    return dir.resolve("desired-running");
  }

  public List<Path> sockets() {
    return List.of(qmpSocket(), agentSocket(), agentGrpcSocket(), qemuGuestAgentSocket());
  }

  /** The longest socket path, in bytes; it must stay within {@link #MAX_SOCKET_PATH_BYTES}. */
  public int longestSocketPathBytes() {
    return sockets().stream()
        .mapToInt(p -> p.toString().getBytes(StandardCharsets.UTF_8).length)
        .max()
        .orElseThrow();
  }
}
