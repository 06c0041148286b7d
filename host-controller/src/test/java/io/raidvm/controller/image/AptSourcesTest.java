package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AptSourcesTest {

  private static Path fixture(String name) {
    return Path.of("src/test/resources/fixtures/apt", name);
  }

  @Test
  void mirrorFor_onThisHostsConfig_picksTheArchiveNotSecurityOrUpdates() {
    List<AptSource> sources = AptSources.read(fixture("host"));

    assertEquals("http://mirror.example/debian", AptSources.mirrorFor("bookworm", "", sources));
  }

  @Test
  void read_skipsDisabledFiles() {
    List<AptSource> sources = AptSources.read(fixture("host"));

    assertTrue(sources.stream().noneMatch(s -> s.uri().contains("packages.example")
        || s.uri().contains("node.example")), sources.toString());
    assertThrows(RaidvmException.class, () -> AptSources.mirrorFor("nodistro", "", sources));
  }

  @Test
  void mirrorFor_oneLineFile_skipsCdromDebSrcSecurityUpdatesAndEntriesWithoutMain() {
    List<AptSource> sources = AptSources.read(fixture("oneline"));

    assertEquals("https://mirror.example/debian/", AptSources.mirrorFor("bookworm", "", sources));
  }

  @Test
  void parseOneLine_readsOptionsBlocksWithSpacesAndTrailingComments() {
    List<AptSource> sources = AptSources.parseOneLine(
        "deb [ arch=amd64 signed-by=/k.gpg ] http://mirror.example/debian bookworm main contrib"
            + " # note\n");

    assertEquals(List.of(new AptSource("deb", "http://mirror.example/debian", "bookworm",
        List.of("main", "contrib"))), sources);
  }

  @Test
  void parseOneLine_keepsACdromUriWithSpacesWhole() {
    List<AptSource> sources = AptSources.parseOneLine(
        "deb cdrom:[Debian GNU/Linux 12 DVD]/ bookworm main\n");

    assertEquals("cdrom:[Debian GNU/Linux 12 DVD]/", sources.get(0).uri());
    assertEquals("bookworm", sources.get(0).suite());
  }

  @Test
  void parseDeb822_expandsEveryTypeUriAndSuite_andSkipsDisabledStanzas() {
    List<AptSource> sources = AptSources.read(fixture("deb822"));

    assertEquals("https://mirror.example/debian", AptSources.mirrorFor("trixie", "", sources));
    assertEquals("http://extra.example/debian", AptSources.mirrorFor("bookworm", "", sources));
    assertTrue(sources.contains(new AptSource("deb-src", "http://fallback.example/debian",
        "trixie-updates", List.of("main", "contrib"))), sources.toString());
    assertTrue(sources.stream().noneMatch(s -> s.uri().contains("old.example")));
  }

  @Test
  void mirrorFor_aSuiteTheHostDoesNotName_takesTheArchiveOfTheHostsOwnSuite() {
    List<AptSource> sources = AptSources.read(fixture("host"));

    assertEquals("http://mirror.example/debian",
        AptSources.mirrorFor("trixie", "bookworm", sources));
  }

  @Test
  void mirrorFor_aSuiteTheHostDoesNotName_withoutTheHostsSuite_failsNamingBoth() {
    String message = securityOnlyRefusal("trixie", "bookworm");

    assertTrue(message.contains("suite 'trixie' nor for the host's own suite 'bookworm'"),
        message);
  }

  @Test
  void mirrorFor_withOnlySecurityEntries_failsWithFailedPreconditionNamingTheSuite() {
    String message = securityOnlyRefusal("bookworm", "");

    assertTrue(message.contains("suite 'bookworm'"), message);
  }

  /** The message of the FAILED_PRECONDITION a host with only a security source gets. */
  private static String securityOnlyRefusal(String suite, String hostSuite) {
    List<AptSource> sources = AptSources.read(fixture("security-only"));

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> AptSources.mirrorFor(suite, hostSuite, sources));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    return e.getMessage();
  }

  @Test
  void read_withoutAnyAptConfiguration_findsNothing() {
    assertEquals(List.of(), AptSources.read(fixture("does-not-exist")));
  }
}
