package io.raidvm.agent.fs;

import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.ops.OperationHandle;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.api.agent.v1.FilesystemCheck;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.fs.FilesystemTypes;
import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code e2fsck -f -y} as an Operation, or for xfs {@code xfs_repair -n} (a check that changes
 * nothing: xfs_repair proper may zero a dirty log and lose its last writes, which is the
 * owner's call). A mounted filesystem is unmounted first and mounted again after, with the
 * options it had; when errors are left (or xfs_repair found some) it stays unmounted.
 */
public final class E2fsck {

  private static final Duration TIMEOUT = Duration.ofHours(2);
  /** e2fsck(8) exit status bits, lowest first. */
  private static final String[] MEANINGS = {"errors corrected", "errors corrected, reboot needed",
      "errors left uncorrected", "operational error", "usage or syntax error",
      "cancelled by the user", "", "shared library error"};
  /** The bits that make the check a failure: 4, 8, 16, 32, 128. */
  private static final int FAILED = 4 | 8 | 16 | 32 | 128;
  private static final int CANCELLED = 32;
  private static final int PASSES = 5;
  private static final Pattern PASS = Pattern.compile("^Pass (\\d+)[A-Z]?: ");
  /** xfs_repair's "Phase 3 - for each AG..."; it has 7 (with -n, 5 and 6 say they are skipped). */
  private static final Pattern XFS_PHASE = Pattern.compile("^Phase (\\d) - ");
  private static final int XFS_PHASES = 7;

  private final CommandRunner runner;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final DeviceLocks locks;
  private final MountTable table;
  private final OperationRegistry operations;

  public E2fsck(CommandRunner runner, DeviceResolver resolver, DeviceGuard guard,
      DeviceLocks locks, MountTable table, OperationRegistry operations) {
    this.runner = runner;
    this.resolver = resolver;
    this.guard = guard;
    this.locks = locks;
    this.table = table;
    this.operations = operations;
  }

  static Command command(BlockDeviceRef dev) {
    return Command.of("e2fsck", "-f", "-y", dev.path().toString()).withTimeout(TIMEOUT);
  }

  static Command xfsCommand(BlockDeviceRef dev) {
    return Command.of("xfs_repair", "-n", dev.path().toString()).withTimeout(TIMEOUT);
  }

  /**
   * Unmounts, checks with {@code e2fsck -f -y}, remounts. Refused on the OS disk and on a
   * device an array holds or that carries an md superblock (its filesystem is a fragment).
   */
  public Operation check(String device) {
    BlockDeviceRef dev = resolver.resolve(device);
    DeviceLocks.Lease lease = locks.acquire("CheckFilesystem " + dev.path(),
        List.of(dev.diskKernelName()));
    boolean xfs;
    try {
      xfs = guard.requireNotArrayMember(dev, "check the filesystem on").get("TYPE")
          .equals(FilesystemTypes.XFS);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    OperationHandle handle = operations.start("fsck", dev.path().toString(), String.format(
        "%s was killed before it finished, and a filesystem it had unmounted stays"
        + " unmounted; run `raidctl fs fsck VM %s` again, then mount it again if it was",
        xfs ? "xfs_repair -n" : "e2fsck", device));
    lease.attach(handle.id());
    return operations.runInBackground(handle, h -> {
      try (lease) {
        checkUnmounted(dev, xfs, h);
      }
    });
  }

  private void checkUnmounted(BlockDeviceRef dev, boolean xfs, OperationHandle h) {
    List<Mount> mounts = table.of(dev);
    for (int i = mounts.size() - 1; i >= 0; i--) {
      runner.run(Mounter.umountCommand(mounts.get(i).mountPoint())).orThrow();
    }
    CommandResult result = xfs
        ? runner.run(xfsCommand(dev), line -> phase(line, h))
        : runner.run(command(dev), line -> pass(line, h));
    String output = (result.stderr() + result.stdout()).strip();
    List<String> meanings = xfs ? xfsMeanings(result.exitCode()) : meanings(result.exitCode());
    if (xfs ? result.exitCode() != 0 : (result.exitCode() & FAILED) != 0) {
      throw new ToolException((result.exitCode() & CANCELLED) != 0 ? Kind.CANCELLED
          : Kind.FAILED_PRECONDITION, result.argv(), result.exitCode(),
          String.join("; ", meanings) + (mounts.isEmpty() ? "" : " (left unmounted)") + "\n"
              + output);
    }
    for (Mount mount : mounts) {
      runner.run(Mounter.mountCommand(dev.path(), mount.mountPoint(), remountOptions(mount)))
          .orThrow();
    }
    FilesystemCheck check = FilesystemCheck.newBuilder()
        .setDevice(dev.path().toString())
        .setExitCode(result.exitCode())
        .addAllMeanings(meanings)
        .setOutput(output)
        .setRemounted(!mounts.isEmpty())
        .build();
    h.succeed(op -> op.setFilesystemCheck(check));
  }

  /**
   * What xfs_repair -n's exit status means (xfs_repair(8)): 0 no corruption, 1 corruption found
   * or xfs_repair could not run (its output says which; nothing was changed either way), 2 a
   * dirty log (mount and unmount it to replay the log first).
   */
  static List<String> xfsMeanings(int exitCode) {
    return List.of(switch (exitCode) {
      case 0 -> "no errors";
      case 1 -> "corruption found, or the check could not run (see its output); nothing"
          + " changed";
      case 2 -> "the log holds changes: mount and unmount the filesystem to replay it, then"
          + " check again";
      default -> "operational error";
    });
  }

  /** What each set bit of e2fsck's exit status means; "no errors" for 0. */
  static List<String> meanings(int exitCode) {
    if (exitCode == 0) {
      return List.of("no errors");
    }
    List<String> meanings = new ArrayList<>();
    for (int bit = 0; bit < MEANINGS.length; bit++) {
      if ((exitCode & (1 << bit)) != 0 && !MEANINGS[bit].isEmpty()) {
        meanings.add(MEANINGS[bit]);
      }
    }
    return meanings;
  }

  /**
   * The mount's own options and the filesystem's (mountinfo's super options, such as
   * {@code stripe=384}), without repeating rw/ro or the kernel's {@code seclabel} marker.
   */
  static List<String> remountOptions(Mount mount) {
    Set<String> options = new LinkedHashSet<>(mount.options());
    for (String option : mount.superOptions()) {
      if (!option.equals("rw") && !option.equals("ro") && !option.equals("seclabel")) {
        options.add(option);
      }
    }
    return List.copyOf(options);
  }

  private static void phase(String line, OperationHandle handle) {
    Matcher m = XFS_PHASE.matcher(line);
    if (m.find()) {
      long done = Long.parseLong(m.group(1)) - 1;
      handle.progress(Progress.newBuilder().setPhase(line.strip()).setDone(done)
          .setTotal(XFS_PHASES).setUnit("phases").setPercent(100.0 * done / XFS_PHASES).build());
    }
  }

  private static void pass(String line, OperationHandle handle) {
    Matcher m = PASS.matcher(line);
    if (m.find()) {
      handle.progress(Progress.newBuilder().setPhase(line.strip())
          .setDone(Long.parseLong(m.group(1)) - 1).setTotal(PASSES).setUnit("passes")
          .setPercent(100.0 * (Long.parseLong(m.group(1)) - 1) / PASSES).build());
    }
  }
}
