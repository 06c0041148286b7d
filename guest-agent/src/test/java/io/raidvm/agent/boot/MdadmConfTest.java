package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.md.MdadmDetail;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestSuites;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MdadmConfTest {

  private static final String SHIPPED = Fixtures.read("guest/00-boot/mdadm.conf.stdout");
  private static final String MD127 = "ARRAY /dev/md127 metadata=1.0 name=raidvm:127"
      + " UUID=db0609c2:27c2052f:bdc9c4d6:f961e8b0";

  private static final String OTHER_UUID = "f851e08d:f07f0f42:c090542b:d36c7928";

  /** Nothing but the entry's own name is the array's device; stale entries are refused. */
  private static String withArray(String text, String scanLines) {
    return MdadmConf.withArray(text, scanLines, Set.of(), false).text();
  }

  @Test
  void withArray_onTheShippedFile_givesWhatTheHowtosTeeGaveInTheGuest() {
    String line = MdadmConf.scanEntry(
        Fixtures.read("guest/14-raid1-partitions/detail-scan.stdout"), "md127").orElseThrow();

    assertEquals(MD127, line);
    assertEquals(Fixtures.read("guest/19-initramfs/mdadm.conf-with-array.stdout"),
        withArray(SHIPPED, line));
  }

  @Test
  void withArray_isIdempotent() {
    String once = withArray(SHIPPED, MD127);

    assertEquals(once, withArray(once, MD127));
  }

  @Test
  void withArray_replacesTheSameUuid_wrappedAndAbbreviated_keepingEverythingElse() {
    String text = "# mine\r\nDEVICE partitions\n"
        + "ARRAY /dev/md/old level=raid5 num-devices=4\n"
        + "   UUID=DB0609C2-27C2052F-BDC9C4D6-F961E8B0\n"
        + "\tdevices=/dev/sda1,/dev/sdc1\n"
        + "ARRAY /dev/md0 UUID=f851e08d:f07f0f42:c090542b:d36c7928  # keep\n"
        + "arr /dev/md9 uuid=db0609c2:27c2052f:bdc9c4d6:f961e8b0\n"
        + "MAILADDR root";

    assertEquals("# mine\r\nDEVICE partitions\n"
        + MD127 + "\n"
        + "ARRAY /dev/md0 UUID=f851e08d:f07f0f42:c090542b:d36c7928  # keep\n"
        + "MAILADDR root", withArray(text, MD127));
  }

  @Test
  void withArray_withoutTrailingNewline_appendsOnANewLine_andACommentedLineIsNoMatch() {
    String text = "#ARRAY /dev/md127 UUID=db0609c2:27c2052f:bdc9c4d6:f961e8b0\nMAILADDR root";

    assertEquals(text + "\n" + MD127 + "\n", withArray(text, MD127));
    assertEquals(MD127 + "\n", withArray("", MD127));
  }

  @Test
  void withArray_overAnotherArraysLineForTheSameDevice_isRefused_namingBothLines() {
    String stale = "ARRAY /dev/md127 metadata=1.2 UUID=" + OTHER_UUID;

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> withArray("MAILADDR root\n" + stale + "\n", MD127));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("mdadm.conf names /dev/md127 with another UUID than the array's: '" + stale
        + "'. That line describes an array that is no longer there; the array's own line is '"
        + MD127 + "'. Remove that line, or persist again with replace_stale (raidctl raid persist"
        + " --replace-stale) to put the array's line in its place", e.getMessage());
  }

  @Test
  void withArray_staleLinesByAnotherNameOfTheDevice_orWithoutUuid_areRefusedToo() {
    Set<String> sameDevice = Set.of("/dev/md/data");

    for (String stale : List.of("ARRAY /dev/md/data UUID=" + OTHER_UUID,
        "ARRAY /dev/md127 name=raidvm:old", "ARR /dev/md127\n  uuid=" + OTHER_UUID)) {
      assertThrows(RaidvmException.class,
          () -> MdadmConf.withArray(stale + "\n", MD127, sameDevice, false), stale);
    }
  }

  @Test
  void withArray_withReplaceStale_putsTheArraysLineInTheStaleOnesPlace_andListsThem() {
    String text = "DEVICE partitions\n"
        + "ARRAY /dev/md/data metadata=1.2\n  UUID=" + OTHER_UUID + "\n"
        + "ARRAY /dev/md0 UUID=" + OTHER_UUID.replace('f', 'e') + "\n"
        + "ARRAY /dev/md127 UUID=" + OTHER_UUID + "\n";

    TextEntries.Edit edit = MdadmConf.withArray(text, MD127, Set.of("/dev/md/data"), true);

    assertEquals("DEVICE partitions\n" + MD127 + "\n"
        + "ARRAY /dev/md0 UUID=" + OTHER_UUID.replace('f', 'e') + "\n", edit.text());
    assertEquals(List.of("ARRAY /dev/md/data metadata=1.2\n  UUID=" + OTHER_UUID,
        "ARRAY /dev/md127 UUID=" + OTHER_UUID), edit.replaced());
  }

  @Test
  void withArray_theSameArraysLine_isNoStaleLine_evenWithReplaceStaleOff() {
    TextEntries.Edit edit = MdadmConf.withArray(MD127 + "\n", MD127, Set.of("/dev/md127"), false);

    assertEquals(new TextEntries.Edit(MD127 + "\n", List.of()), edit);
  }

  @Test
  void arrayDevices_areTheSecondWordsOfTheArrayEntries() {
    String text = "DEVICE partitions\n#ARRAY /dev/md1 UUID=x\nARRAY /dev/md/data UUID=y\n"
        + "arr /dev/md127\n  UUID=z\nARRAY <ignore> UUID=w\nMAILADDR root\n";

    assertEquals(List.of("/dev/md/data", "/dev/md127", "<ignore>"),
        MdadmConf.arrayDevices(text));
  }

  @Test
  void scanEntry_takesTheNamedArrayWithItsContinuation_orNothing() {
    String verbose = Fixtures.read("guest/04-raid5-synced/detail-scan-verbose.stdout");

    assertEquals(Optional.of(verbose.strip()), MdadmConf.scanEntry(verbose, "md127"));
    assertEquals(Optional.empty(), MdadmConf.scanEntry(verbose, "md12"));
  }

  @Test
  void without_takesOutTheArraysEntries_byUuidInAnyForm_withTheirContinuations() {
    String withArray = Fixtures.read("guest/19-initramfs/mdadm.conf-with-array.stdout");
    String text = withArray + "ARRAY /dev/md/old level=raid5 num-devices=4\n"
        + "   UUID=DB0609C2-27C2052F-BDC9C4D6-F961E8B0\n"
        + "ARRAY /dev/md0 UUID=" + OTHER_UUID + "\n";

    TextEntries.Edit once = MdadmConf.without(text, "db0609c227c2052fbdc9c4d6f961e8b0");

    assertEquals(SHIPPED + "ARRAY /dev/md0 UUID=" + OTHER_UUID + "\n", once.text());
    assertEquals(List.of(MD127, "ARRAY /dev/md/old level=raid5 num-devices=4\n"
        + "   UUID=DB0609C2-27C2052F-BDC9C4D6-F961E8B0"), once.replaced());
    assertEquals(once.replaced(), MdadmConf.entriesFor(text, "db0609c2:27c2052f:bdc9c4d6:f961e8b0"));
    assertEquals(List.of(), MdadmConf.without(once.text(), "db0609c2:27c2052f:bdc9c4d6:f961e8b0")
        .replaced());
  }

  /**
   * 04 on every suite: {@code mdadm --detail --scan} lists the healthy RAID 5 under its kernel
   * name with the UUID {@code --detail} reports, so the agent finds the entry it persists.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.raidvm.agent.testing.GuestSuites#folders")
  void detailScan_listsTheArrayByItsKernelName_onEverySuite(String folder) {
    MdadmDetail detail = GuestSuites.detail(folder, "04-raid5-synced/");

    String entry = MdadmConf.scanEntry(
        GuestSuites.read(folder, "04-raid5-synced/detail-scan.stdout"), "md127").orElseThrow();

    assertEquals(MdadmConf.uuid("UUID=" + detail.uuid()), MdadmConf.uuid(entry));
  }
}
