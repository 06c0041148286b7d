package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the builder adds to or changes in the rootfs: the agent, its systemd unit, its fallback's
 * unit and its udev rule (kept as resources under {@code guest/}), host name and hosts, no resolv.conf, a locked root
 * account, an initramfs configuration that keeps the guest's own rebuilds fast, the agent enabled
 * early in the boot and the units this guest has no use for masked (docs/design.md, "Guest
 * boot").
 */
final class GuestFiles {

  static final String AGENT_PATH = "opt/raidvm/raidvm-agent.jar";

  private static final List<String> RESOURCES = List.of(
      "etc/systemd/system/raidvm-agent.service",
      "etc/systemd/system/raidvm-agent-fallback.service",
      "etc/udev/rules.d/99-raidvm-agent.rules",
      "etc/raidvm-agent/rpcs.conf",
      "etc/initramfs-tools/modules",
      "etc/initramfs-tools/conf.d/raidvm",
      "etc/modprobe.d/raidvm.conf",
      "etc/hostname",
      "etc/hosts");

  /** The guest's own rebuild of its initrd, also run at image build with these settings. */
  static final List<String> UPDATE_INITRAMFS =
      List.of("/usr/sbin/update-initramfs", "-u", "-k", "all");

  /**
   * Units masked in the guest, each measured on the boot path or running later for nothing: a VM
   * that lives for a test or a demo has no use for apt's and dpkg's daily timers, e2scrub (the
   * reap service alone took a minute of a loaded TCG boot; no LVM here), fstrim's weekly timer,
   * getty on a virtual terminal nobody sees (no display; the serial console keeps its getty) and
   * Debian's getty-static fallback. Nor for what early boot loads and mounts for other machines:
   * the modules drm, efi_pstore, fuse and configfs (one modprobe each, 5–8 s apiece in a TCG
   * boot's blame), the mounts of FUSE's and configfs' control files, binfmt_misc and its setup,
   * the kernel's debug and trace file systems, huge pages and POSIX message queues. Masked as
   * systemctl does: a link to /dev/null.
   */
  static final List<String> MASKED = List.of("apt-daily.timer", "apt-daily-upgrade.timer",
      "dpkg-db-backup.timer", "e2scrub_all.timer", "e2scrub_reap.service", "fstrim.timer",
      "getty@tty1.service", "getty-static.service",
      "modprobe@drm.service", "modprobe@efi_pstore.service", "modprobe@fuse.service",
      "modprobe@configfs.service", "sys-fs-fuse-connections.mount", "sys-kernel-config.mount",
      "systemd-binfmt.service", "proc-sys-fs-binfmt_misc.automount",
      "proc-sys-fs-binfmt_misc.mount", "sys-kernel-debug.mount", "sys-kernel-tracing.mount",
      "dev-hugepages.mount", "dev-mqueue.mount");

  /**
   * initramfs hooks turned off (not executable: mkinitramfs skips them): device-mapper (nothing in
   * this guest uses it) and fsck (systemd's systemd-fsck-root checks the root when the initramfs
   * did not). Each cost tens of seconds of a TCG update-initramfs, in process starts.
   */
  static final List<String> HOOKS_OFF = List.of("usr/share/initramfs-tools/hooks/dmsetup",
      "usr/share/initramfs-tools/hooks/fsck");

  private static final String AGENT_UNIT = "raidvm-agent.service";
  /**
   * Started by the agent at each install; enabled so that a boot that finds a trial left over
   * (its unit's condition) settles it too (docs/design.md, "Agent upgrade").
   */
  private static final String FALLBACK_UNIT = "raidvm-agent-fallback.service";

  private final Map<String, byte[]> files;

  private GuestFiles(Map<String, byte[]> files) {
    this.files = files;
  }

  static GuestFiles bundled() {
    Map<String, byte[]> files = new TreeMap<>();
    for (String path : RESOURCES) {
      try (InputStream in = GuestFiles.class.getResourceAsStream("guest/" + path)) {
        if (in == null) {
          throw new IllegalStateException("resource guest/" + path + " is missing from the build");
        }
        files.put(path, in.readAllBytes());
      } catch (IOException e) {
        throw RaidvmException.internal("cannot read resource guest/" + path, e);
      }
    }
    return new GuestFiles(files);
  }

  /** The files copied as they are, by path in the guest. */
  Map<String, byte[]> files() {
    return files;
  }

  /**
   * What the image's cache key takes from here: the files, and under names no file can have, the
   * masked units, the hooks turned off and the initramfs command, so a change to any of them makes
   * a new image.
   */
  Map<String, byte[]> cacheKeyInputs() {
    Map<String, byte[]> inputs = new TreeMap<>(files);
    inputs.put(":masked", String.join(" ", MASKED).getBytes(StandardCharsets.UTF_8));
    inputs.put(":hooks-off", String.join(" ", HOOKS_OFF).getBytes(StandardCharsets.UTF_8));
    inputs.put(":update-initramfs",
        String.join(" ", UPDATE_INITRAMFS).getBytes(StandardCharsets.UTF_8));
    return inputs;
  }

  /** Installs everything into the mounted rootfs at {@code root}. */
  void install(Path root, AgentJar agent) {
    try {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Path target = replaceable(root, file.getKey());
        Files.write(target, file.getValue());
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Path jar = replaceable(root, AGENT_PATH);
      agent.copyTo(jar);
      Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
      Files.deleteIfExists(root.resolve("etc/resolv.conf"));
      edit(root.resolve("etc/initramfs-tools/initramfs.conf"), GuestFiles::tuneInitramfs);
      edit(root.resolve("etc/shadow"), GuestFiles::lockRoot);
      for (String hook : HOOKS_OFF) {
        Path file = root.resolve(hook);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
      Path units = root.resolve("etc/systemd/system");
      for (String unit : MASKED) {
        try (var wants = Files.newDirectoryStream(units, "*.wants")) {
          for (Path dir : wants) {
            Files.deleteIfExists(dir.resolve(unit));
          }
        }
        Files.createSymbolicLink(replaceable(root, "etc/systemd/system/" + unit),
            Path.of("/dev/null"));
      }
      Files.createSymbolicLink(
          replaceable(root, "etc/systemd/system/sysinit.target.wants/" + AGENT_UNIT),
          Path.of("/etc/systemd/system/" + AGENT_UNIT));
      Files.createSymbolicLink(
          replaceable(root, "etc/systemd/system/multi-user.target.wants/" + FALLBACK_UNIT),
          Path.of("/etc/systemd/system/" + FALLBACK_UNIT));
      markUpdated(root);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot install the guest files: " + e.getMessage(), e);
    }
  }

  /**
   * Marks /etc and /var up to date with /usr, as systemd-update-done does at the end of a boot
   * that found /usr newer: without the marks every new VM's first boot ran ldconfig and rebuilt
   * the journal's message catalog (units with {@code ConditionNeedsUpdate=}), 3.5 and 2.8 s of a
   * TCG boot. systemd compares the marks' mtime with /usr's; they get /usr's own.
   */
  private static void markUpdated(Path root) throws IOException {
    FileTime usr = Files.getLastModifiedTime(root.resolve("usr"), LinkOption.NOFOLLOW_LINKS);
    String mark = "# Written by raidvm's image builder, as systemd-update-done would: the time\n"
        + "# /usr was last updated. See man:systemd-update-done.service(8).\n"
        + "TIMESTAMP_NSEC=" + usr.to(TimeUnit.NANOSECONDS) + "\n";
    for (String dir : List.of("etc", "var")) {
      Path file = replaceable(root, dir + "/.updated");
      Files.writeString(file, mark, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setLastModifiedTime(file, usr);
    }
  }

  /**
   * {@code MODULES=list}, {@code COMPRESS=gzip} and {@code COMPRESSLEVEL=1}: the initrd holds the
   * modules that {@code etc/initramfs-tools/modules} names (this VM's root disk: virtio-pci,
   * virtio-scsi, sd, ext4) and those the mdadm hook adds (md and every RAID level), nothing found
   * by probing (dep) or guessed (most); gzip because the guest has no zstd (without it, it warns
   * once per file and falls back to gzip anyway), level 1 because size hardly matters here.
   * Measured in a TCG guest: the defaults took 515 s, dep 73–344 s depending on the host's load;
   * see docs/design.md for this setting's figures.
   */
  static String tuneInitramfs(String conf) {
    return setting(setting(setting(conf, "MODULES", "list"), "COMPRESS", "gzip"),
        "COMPRESSLEVEL", "1");
  }

  /** Locks root's password ({@code !} in front), so the console offers no way in. */
  static String lockRoot(String shadow) {
    Matcher m = Pattern.compile("(?m)^root:([^:\\n]*):").matcher(shadow);
    if (!m.find()) {
      throw RaidvmException.failedPrecondition("the rootfs's /etc/shadow has no root entry");
    }
    String password = m.group(1);
    return password.startsWith("!") ? shadow
        : shadow.substring(0, m.start(1)) + "!" + password + shadow.substring(m.end(1));
  }

  private static String setting(String conf, String name, String value) {
    Pattern line = Pattern.compile("(?m)^#?[ \\t]*" + name + "=.*$");
    Matcher m = line.matcher(conf);
    if (m.find()) {
      return conf.substring(0, m.start()) + name + "=" + value + conf.substring(m.end());
    }
    return conf + (conf.isEmpty() || conf.endsWith("\n") ? "" : "\n") + name + "=" + value + "\n";
  }

  /** A path to write anew: a symlink there is removed, never followed out of the image. */
  private static Path replaceable(Path root, String path) throws IOException {
    Path target = root.resolve(path);
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    return target;
  }

  private static void edit(Path file, UnaryOperator<String> change) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw RaidvmException.failedPrecondition("the rootfs has no regular file %s", file);
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Files.writeString(file, change.apply(text), StandardCharsets.UTF_8);
  }
}
