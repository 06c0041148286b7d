package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.Fixtures;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MdadmConfTest {

  private static final String SHIPPED = Fixtures.read("guest/00-boot/mdadm.conf.stdout");
  private static final String MD127 = "ARRAY /dev/md127 metadata=1.0 name=raidvm:127"
      + " UUID=ec44b2e5:884eb3e1:44fa02b1:fed4abc8";

  @Test
  void withArray_onTheShippedFile_givesWhatTheHowtosTeeGaveInTheGuest() {
    String line = MdadmConf.scanEntry(
        Fixtures.read("guest/14-raid1-partitions/detail-scan.stdout"), "md127").orElseThrow();

    assertEquals(MD127, line);
    assertEquals(Fixtures.read("guest/19-initramfs/mdadm.conf-with-array.stdout"),
        MdadmConf.withArray(SHIPPED, line).text());
  }

  @Test
  void withArray_isIdempotent() {
    String once = MdadmConf.withArray(SHIPPED, MD127).text();

    assertEquals(once, MdadmConf.withArray(once, MD127).text());
  }

  @Test
  void withArray_replacesTheSameUuid_wrappedAndAbbreviated_keepingEverythingElse() {
    String text = "# mine\r\nDEVICE partitions\n"
        + "ARRAY /dev/md/old level=raid5 num-devices=4\n"
        + "   UUID=EC44B2E5-884EB3E1-44FA02B1-FED4ABC8\n"
        + "\tdevices=/dev/sda1,/dev/sdc1\n"
        + "ARRAY /dev/md0 UUID=f851e08d:f07f0f42:c090542b:d36c7928  # keep\n"
        + "arr /dev/md9 uuid=ec44b2e5:884eb3e1:44fa02b1:fed4abc8\n"
        + "MAILADDR root";

    assertEquals("# mine\r\nDEVICE partitions\n"
        + MD127 + "\n"
        + "ARRAY /dev/md0 UUID=f851e08d:f07f0f42:c090542b:d36c7928  # keep\n"
        + "MAILADDR root", MdadmConf.withArray(text, MD127).text());
  }

  @Test
  void withArray_withoutTrailingNewline_appendsOnANewLine_andACommentedLineIsNoMatch() {
    String text = "#ARRAY /dev/md127 UUID=ec44b2e5:884eb3e1:44fa02b1:fed4abc8\nMAILADDR root";

    assertEquals(text + "\n" + MD127 + "\n", MdadmConf.withArray(text, MD127).text());
    assertEquals(MD127 + "\n", MdadmConf.withArray("", MD127).text());
  }

  @Test
  void scanEntry_takesTheNamedArrayWithItsContinuation_orNothing() {
    String verbose = Fixtures.read("guest/04-raid5-synced/detail-scan-verbose.stdout");

    assertEquals(Optional.of(verbose.strip()), MdadmConf.scanEntry(verbose, "md127"));
    assertEquals(Optional.empty(), MdadmConf.scanEntry(verbose, "md12"));
  }
}
