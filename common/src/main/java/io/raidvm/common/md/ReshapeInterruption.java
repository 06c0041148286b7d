package io.raidvm.common.md;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import java.util.Locale;

/**
 * What raidvm refuses while md reshapes an array: whatever stops md half-way — a power-off, a
 * reboot, quitting QEMU, {@code mdadm --stop}. On Debian 13's kernel each of these, measured,
 * lost data once the reshape went on, and a power cut did on Debian 12's too (docs/design.md, "A reshape is not interrupted"). The agent
 * refuses in the guest and the controller before it touches QEMU; both say it in these words.
 */
public final class ReshapeInterruption {

  private ReshapeInterruption() {}

  /** "md127 (12.5 % done)" for each array whose reshape runs, as the agent reports them. */
  public static List<String> reshaping(List<Array> arrays) {
    return arrays.stream().filter(a -> a.getSync().getAction().equals("reshape"))
        .map(a -> describe(a.getName(), a.getSync().getPercent())).toList();
  }

  /** One reshaping array in words: "md127 (12.5 % done)". */
  public static String describe(String array, double percent) {
    return String.format(Locale.ROOT, "%s (%.1f %% done)", array, percent);
  }

  /**
   * FAILED_PRECONDITION: {@code what} ("power off VM 'vm1'") would cut short the reshapes of
   * {@code reshaping}; says how to go on, with {@code override} ("" when there is none) last.
   */
  public static RaidvmException refusal(String what, List<String> reshaping, String override) {
    return RaidvmException.failedPrecondition("cannot %s: md is reshaping %s. A reshape cut"
        + " short by a power cut, a reboot or mdadm --stop lost data when it went on (measured"
        + " on Debian 13 and 12; docs/design.md, \"A reshape is not interrupted\")."
        + " Nothing was done; wait until it ends (raidctl raid wait VM ARRAY)%s", what,
        String.join(", ", reshaping), override);
  }
}
