package io.raidvm.agent.boot;

import io.raidvm.common.fs.MountPoint;
import io.raidvm.agent.device.Blkid;
import io.raidvm.agent.device.BlockDeviceRef;
import io.raidvm.agent.device.DeviceGuard;
import io.raidvm.agent.device.DeviceResolver;
import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** What makes an array and its filesystem come back after a reboot: mdadm.conf and fstab. */
public final class BootConfig {

  static final String MDADM_CONF = "/etc/mdadm/mdadm.conf";
  static final String FSTAB = "/etc/fstab";
  static final String DEFAULT_OPTIONS = "defaults,nofail,discard";
  static final Command SCAN = Command.of("mdadm", "--detail", "--scan");
  private static final Pattern OPTIONS = Pattern.compile("[A-Za-z0-9._=:+,-]+");

  private final CommandRunner runner;
  private final DeviceResolver resolver;
  private final DeviceGuard guard;
  private final ConfigFile files;

  /** {@code root} is "/" in the guest; tests pass a directory holding etc/. */
  public BootConfig(CommandRunner runner, DeviceResolver resolver, DeviceGuard guard, Path root) {
    this(runner, resolver, guard, root, Clock.systemUTC());
  }

  /** {@code clock} names the backups. */
  BootConfig(CommandRunner runner, DeviceResolver resolver, DeviceGuard guard, Path root,
      Clock clock) {
    this.runner = runner;
    this.resolver = resolver;
    this.guard = guard;
    this.files = new ConfigFile(root, clock);
  }

  /**
   * The array's line as {@code mdadm --detail --scan} prints it, in mdadm.conf.
   *
   * @param replaceStale whether a line for the same device (by any name that is it now) with
   *     another UUID is replaced; otherwise it is refused with FAILED_PRECONDITION
   */
  public ConfigChange persistArray(String array, boolean replaceStale) {
    BlockDeviceRef md = resolver.resolveArray(array);
    String scan = runner.run(SCAN).orThrow().stdout();
    String line = MdadmConf.scanEntry(scan, md.kernelName()).orElseThrow(() ->
        RaidvmException.failedPrecondition("mdadm --detail --scan does not list %s; is the array"
            + " running?", md.path()));
    return files.update(MDADM_CONF, text -> MdadmConf.withArray(text, line,
        resolver.namesOf(md, MdadmConf.arrayDevices(text)), replaceStale), line);
  }

  /**
   * The filesystem's fstab line, by its UUID, in place of the lines that already name the
   * filesystem (in any form the guest can tell is it) or its mount point.
   */
  public ConfigChange addFstabEntry(String device, String mountPoint, String options) {
    BlockDeviceRef dev = resolver.resolve(device);
    guard.requireNotOsDisk(dev);
    String target = MountPoint.requireMountable(mountPoint);
    String opts = options.isEmpty() ? DEFAULT_OPTIONS : options;
    if (!OPTIONS.matcher(opts).matches()) {
      throw RaidvmException.invalidArgument("fstab options '%s' are not valid: give them comma"
          + " separated, without spaces, e.g. %s", opts, DEFAULT_OPTIONS);
    }
    Blkid.Probe probe = Blkid.probe(runner, dev.path());
    if (probe.get("UUID").isEmpty() || !probe.get("USAGE").equals("filesystem")) {
      throw RaidvmException.failedPrecondition("%s holds no filesystem: make one first",
          dev.describe());
    }
    String uuid = probe.get("UUID");
    String line = Fstab.line(uuid, target, probe.get("TYPE"), opts);
    return files.update(FSTAB, text -> Fstab.withLine(text,
        new Fstab.Filesystem(uuid, resolver.namesOf(dev, Fstab.devicePaths(text))), target, line),
        line);
  }

  /**
   * The fstab lines that mount the device's filesystem (by its UUID, or a path that is the
   * device now) or mount anything on one of {@code mountPoints}.
   */
  public List<String> fstabLines(BlockDeviceRef dev, Set<String> mountPoints) {
    String text = files.text(FSTAB);
    return Fstab.linesFor(text, filesystem(dev, text), mountPoints);
  }

  /** Removes what {@link #fstabLines} finds; the answer's replaced_lines are the lines removed. */
  public ConfigChange removeFstabLines(BlockDeviceRef dev, Set<String> mountPoints) {
    return files.update(FSTAB,
        text -> Fstab.without(text, filesystem(dev, text), mountPoints), "");
  }

  /** The ARRAY entries of mdadm.conf for the array with this UUID. */
  public List<String> mdadmConfEntries(String uuid) {
    return MdadmConf.entriesFor(files.text(MDADM_CONF), uuid);
  }

  /** Removes the array's ARRAY entries from mdadm.conf; replaced_lines are the ones removed. */
  public ConfigChange removeArray(String uuid) {
    return files.update(MDADM_CONF, text -> MdadmConf.without(text, uuid), "");
  }

  /** The device's filesystem as fstab may name it: its UUID ("" when it has none), its paths. */
  private Fstab.Filesystem filesystem(BlockDeviceRef dev, String fstab) {
    Blkid.Probe probe = Blkid.probe(runner, dev.path());
    String uuid = probe.get("USAGE").equals("filesystem") ? probe.get("UUID") : "";
    Set<String> paths = new HashSet<>(resolver.namesOf(dev, Fstab.devicePaths(fstab)));
    paths.add(dev.path().toString());
    return new Fstab.Filesystem(uuid, paths);
  }
}
