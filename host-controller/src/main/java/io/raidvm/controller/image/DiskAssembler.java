package io.raidvm.controller.image;

import io.raidvm.api.controller.v1.BuildProgress;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Turns a rootfs tarball into a bootable qcow2 (DESIGN §5): a sparse raw disk with one msdos
 * partition, ext4 on a loop device, the rootfs and guest files, the agent's class-data archive, an
 * initrd made again with the guest's initramfs settings, extlinux and syslinux's MBR, then
 * {@code qemu-img convert}. Loop device and mount are released on every path out.
 */
final class DiskAssembler {

  static final Path MBR_BIN = Path.of("/usr/lib/syslinux/mbr/mbr.bin");

  private static final int MBR_CODE_BYTES = 440;
  private static final Duration LONG = Duration.ofMinutes(15);

  private final CommandRunner runner;
  private final GuestFiles guestFiles;
  private final AgentJar agent;
  private final Path mbrBin;
  private final AgentClassData classData;

  DiskAssembler(CommandRunner runner, GuestFiles guestFiles, AgentJar agent, Path mbrBin) {
    this.runner = runner;
    this.guestFiles = guestFiles;
    this.agent = agent;
    this.mbrBin = mbrBin;
    this.classData = new AgentClassData(runner);
  }

  /**
   * Builds {@code qcow2} from {@code rootfs}, using the build's folder for the raw disk and mount
   * and noting in its record each loop device and mount before taking it.
   */
  void assemble(Path rootfs, BuildRecord record, Path qcow2, Consumer<BuildProgress> progress) {
    Path workDir = record.workDir();
    byte[] mbr = readMbr();
    Path raw = workDir.resolve("disk.raw");
    try {
      progress.accept(Progress.of("disk", "partitioning a sparse disk of "
          + (Recipe.DISK_SIZE_BYTES >> 30) + " GiB"));
      createSparse(raw, Recipe.DISK_SIZE_BYTES);
      run(Command.of("parted", "-s", raw.toString(), "mklabel", "msdos", "mkpart", "primary",
          "ext4", "1MiB", "100%", "set", "1", "boot", "on"));
      fillPartition(rootfs, raw, workDir.resolve("mnt"), record, progress);
      progress.accept(Progress.of("bootloader", "writing syslinux's MBR"));
      writeMbr(raw, mbr);
      progress.accept(Progress.of("convert", "qemu-img convert -O qcow2"));
      run(Command.of("qemu-img", "convert", "-O", "qcow2", raw.toString(), qcow2.toString())
          .withTimeout(LONG));
    } finally {
      deleteQuietly(raw);
    }
  }

  private void fillPartition(Path rootfs, Path raw, Path mnt, BuildRecord record,
      Consumer<BuildProgress> progress) {
    String uuid = UUID.randomUUID().toString();
    try (LoopDevice loop = LoopDevice.attach(runner, raw, Recipe.PARTITION_OFFSET_BYTES,
        Recipe.DISK_SIZE_BYTES - Recipe.PARTITION_OFFSET_BYTES, record)) {
      progress.accept(Progress.of("disk", "mkfs.ext4 on " + loop.device() + ", UUID " + uuid));
      run(Command.of("mkfs.ext4", "-q", "-F", "-L", "raidvm-root", "-U", uuid, loop.device())
          .withTimeout(LONG));
      createDirectory(mnt);
      try (Mount mount = Mount.mount(runner, loop.device(), mnt, record)) {
        progress.accept(Progress.of("disk", "unpacking the rootfs"));
        run(Command.of("tar", "--extract", "--file", rootfs.toString(), "--directory",
            mnt.toString(), "--preserve-permissions", "--xattrs", "--xattrs-include=*",
            "--numeric-owner").withTimeout(LONG));
        progress.accept(Progress.of("disk", "installing the agent and guest files"));
        guestFiles.install(mnt, agent);
        progress.accept(Progress.of("disk", "the agent's class-data sharing archive (a training"
            + " run of the guest's JVM)"));
        classData.make(mnt, guestFiles.files().get(AgentClassData.UNIT));
        progress.accept(Progress.of("disk", "update-initramfs with the guest's settings"));
        run(GuestRoot.command(mnt, GuestFiles.UPDATE_INITRAMFS, LONG));
        installBootloader(mnt, uuid, progress);
      }
    } finally {
      deleteQuietly(mnt);
    }
  }

  private void installBootloader(Path mnt, String uuid, Consumer<BuildProgress> progress) {
    BootConfig.Kernel kernel = BootConfig.findKernel(mnt.resolve("boot"));
    progress.accept(Progress.of("bootloader", "extlinux booting " + kernel.vmlinuz()));
    Path extlinux = mnt.resolve("boot/extlinux");
    createDirectory(extlinux);
    run(Command.of("extlinux", "--install", extlinux.toString()));
    write(extlinux.resolve("extlinux.conf"), BootConfig.extlinuxConf(kernel, uuid));
    write(mnt.resolve("etc/fstab"), BootConfig.fstab(uuid));
  }

  private void run(Command command) {
    runner.run(command).orThrow();
  }

  private byte[] readMbr() {
    try {
      byte[] mbr = Files.readAllBytes(mbrBin);
      if (mbr.length != MBR_CODE_BYTES) {
        throw RaidvmException.failedPrecondition("%s has %d bytes, expected %d", mbrBin,
            mbr.length, MBR_CODE_BYTES);
      }
      return mbr;
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read %s: install the Debian package"
          + " syslinux-common (apt-get install syslinux-common)", mbrBin);
    }
  }

  private static void createSparse(Path file, long size) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeMbr(Path raw, byte[] mbr) {
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.write(mbr);
      f.getFD().sync();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot write the MBR into " + raw + ": " + e.getMessage(), e);
    }
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.deleteIfExists(file);
      Files.writeString(file, text);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a file, or an empty folder: a folder that is still a mount point stays untouched. */
  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Left behind in the build's work folder, which the manager reports if it cannot remove it.
    }
  }
}
