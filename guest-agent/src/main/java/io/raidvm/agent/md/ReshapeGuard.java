package io.raidvm.agent.md;

import io.raidvm.common.md.ReshapeInterruption;
import java.util.List;
import java.util.Optional;

/**
 * Refuses, in the guest, what would cut short a reshape md runs now: a power-off or reboot of the
 * guest, {@code mdadm --stop} of the array ({@link ReshapeInterruption} says why and in what
 * words). A reshape that waits (an array assembled auto-read-only) is not cut short by anything.
 */
public final class ReshapeGuard {

  private final MdKernelFiles kernel;

  public ReshapeGuard(MdKernelFiles kernel) {
    this.kernel = kernel;
  }

  /**
   * FAILED_PRECONDITION when md reshapes {@code array} (empty: any array) now.
   *
   * @param what what is refused, as "power off the guest"
   * @param override how to do it anyway, as ", or pass interrupt_reshape"; "" when nothing may
   */
  public void requireNone(Optional<String> array, String what, String override) {
    List<String> reshaping = reshaping(Mdstat.parse(kernel.mdstat()), array);
    if (!reshaping.isEmpty()) {
      throw ReshapeInterruption.refusal(what, reshaping, override);
    }
  }

  /** The arrays (or only {@code array}) whose reshape runs, as /proc/mdstat shows them. */
  static List<String> reshaping(Mdstat mdstat, Optional<String> array) {
    return mdstat.arrays().stream()
        .filter(a -> array.map(a.name()::equals).orElse(true))
        .flatMap(a -> a.progress().filter(p -> p.action().equals("reshape"))
            .map(p -> ReshapeInterruption.describe(a.name(), p.percent())).stream())
        .toList();
  }
}
