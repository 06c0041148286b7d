package io.raidvm.controller.vm;

import io.raidvm.api.controller.v1.Accel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses KVM or TCG (docs/design.md §2): KVM only when /dev/kvm is read-writable and the CPU
 * flags show vmx or svm; a nested host without them aborts or hangs under KVM.
 */
public final class AccelProbe {

  static final List<String> KVM_CPUS = List.of("host", "host,-arch-capabilities");
  static final List<String> TCG_CPUS = List.of("max");

  private final Path devKvm;
  private final Path cpuinfo;

  public AccelProbe(Path devKvm, Path cpuinfo) {
    this.devKvm = devKvm;
    this.cpuinfo = cpuinfo;
  }

  public static AccelProbe ofHost() {
    return new AccelProbe(Path.of("/dev/kvm"), Path.of("/proc/cpuinfo"));
  }

  public AccelChoice choose(Accel requested) {
    boolean kvmReadWrite = Files.isReadable(devKvm) && Files.isWritable(devKvm);
    String flags;
    try {
      flags = Files.readString(cpuinfo, StandardCharsets.UTF_8);
    } catch (IOException e) {
      flags = "";
    }
    return decide(requested, kvmReadWrite, flags);
  }

  /** The decision itself; pure. */
  static AccelChoice decide(Accel requested, boolean kvmReadWrite, String cpuinfo) {
    boolean virtFlags = hasVirtualizationFlag(cpuinfo);
    String whyNotKvm = !kvmReadWrite ? "/dev/kvm is missing or not read-writable"
        : !virtFlags ? "the CPU flags show no vmx/svm" : null;
    if (requested == Accel.ACCEL_TCG) {
      return new AccelChoice("tcg", TCG_CPUS, List.of());
    }
    if (requested == Accel.ACCEL_KVM) {
      List<String> warnings = whyNotKvm == null ? List.of()
          : List.of("KVM was asked for although " + whyNotKvm + ": QEMU may fail or hang");
      return new AccelChoice("kvm", KVM_CPUS, warnings);
    }
    if (whyNotKvm == null) {
      return new AccelChoice("kvm", KVM_CPUS, List.of());
    }
    return new AccelChoice("tcg", TCG_CPUS, List.of("KVM unusable here (" + whyNotKvm
        + "): running under TCG, software emulation, which is much slower"));
  }

  private static boolean hasVirtualizationFlag(String cpuinfo) {
    return cpuinfo.lines()
        .filter(l -> l.startsWith("flags"))
        .flatMap(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
        .anyMatch(f -> f.equals("vmx") || f.equals("svm"));
  }
}
