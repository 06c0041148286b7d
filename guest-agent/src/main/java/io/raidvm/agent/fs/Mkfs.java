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
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an ext4 filesystem. Checks (and refuses) before anything runs; mkfs itself runs as an
 * Operation whose progress is mke2fs's current step.
 */
public final class Mkfs {

  /** Discarding a large array's blocks under emulation takes a while. */
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  /** ext4 labels are at most 16 bytes. */
  private static final int MAX_LABEL_BYTES = 16;
  private static final Pattern STEP = Pattern.compile("^(Discarding device blocks|Allocating group"
      + " tables|Writing inode tables|Creating journal|Writing superblocks and filesystem"
      + " accounting information)");
  /** "Creating filesystem with 64492 1k blocks and 16128 inodes". */
  private static final Pattern SIZE =
      Pattern.compile("Creating filesystem with (\\d+) (\\d+)k blocks");

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
    if (!type.isEmpty() && !type.equals("ext4")) {
      throw RaidvmException.invalidArgument("filesystem type '%s' is not supported: only ext4",
          type);
    }
    requireLabel(label);
    List<String> allowed = Mke2fsOptions.parse(options);
    BlockDeviceRef dev = resolver.resolve(device);
    DeviceLocks.Lease lease = locks.acquire("MakeFilesystem " + dev.path(),
        List.of(dev.diskKernelName()));
    try {
      guard.requireSafeToOverwrite(dev, force, "make a filesystem on");
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    Command mkfs = command(dev, label, allowed, force);
    OperationHandle handle = operations.start("mkfs", dev.path().toString(), String.format(
        "mkfs.ext4 was killed: the filesystem on %s is incomplete; make it again with"
        + " `raidctl fs mkfs VM %s --force`", dev.path(), device));
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

  private Filesystem filesystem(BlockDeviceRef dev, String mkfsStdout) {
    Blkid.Probe probe = Blkid.probe(runner, dev.path());
    Matcher size = SIZE.matcher(mkfsStdout);
    return Filesystem.newBuilder()
        .setDevice(dev.path().toString())
        .setType(probe.get("TYPE"))
        .setUuid(probe.get("UUID"))
        .setLabel(probe.get("LABEL"))
        .setSizeBytes(size.find()
            ? Long.parseLong(size.group(1)) * Long.parseLong(size.group(2)) * 1024 : 0)
        .build();
  }

  private static void step(String line, OperationHandle handle) {
    Matcher m = STEP.matcher(line);
    if (m.find()) {
      handle.progress(Progress.newBuilder().setPhase(m.group(1)).build());
    }
  }

  private static void requireLabel(String label) {
    if (label.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES
        || label.chars().anyMatch(Character::isISOControl)) {
      throw RaidvmException.invalidArgument("label '%s' is not valid: ext4 labels are at most"
          + " %d bytes, without control characters", label, MAX_LABEL_BYTES);
    }
  }
}
