package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import org.junit.jupiter.api.Test;

class FstabTest {

  private static final String SHIPPED = Fixtures.read("guest/00-boot/fstab.stdout");
  private static final String UUID = "a4aede7b-42b2-45e5-ba7f-5d9f287826fc";
  private static final String LINE = Fstab.line(UUID, "/mnt/md127", "ext4",
      "defaults,nofail,discard");

  @Test
  void line_isByUuid_withPassTwo() {
    assertEquals("UUID=a4aede7b-42b2-45e5-ba7f-5d9f287826fc /mnt/md127 ext4"
        + " defaults,nofail,discard 0 2", LINE);
  }

  @Test
  void withLine_onTheGuestsFstab_appends_andIsIdempotent() {
    String once = Fstab.withLine(SHIPPED, UUID, "/mnt/md127", LINE);

    assertEquals(SHIPPED + LINE + "\n", once);
    assertEquals(once, Fstab.withLine(once, UUID, "/mnt/md127", LINE));
  }

  @Test
  void withLine_replacesTheSameUuidOrMountPoint_keepingCommentsAndOtherLinesByteForByte() {
    String text = "# /etc/fstab\n"
        + "UUID=9d77343e-3583-4b7b-a2ae-79327aae06a1 / ext4 errors=remount-ro 0 1\n"
        + "/dev/md127\t/mnt/md127  ext4 defaults 0 0\n"
        + "#UUID=" + UUID + " /old ext4 defaults 0 2\n"
        + "\n"
        + "UUID=" + UUID.toUpperCase() + " /srv/old ext4 defaults 0 2\n"
        + "tmpfs /tmp tmpfs defaults 0 0";

    assertEquals("# /etc/fstab\n"
        + "UUID=9d77343e-3583-4b7b-a2ae-79327aae06a1 / ext4 errors=remount-ro 0 1\n"
        + LINE + "\n"
        + "#UUID=" + UUID + " /old ext4 defaults 0 2\n"
        + "\n"
        + "tmpfs /tmp tmpfs defaults 0 0", Fstab.withLine(text, UUID, "/mnt/md127", LINE));
  }

  @Test
  void withLine_withoutTrailingNewline_orEmpty_appendsOnItsOwnLine() {
    assertEquals("tmpfs /tmp tmpfs defaults 0 0\n" + LINE + "\n",
        Fstab.withLine("tmpfs /tmp tmpfs defaults 0 0", UUID, "/mnt/md127", LINE));
    assertEquals(LINE + "\n", Fstab.withLine("", UUID, "/mnt/md127", LINE));
  }
}
