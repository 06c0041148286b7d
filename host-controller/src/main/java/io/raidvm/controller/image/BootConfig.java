package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The boot files that depend on the disk: extlinux.conf and fstab, by the root's UUID. */
public final class BootConfig {

  /**
   * Seconds after which the guest's kernel resets itself when it panics ({@code panic=} on its
   * command line; Debian's default is to hang). Under TCG the reset ends QEMU and the controller
   * starts it again, as for a reboot, so a VM whose kernel died comes back by itself, as with
   * libvirt's {@code on_crash=restart}: seen under QEMU 7.2's multi-threaded TCG, an oops while
   * the kernel rewrote its own code at boot (docs/design.md, "A guest kernel panic").
   */
  public static final int PANIC_RESET_SECONDS = 5;

  /**
   * The kernel's options after root= and ro; part of the image's id ({@link CacheKeys}).
   * {@code unknown_nmi_panic}: an NMI from the host (QMP inject-nmi, raidctl fault --nmi, virsh
   * inject-nmi) panics the kernel, the way to crash a hung guest on purpose, or to rehearse a
   * crash.
   */
  static final String KERNEL_OPTIONS = "console=ttyS0 panic=" + PANIC_RESET_SECONDS
      + " unknown_nmi_panic";

  /** The kernel and initrd file names in {@code /boot}, e.g. vmlinuz-6.1.0-50-amd64. */
  record Kernel(String vmlinuz, String initrd) {}

  private BootConfig() {}

  /** The newest kernel in {@code boot} with its initrd, or FAILED_PRECONDITION. */
  static Kernel findKernel(Path boot) {
    try (Stream<Path> files = Files.list(boot)) {
      String vmlinuz = files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("vmlinuz-"))
          .sorted()
          .reduce((a, b) -> b)
          .orElseThrow(() -> RaidvmException.failedPrecondition("the rootfs has no kernel"
              + " (/boot/vmlinuz-*): is linux-image-amd64 in the package list?"));
      String initrd = "initrd.img-" + vmlinuz.substring("vmlinuz-".length());
      if (!Files.isRegularFile(boot.resolve(initrd))) {
        throw RaidvmException.failedPrecondition("the rootfs has %s but no /boot/%s: is"
            + " initramfs-tools in the package list?", vmlinuz, initrd);
      }
      return new Kernel(vmlinuz, initrd);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + boot, e);
    }
  }

  static String extlinuxConf(Kernel kernel, String rootUuid) {
    return "DEFAULT raidvm\n"
        + "PROMPT 0\n"
        + "TIMEOUT 0\n"
        + "LABEL raidvm\n"
        + "  LINUX /boot/" + kernel.vmlinuz() + "\n"
        + "  INITRD /boot/" + kernel.initrd() + "\n"
        + "  APPEND root=UUID=" + rootUuid + " ro " + KERNEL_OPTIONS + "\n";
  }

  static String fstab(String rootUuid) {
    return "UUID=" + rootUuid + " / ext4 errors=remount-ro 0 1\n";
  }
}
