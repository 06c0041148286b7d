package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.Fixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FstabTest {

  private static final String SHIPPED = Fixtures.read("guest/00-boot/fstab.stdout");
  private static final String UUID = "a4aede7b-42b2-45e5-ba7f-5d9f287826fc";
  private static final String LINE = Fstab.line(UUID, "/mnt/md127", "ext4",
      "defaults,nofail,discard");
  /** md127 holds the filesystem; udev links /dev/md/data to it. */
  private static final Fstab.Filesystem FS =
      new Fstab.Filesystem(UUID, Set.of("/dev/md127", "/dev/md/data"));

  private static String withLine(String text) {
    return Fstab.withLine(text, FS, "/mnt/md127", LINE).text();
  }

  @Test
  void line_isByUuid_withPassTwo() {
    assertEquals("UUID=a4aede7b-42b2-45e5-ba7f-5d9f287826fc /mnt/md127 ext4"
        + " defaults,nofail,discard 0 2", LINE);
  }

  @Test
  void withLine_onTheGuestsFstab_appends_andIsIdempotent() {
    TextEntries.Edit once = Fstab.withLine(SHIPPED, FS, "/mnt/md127", LINE);

    assertEquals(new TextEntries.Edit(SHIPPED + LINE + "\n", List.of()), once);
    assertEquals(once, Fstab.withLine(once.text(), FS, "/mnt/md127", LINE));
  }

  @Test
  void withLine_replacesTheSameUuidOrMountPoint_keepingCommentsAndOtherLinesByteForByte() {
    String text = "# /etc/fstab\n"
        + "UUID=9d77343e-3583-4b7b-a2ae-79327aae06a1 / ext4 errors=remount-ro 0 1\n"
        + "/dev/md126\t/mnt/md127  ext4 defaults 0 0\n"
        + "#UUID=" + UUID + " /old ext4 defaults 0 2\n"
        + "\n"
        + "UUID=" + UUID.toUpperCase() + " /srv/old ext4 defaults 0 2\n"
        + "tmpfs /tmp tmpfs defaults 0 0";

    TextEntries.Edit edit = Fstab.withLine(text, FS, "/mnt/md127", LINE);

    assertEquals("# /etc/fstab\n"
        + "UUID=9d77343e-3583-4b7b-a2ae-79327aae06a1 / ext4 errors=remount-ro 0 1\n"
        + LINE + "\n"
        + "#UUID=" + UUID + " /old ext4 defaults 0 2\n"
        + "\n"
        + "tmpfs /tmp tmpfs defaults 0 0", edit.text());
    assertEquals(List.of("/dev/md126\t/mnt/md127  ext4 defaults 0 0",
        "UUID=" + UUID.toUpperCase() + " /srv/old ext4 defaults 0 2"), edit.replaced());
  }

  @Test
  void withLine_recognisesEveryFormOfTheSource_soNoSecondLineIsAdded() {
    List<String> sources = List.of("UUID=" + UUID, "UUID=\"" + UUID + "\"", "UUID='" + UUID + "'",
        "uuid=" + UUID.toUpperCase(), "/dev/md127", "/dev/md/data", "/dev/disk/by-uuid/" + UUID);
    for (String source : sources) {
      String text = "tmpfs /tmp tmpfs defaults 0 0\n" + source + " /srv/data ext4 defaults 0 0\n";

      assertEquals("tmpfs /tmp tmpfs defaults 0 0\n" + LINE + "\n", withLine(text), source);
    }
  }

  @Test
  void withLine_keepsLinesOfOtherDevicesAndFilesystems() {
    String text = "/dev/md126 /srv/a ext4 defaults 0 0\n"
        + "/dev/md/other /srv/b ext4 defaults 0 0\n"
        + "UUID=\"9d77343e-3583-4b7b-a2ae-79327aae06a1\" /srv/c ext4 defaults 0 0\n"
        + "/dev/disk/by-uuid/9d77343e-3583-4b7b-a2ae-79327aae06a1 /srv/d ext4 defaults 0 0\n"
        + "LABEL=data /srv/e ext4 defaults 0 0\n";

    assertEquals(text + LINE + "\n", withLine(text));
  }

  @Test
  void names_unquotesOnlyAMatchingPairOfQuotes() {
    assertTrue(Fstab.names("UUID=\"" + UUID + "\"", FS));
    assertFalse(Fstab.names("UUID=\"" + UUID + "'", FS));
    assertFalse(Fstab.names("UUID=\"", FS));
  }

  @Test
  void devicePaths_areTheUnescapedDevSourcesOfLinesThatAreNotComments() {
    String text = "/dev/md127 /a ext4 defaults 0 0\n"
        + "#/dev/md1 /b ext4 defaults 0 0\n"
        + "/dev/md/my\\040data /c ext4 defaults 0 0\n"
        + "UUID=" + UUID + " /d ext4 defaults 0 0\n"
        + "/dev/sdb1\n"
        + "proc /proc proc defaults 0 0";

    assertEquals(List.of("/dev/md127", "/dev/md/my data"), Fstab.devicePaths(text));
  }

  @Test
  void withLine_withoutTrailingNewline_orEmpty_appendsOnItsOwnLine() {
    assertEquals("tmpfs /tmp tmpfs defaults 0 0\n" + LINE + "\n",
        withLine("tmpfs /tmp tmpfs defaults 0 0"));
    assertEquals(LINE + "\n", withLine(""));
  }

  @Test
  void without_takesOutEveryLineOfTheFilesystem_andOfItsMountPoints_andIsIdempotent() {
    String text = SHIPPED + LINE + "\n/dev/md/data /srv ext4 defaults 0 2\n"
        + "/dev/sdz1 /mnt/old ext4 defaults 0 2\n# UUID=" + UUID + " /mnt/md127 ext4\n";

    TextEntries.Edit once = Fstab.without(text, FS, Set.of("/mnt/old"));

    assertEquals(SHIPPED + "# UUID=" + UUID + " /mnt/md127 ext4\n", once.text());
    assertEquals(List.of(LINE, "/dev/md/data /srv ext4 defaults 0 2",
        "/dev/sdz1 /mnt/old ext4 defaults 0 2"), once.replaced());
    assertEquals(once.replaced(), Fstab.linesFor(text, FS, Set.of("/mnt/old")));
    assertEquals(new TextEntries.Edit(once.text(), List.of()),
        Fstab.without(once.text(), FS, Set.of("/mnt/old")));
  }
}
