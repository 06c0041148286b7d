package io.raidvm.agent.fs;

import io.raidvm.agent.device.Blkid;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceLocks;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.agent.ops.OperationHandle;
import io.raidvm.agent.ops.OperationRegistry;
import io.raidvm.api.agent.v1.Filesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.common.Sizes;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.FilesystemTypes;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an ext4 or xfs filesystem. Checks (and refuses) before anything runs; mkfs itself runs
 * as an Operation whose progress is mke2fs's current step (mkfs.xfs prints none: it writes its
 * few metadata blocks in a moment).
 */
public final class Mkfs {

  /** Discarding a large array's blocks under emulation takes a while. */
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  /** ext4 labels are at most 16 bytes, xfs labels 12. */
  private static final int MAX_LABEL_BYTES = 16;
  private static final int MAX_XFS_LABEL_BYTES = 12;
  private static final Pattern STEP = Pattern.compile("^(Discarding device blocks|Allocating group"
      + " tables|Writing inode tables|Creating journal|Writing superblocks and filesystem"
      + " accounting information)");
  /** "Creating filesystem with 64492 1k blocks and 16128 inodes". */
  private static final Pattern SIZE =
      Pattern.compile("Creating filesystem with (\\d+) (\\d+)k blocks");
  /** mkfs.xfs: "data     =                       bsize=4096   blocks=98304, imaxpct=25". */
  private static final Pattern XFS_SIZE =
      Pattern.compile("(?m)^data\\s+=\\s+bsize=(\\d+)\\s+blocks=(\\d+)");

  private final CommandRunner runner;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final DeviceLocks locks;
  private final OperationRegistry operations;

  public Mkfs(CommandRunner runner, DeviceResolver resolver, DeviceGuard guard, DeviceLocks locks,
      OperationRegistry operations) {
    this.runner = runner;
    this.resolver = resolver;
    this.guard = guard;
    this.locks = locks;
    this.operations = operations;
  }

  /** Validates and checks now (errors come straight back); returns the running Operation. */
  public Operation make(String device, String type, String label, List<String> options,
      boolean force) {
    boolean xfs = FilesystemTypes.require(type.isEmpty() ? FilesystemTypes.EXT4 : type)
        .equals(FilesystemTypes.XFS);
    requireLabel(label, xfs ? MAX_XFS_LABEL_BYTES : MAX_LABEL_BYTES);
    if (xfs && !options.isEmpty()) {
      throw RaidvmException.invalidArgument("extra options are mke2fs's, for ext4 only: make"
          + " xfs without them");
    }
    List<String> allowed = Mke2fsOptions.parse(options);
    BlockDeviceRef dev = resolver.resolve(device);
    if (xfs) {
      requireXfsSize(dev, resolver.sizeBytes(dev));
    }
    DeviceLocks.Lease lease = locks.acquire("MakeFilesystem " + dev.path(),
        List.of(dev.diskKernelName()));
    try {
      guard.requireSafeToOverwrite(dev, force, "make a filesystem on");
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    Command mkfs = xfs ? xfsCommand(dev, label, force) : command(dev, label, allowed, force);
    OperationHandle handle = operations.start("mkfs", dev.path().toString(), String.format(
        "%s was killed: the filesystem on %s is incomplete; make it again with"
        + " `raidctl fs mkfs VM %s%s --force`", mkfs.argv().get(0), dev.path(), device,
        xfs ? " --type xfs" : ""));
    lease.attach(handle.id());
    return operations.runInBackground(handle, h -> {
      try (lease) {
        String stdout = runner.run(mkfs, line -> step(line, h)).orThrow().stdout();
        Filesystem filesystem = filesystem(dev, stdout);
        h.succeed(op -> op.setFilesystem(filesystem));
      }
    });
  }

  /**
   * {@code mkfs.ext4 [-F] [-L label] [options…] DEVICE}; -F only when forced; {@code options}
   * as {@link Mke2fsOptions#parse} returns them.
   */
  static Command command(BlockDeviceRef dev, String label, List<String> options, boolean force) {
    List<String> argv = new ArrayList<>(List.of("mkfs.ext4"));
    if (force) {
      argv.add("-F");
    }
    if (!label.isEmpty()) {
      argv.addAll(List.of("-L", label));
    }
    argv.addAll(options);
    argv.add(dev.path().toString());
    return Command.of(argv).withTimeout(TIMEOUT);
  }

  /** {@code mkfs.xfs [-f] [-L label] DEVICE}; -f (mkfs.xfs's force) only when forced. */
  static Command xfsCommand(BlockDeviceRef dev, String label, boolean force) {
    List<String> argv = new ArrayList<>(List.of("mkfs.xfs"));
    if (force) {
      argv.add("-f");
    }
    if (!label.isEmpty()) {
      argv.addAll(List.of("-L", label));
    }
    argv.add(dev.path().toString());
    return Command.of(argv).withTimeout(TIMEOUT);
  }

  /**
   * mkfs.xfs refuses a filesystem under 300 MiB ("Filesystem must be larger than 300MB.", after
   * a page of usage): said here, before a lock or an operation, with what would do.
   */
  static void requireXfsSize(BlockDeviceRef dev, long sizeBytes) {
    if (sizeBytes > 0 && sizeBytes < FilesystemTypes.XFS_MIN_BYTES) {
      throw RaidvmException.failedPrecondition("%s holds %s, too small for xfs: mkfs.xfs refuses"
          + " filesystems under %s; make ext4, or xfs on a larger device", dev.describe(),
          Sizes.human(sizeBytes), Sizes.human(FilesystemTypes.XFS_MIN_BYTES));
    }
  }

  private Filesystem filesystem(BlockDeviceRef dev, String mkfsStdout) {
    Blkid.Probe probe = Blkid.probe(runner, dev.path());
    return Filesystem.newBuilder()
        .setDevice(dev.path().toString())
        .setType(probe.get("TYPE"))
        .setUuid(probe.get("UUID"))
        .setLabel(probe.get("LABEL"))
        .setSizeBytes(sizeBytes(mkfsStdout))
        .build();
  }

  /** The size mke2fs or mkfs.xfs says it made; 0 when its output does not say. */
  static long sizeBytes(String mkfsStdout) {
    Matcher ext4 = SIZE.matcher(mkfsStdout);
    if (ext4.find()) {
      return Long.parseLong(ext4.group(1)) * Long.parseLong(ext4.group(2)) * 1024;
    }
    Matcher xfs = XFS_SIZE.matcher(mkfsStdout);
    return xfs.find() ? Long.parseLong(xfs.group(1)) * Long.parseLong(xfs.group(2)) : 0;
  }

  private static void step(String line, OperationHandle handle) {
    Matcher m = STEP.matcher(line);
    if (m.find()) {
      handle.progress(Progress.newBuilder().setPhase(m.group(1)).build());
    }
  }

  private static void requireLabel(String label, int maxBytes) {
    if (label.getBytes(StandardCharsets.UTF_8).length > maxBytes
        || label.chars().anyMatch(Character::isISOControl)) {
      throw RaidvmException.invalidArgument("label '%s' is not valid: %s labels are at most"
          + " %d bytes, without control characters", label,
          maxBytes == MAX_XFS_LABEL_BYTES ? "xfs" : "ext4", maxBytes);
    }
  }
}
