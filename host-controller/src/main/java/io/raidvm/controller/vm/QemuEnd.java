package io.raidvm.controller.vm;

import java.util.Map;
import java.util.OptionalInt;

/**
 * How a VM's QEMU ended, in words, from what the controller can know of it:
 * <ul>
 *   <li>its exit status: from the child process when this controller launched it; for a QEMU
 *       re-attached after a controller restart (its parent is then init or a subreaper), only
 *       when {@code /proc/<pid>/stat} still showed it as a zombie (same start time as when it was
 *       attached) at the moment its QMP connection closed — a race its parent usually wins;
 *   <li>the reason of QMP's {@code SHUTDOWN} event, which QEMU sends when it shuts down in order:
 *       on a signal it catches (SIGTERM, SIGINT, SIGHUP), a QMP quit, a guest power-off or panic;
 *   <li>otherwise: it ended without that event, i.e. a signal it cannot catch (SIGKILL) or a
 *       crash (SIGSEGV, SIGABRT, …), its exit status unknown.
 * </ul>
 */
final class QemuEnd {

  private static final Map<Integer, String> SIGNALS = Map.ofEntries(Map.entry(1, "SIGHUP"),
      Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
      Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"),
      Map.entry(9, "SIGKILL"), Map.entry(11, "SIGSEGV"), Map.entry(13, "SIGPIPE"),
      Map.entry(15, "SIGTERM"), Map.entry(31, "SIGSYS"));
  private static final Map<String, String> REASONS = Map.of(
      "host-signal", "QEMU received SIGTERM, SIGINT or SIGHUP",
      "host-qmp-quit", "a QMP quit command",
      "host-ui", "QEMU's user interface",
      "guest-shutdown", "the guest powered off",
      "guest-reset", "the guest reset",
      "guest-panic", "the guest kernel panicked");

  private QemuEnd() {}

  /**
   * @param waitStatus the exit status in waitpid(2) form, when it could be read
   * @param shutdownReason the {@code reason} of QMP's SHUTDOWN event, empty when none came
   */
  static String how(OptionalInt waitStatus, String shutdownReason) {
    String shutdown = shutdownReason.isEmpty() ? "" : "SHUTDOWN event, reason " + shutdownReason
        + (REASONS.containsKey(shutdownReason) ? " (" + REASONS.get(shutdownReason) + ")" : "");
    if (waitStatus.isPresent()) {
      int status = waitStatus.getAsInt();
      int signal = status & 0x7f;
      String exit = signal != 0
          ? "QEMU was killed (signal " + signal
              + (SIGNALS.containsKey(signal) ? ", " + SIGNALS.get(signal) : "") + ")"
          : "QEMU exited with code " + ((status >> 8) & 0xff);
      return shutdown.isEmpty() ? exit : exit + " after a QMP " + shutdown;
    }
    if (!shutdown.isEmpty()) {
      return "QEMU shut down (QMP " + shutdown + ")";
    }
    return "QEMU ended without a QMP SHUTDOWN event: it was killed (SIGKILL) or crashed; its"
        + " exit status is unknown (it was started by an earlier controller, which was its"
        + " parent)";
  }
}
