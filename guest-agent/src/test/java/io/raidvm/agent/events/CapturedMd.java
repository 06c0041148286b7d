package io.raidvm.agent.events;

import io.raidvm.agent.md.MdSysfs;
import io.raidvm.agent.testing.CapturedSysfs;
import io.raidvm.agent.testing.Fixtures;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@link MdState}s built from the captures in {@code fixtures/guest/}: a /proc/mdstat and the
 * sysfs copies of its arrays, every member device present.
 */
final class CapturedMd {

  private CapturedMd() {}

  /** {@code mdstat} like "04-raid5-synced/mdstat"; md127's sysfs like "04-…/sysfs-md127". */
  static MdState md127(String mdstat, String sysfs) {
    return state(mdstat, Map.of("md127", sysfs));
  }

  /** As {@link #md127(String, String)}, with a snapshot laid over that copy of md127's sysfs. */
  static MdState md127(String mdstat, String sysfs, String snapshot) {
    return MdState.of(Fixtures.read("guest/" + mdstat + ".stdout"),
        array -> Optional.of(MdSysfs.parse(CapturedSysfs.files(sysfs, snapshot))), name -> true);
  }

  /** As {@link #md127(String, String)}, with only the member devices {@code present} says. */
  static MdState md127(String mdstat, String sysfs, Predicate<String> present) {
    return MdState.of(Fixtures.read("guest/" + mdstat + ".stdout"),
        array -> Optional.of(sysfs(sysfs)), present);
  }

  /** Arrays missing from {@code sysfs} read as if their sysfs had vanished. */
  static MdState state(String mdstat, Map<String, String> sysfs) {
    return MdState.of(Fixtures.read("guest/" + mdstat + ".stdout"),
        array -> Optional.ofNullable(sysfs.get(array)).map(CapturedMd::sysfs), name -> true);
  }

  /** md127 from the lifecycle capture ({@code fixtures/guest-lifecycle/}). */
  static MdState lifecycleMd127(String mdstat, String sysfs) {
    return MdState.of(Fixtures.read("guest-lifecycle/" + mdstat + ".stdout"),
        array -> Optional.of(MdSysfs.parse(CapturedSysfs.files("guest-lifecycle/" + sysfs))),
        name -> true);
  }

  private static MdSysfs sysfs(String capture) {
    return MdSysfs.parse(CapturedSysfs.files(capture));
  }
}
