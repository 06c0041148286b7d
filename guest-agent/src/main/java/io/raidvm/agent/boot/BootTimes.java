package io.raidvm.agent.boot;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.BootState;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * When the guest booted and when what its next boot reads last changed: mdadm.conf, fstab and
 * the running kernel's initramfs (which carries its own copy of mdadm.conf).
 */
public final class BootTimes {

  static final String INITRAMFS_PREFIX = "/boot/initrd.img-";

  private final Path root;

  /**
   * {@code root} is "/" in the guest; tests pass a directory holding {@code proc/stat},
   * {@code proc/sys/kernel/osrelease}, etc/ and boot/.
   */
  public BootTimes(Path root) {
    this.root = root;
  }

  /**
   * The boot time is /proc/stat's btime (whole seconds). A missing file has no timestamp and
   * counts as unchanged; without an initramfs nothing can be stale (udev assembles from
   * mdadm.conf itself).
   */
  public BootState state() {
    Instant booted = bootedAt();
    String initramfsPath = INITRAMFS_PREFIX + read("/proc/sys/kernel/osrelease").strip();
    Optional<Instant> initramfs = modified(initramfsPath);
    Optional<Instant> mdadmConf = modified(BootConfig.MDADM_CONF);
    Optional<Instant> fstab = modified(BootConfig.FSTAB);
    BootState.Builder state = BootState.newBuilder()
        .setBootedAt(timestamp(booted))
        .setInitramfsPath(initramfsPath)
        .setInitramfsStale(mdadmConf.isPresent() && initramfs.isPresent()
            && mdadmConf.get().isAfter(initramfs.get()))
        .setChangedSinceBoot(Stream.of(mdadmConf, fstab, initramfs).flatMap(Optional::stream)
            .anyMatch(t -> t.isAfter(booted)));
    initramfs.ifPresent(t -> state.setInitramfsModifiedAt(timestamp(t)));
    mdadmConf.ifPresent(t -> state.setMdadmConfModifiedAt(timestamp(t)));
    fstab.ifPresent(t -> state.setFstabModifiedAt(timestamp(t)));
    return state.build();
  }

  private Instant bootedAt() {
    return read("/proc/stat").lines()
        .filter(line -> line.startsWith("btime "))
        .map(line -> line.substring("btime ".length()).strip())
        .filter(seconds -> seconds.matches("\\d+"))
        .map(seconds -> Instant.ofEpochSecond(Long.parseLong(seconds)))
        .findFirst()
        .orElseThrow(() -> new RaidvmException(RaidvmException.Kind.INTERNAL,
            "/proc/stat has no btime line: cannot tell when the guest booted"));
  }

  private Optional<Instant> modified(String path) {
    try {
      return Optional.of(Files.getLastModifiedTime(file(path)).toInstant());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot stat " + path + ": " + e.getMessage(), e);
    }
  }

  private String read(String path) {
    try {
      return Files.readString(file(path));
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private Path file(String path) {
    return root.resolve(path.substring(1));
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
