package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsLeftoversTest {

  @TempDir
  Path root;

  @Test
  void clean_removesTheHalfWrittenInitramfs_andMkinitramfsWorkFiles_only() throws IOException {
    Path initramfs = write("boot/initrd.img-6.1.0-18-amd64");
    Path backup = write("boot/initrd.img-6.1.0-18-amd64.dpkg-bak");
    write("boot/initrd.img-6.1.0-18-amd64.new");
    write("var/tmp/mkinitramfs_Ab12Cd/usr/lib/modules/6.1.0-18-amd64/modules.order");
    write("var/tmp/mkinitramfs-OL_Ef34Gh");
    write("var/tmp/mkinitramfs-FW_Ij56Kl");
    Path other = write("var/tmp/someone-elses");

    String note = new InitramfsLeftovers(root).clean();

    assertEquals("removed /boot/initrd.img-6.1.0-18-amd64.new, /var/tmp/mkinitramfs-FW_Ij56Kl,"
        + " /var/tmp/mkinitramfs-OL_Ef34Gh, /var/tmp/mkinitramfs_Ab12Cd", note);
    assertFalse(Files.exists(root.resolve("boot/initrd.img-6.1.0-18-amd64.new")));
    assertFalse(Files.exists(root.resolve("var/tmp/mkinitramfs_Ab12Cd")));
    assertTrue(Files.exists(initramfs) && Files.exists(backup) && Files.exists(other));
  }

  @Test
  void clean_removesALink_notWhatItPointsTo() throws IOException {
    Path kept = write("srv/data/keep");
    Files.createDirectories(root.resolve("var/tmp"));
    Files.createSymbolicLink(root.resolve("var/tmp/mkinitramfs_link"), kept.getParent());

    new InitramfsLeftovers(root).clean();

    assertFalse(Files.exists(root.resolve("var/tmp/mkinitramfs_link"),
        java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(kept));
  }

  @Test
  void clean_whileTheToolStillRuns_leavesItsFilesAlone() throws IOException {
    Path half = write("boot/initrd.img-6.1.0-18-amd64.new");
    Files.writeString(write("proc/812/comm"), "update-initramf\n");
    Files.writeString(write("proc/1/comm"), "systemd\n");

    String note = new InitramfsLeftovers(root).clean();

    assertEquals("left /boot/initrd.img-*.new and /var/tmp/mkinitramfs* alone: update-initramf"
        + " (pid 812) still runs", note);
    assertTrue(Files.exists(half));
  }

  @Test
  void clean_withNothingLeft_saysSo() {
    assertEquals("no half-written initramfs or mkinitramfs files were left",
        new InitramfsLeftovers(root).clean());
  }

  private Path write(String path) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[] {1});
  }
}
