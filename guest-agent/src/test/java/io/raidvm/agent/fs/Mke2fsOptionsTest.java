package io.raidvm.agent.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Mke2fsOptionsTest {

  private static final String ALLOWED = "allowed: -b, -E, -m, -i, -I, -N, -O, -j, -J, -T, -U";

  /** Given options (separated by "|"), the argv mke2fs gets. */
  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("", ""),
        Arguments.of("-b|4096", "-b|4096"),
        Arguments.of("-b4096", "-b|4096"),
        Arguments.of("-jb4096", "-j|-b|4096"),
        Arguments.of("-jb|2048", "-j|-b|2048"),
        Arguments.of("-E|stride=128,stripe-width=384", "-E|stride=128,stripe-width=384"),
        Arguments.of("-Estripe_width=256,lazy_itable_init=0,lazy_journal_init,nodiscard",
            "-E|stripe_width=256,lazy_itable_init=0,lazy_journal_init,nodiscard"),
        Arguments.of("-E|resize=1000000,discard,root_owner=1000:1000",
            "-E|resize=1000000,discard,root_owner=1000:1000"),
        Arguments.of("-m|0", "-m|0"),
        Arguments.of("-m0.5", "-m|0.5"),
        Arguments.of("-m|50", "-m|50"),
        Arguments.of("-i|65536|-I|256|-N|100000", "-i|65536|-I|256|-N|100000"),
        Arguments.of("-O|^has_journal,metadata_csum", "-O|^has_journal,metadata_csum"),
        Arguments.of("-J|size=64", "-J|size=64"),
        Arguments.of("-T|largefile4", "-T|largefile4"),
        Arguments.of("-U|ca7efeb0-ac04-4cbb-a13e-ba8cbe6964d4",
            "-U|ca7efeb0-ac04-4cbb-a13e-ba8cbe6964d4"),
        Arguments.of("-Urandom", "-U|random"));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("accepted")
  void parse_allowedOptions_areSplitAsGetoptReadsThem(String given, String argv) {
    assertEquals(entries(argv), Mke2fsOptions.parse(entries(given)));
  }

  /** Given options, then words the refusal must contain. */
  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("-Fb4096", "mkfs option -F (in '-Fb4096') is not allowed: set force"),
        Arguments.of("-F", "mkfs option -F is not allowed: set force instead"),
        Arguments.of("-jF", "-F (in '-jF') is not allowed"),
        Arguments.of("-bF", "mkfs option -b 'F' is not valid: it takes a block size"),
        Arguments.of("-b|-F", "mkfs option -b '-F' is not valid"),
        Arguments.of("-b|512", "-b '512' is not valid"),
        Arguments.of("-b", "mkfs option -b needs a value"),
        Arguments.of("--", "mkfs option '--' is not allowed: it ends mke2fs's options"),
        Arguments.of("--force", "mkfs option '--force' is not allowed: mke2fs has no long options"),
        Arguments.of("4096", "mkfs option '4096' is not an option"),
        Arguments.of("-j|4096", "mkfs option '4096' is not an option"),
        Arguments.of("-", "mkfs option '-' is not an option"),
        Arguments.of("-E|stride=128,offset=4096",
            "mkfs option -E 'stride=128,offset=4096' ('offset=4096') is not valid: it takes"
                + " extended options"),
        Arguments.of("-E|stride=128,", "('') is not valid"),
        Arguments.of("-E|stride=/dev/sda", "-E 'stride=/dev/sda' is not valid"),
        Arguments.of("-m|51", "-m '51' is not valid: it takes a reserved-blocks percentage"),
        Arguments.of("-i|512", "-i '512' is not valid"),
        Arguments.of("-I|100", "-I '100' is not valid"),
        Arguments.of("-O|has_journal,../x", "('../x') is not valid"),
        Arguments.of("-J|device=/dev/sdb", "-J 'device=/dev/sdb' is not valid: it takes journal"),
        Arguments.of("-T|/etc/passwd", "-T '/etc/passwd' is not valid"),
        Arguments.of("-U|not-a-uuid", "-U 'not-a-uuid' is not valid"),
        Arguments.of("-n", "-n is not allowed: a dry run is harmless, but"),
        Arguments.of("-q", "-q is not allowed"),
        Arguments.of("-c", "-c is not allowed: a bad-blocks scan"),
        Arguments.of("-l|/tmp/bad", "-l is not allowed: it reads a bad-blocks list from a file"),
        Arguments.of("-d|/etc", "-d is not allowed: it copies files"),
        Arguments.of("-z|/tmp/undo", "-z is not allowed: it writes an undo file"),
        Arguments.of("-S", "-S is not allowed: it writes superblocks and group descriptors only"),
        Arguments.of("-t|ext2", "-t is not allowed: the type is the request's type field"),
        Arguments.of("-L|x", "-L is not allowed: the label is the request's label field"),
        Arguments.of("-V", "-V is not allowed"),
        Arguments.of("-v", "-v is not allowed"),
        Arguments.of("-e|panic", "-e is not allowed"),
        Arguments.of("-g|8192", "-g is not allowed"),
        Arguments.of("-G|16", "-G is not allowed"),
        Arguments.of("-o|hurd", "-o is not allowed"),
        Arguments.of("-r|0", "-r is not allowed"),
        Arguments.of("-C|65536", "-C is not allowed"),
        Arguments.of("-M|/mnt", "-M is not allowed"),
        Arguments.of("-x", "-x is not allowed: mke2fs does not know it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void parse_otherOptions_areRefusedNamingTheOptionAndWhatIsAllowed(String given, String words) {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> Mke2fsOptions.parse(entries(given)));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains(words), e.getMessage());
    assertTrue(!e.getMessage().contains("not allowed") || e.getMessage().endsWith(ALLOWED),
        e.getMessage());
  }

  @Test
  void parse_aRefusal_namesTheAllowedOptions() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> Mke2fsOptions.parse(List.of("-Fb4096")));

    assertEquals("mkfs option -F (in '-Fb4096') is not allowed: set force instead: -F more than"
        + " once makes mke2fs write over a mounted device; " + ALLOWED, e.getMessage());
  }

  @Test
  void getopt_isMke2fsOwn_everyLetterIsAllowedOrRefusedWithAReason() {
    for (char flag : Mke2fsOptions.GETOPT.replace(":", "").toCharArray()) {
      RaidvmException e = null;
      try {
        Mke2fsOptions.parse(List.of("-" + flag, "4096"));
      } catch (RaidvmException refused) {
        e = refused;
      }
      assertTrue(e == null || !e.getMessage().contains("does not know"), "-" + flag);
    }
  }

  private static List<String> entries(String joined) {
    return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\\|", -1));
  }
}
