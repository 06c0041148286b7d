package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the builder adds to or changes in the rootfs: the agent and its systemd unit and udev rule
 * (kept as resources under {@code guest/}), host name and hosts, no resolv.conf, a locked root
 * account, and an initramfs configuration that keeps the guest's own rebuilds fast.
 */
final class GuestFiles {

  static final String AGENT_PATH = "opt/raidvm/raidvm-agent.jar";

  private static final List<String> RESOURCES = List.of(
      "etc/systemd/system/raidvm-agent.service",
      "etc/udev/rules.d/99-raidvm-agent.rules",
      "etc/raidvm-agent/rpcs.conf",
      "etc/hostname",
      "etc/hosts");

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

  /** The files copied as they are, by path in the guest: part of the image's cache key. */
  Map<String, byte[]> files() {
    return files;
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
    } catch (IOException e) {
      throw RaidvmException.internal("cannot install the guest files: " + e.getMessage(), e);
    }
  }

  /**
   * {@code MODULES=dep}, {@code COMPRESS=gzip} and {@code COMPRESSLEVEL=1}: the first initrd
   * (made with the defaults on the host, where dep does not work) stays; the guest's own
   * update-initramfs gets fast, and uses gzip (the guest has no zstd; without this it warns once
   * per file and falls back to gzip anyway).
   */
  static String tuneInitramfs(String conf) {
    return setting(setting(setting(conf, "MODULES", "dep"), "COMPRESS", "gzip"), "COMPRESSLEVEL",
        "1");
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
