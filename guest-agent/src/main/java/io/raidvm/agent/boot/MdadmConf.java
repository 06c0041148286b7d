package io.raidvm.agent.boot;

import io.raidvm.common.error.RaidvmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits mdadm.conf(5) text: an array's ARRAY entry (with its continuation lines) is replaced by
 * the line mdadm prints for it, or appended; an entry for the same device with another UUID is
 * refused unless asked to replace it; everything else stays byte for byte.
 */
final class MdadmConf {

  private static final Pattern UUID = Pattern.compile("(?i)(?:^|\\s)uuid=([0-9a-f:.-]+)");

  private MdadmConf() {}

  /**
   * The entry {@code mdadm --detail --scan} prints for one array ({@code ARRAY /dev/md127 …},
   * with its continuation lines when there are any); empty when it lists no such array.
   */
  static Optional<String> scanEntry(String scanOutput, String arrayName) {
    return TextEntries.split(scanOutput, true).stream()
        .filter(entry -> isArrayLine(entry) && device(entry).equals("/dev/" + arrayName))
        .findFirst()
        .map(String::strip);
  }

  /** The device names of the ARRAY entries ("/dev/md127", "/dev/md/data"), in order. */
  static List<String> arrayDevices(String text) {
    return TextEntries.split(text, true).stream()
        .filter(MdadmConf::isArrayLine)
        .map(MdadmConf::device)
        .toList();
  }

  /**
   * The array's entry in place of the entries for the same array (by UUID), or appended.
   *
   * @param scanLines the array's entry from {@code mdadm --detail --scan} (ARRAY …)
   * @param sameDevice device names that are the array's device now ("/dev/md/data" when that
   *     links to it; the entry's own name always is); an entry for one of them with another UUID
   *     is stale: it describes an array that is no longer there
   * @param replaceStale whether stale entries go too; otherwise they are refused
   * @throws RaidvmException FAILED_PRECONDITION naming the stale entries and what to do
   */
  static TextEntries.Edit withArray(String text, String scanLines, Set<String> sameDevice,
      boolean replaceStale) {
    String entry = scanLines.strip();
    String uuid = uuid(entry).orElseThrow(() -> RaidvmException.internal(
        "mdadm printed no UUID for the array: " + entry, null));
    String device = device(entry);
    Predicate<String> sameArray = e -> isArrayLine(e) && uuid(e).filter(uuid::equals).isPresent();
    Predicate<String> stale = e -> isArrayLine(e) && !sameArray.test(e)
        && (device(e).equals(device) || sameDevice.contains(device(e)));
    List<String> staleEntries = TextEntries.split(text, true).stream().filter(stale)
        .map(String::strip).toList();
    if (!staleEntries.isEmpty() && !replaceStale) {
      throw RaidvmException.failedPrecondition("mdadm.conf names %s with another UUID than the"
          + " array's: '%s'. That line describes an array that is no longer there; the array's"
          + " own line is '%s'. Remove that line, or persist again with replace_stale (raidctl"
          + " raid persist --replace-stale) to put the array's line in its place", device,
          String.join("', '", staleEntries), entry);
    }
    return TextEntries.replaceOrAppend(text, true, sameArray.or(stale), entry);
  }

  /** The ARRAY entries (stripped) for the array with this UUID (any punctuation). */
  static List<String> entriesFor(String text, String uuid) {
    return TextEntries.split(text, true).stream().filter(e -> isFor(e, uuid)).map(String::strip)
        .toList();
  }

  /** The text without the array's ARRAY entries (and their continuation lines). */
  static TextEntries.Edit without(String text, String uuid) {
    return TextEntries.remove(text, true, e -> isFor(e, uuid));
  }

  private static boolean isFor(String entry, String uuid) {
    String wanted = uuid.toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "");
    return isArrayLine(entry) && uuid(entry).filter(wanted::equals).isPresent();
  }

  /** The array UUID of an entry, normalised (lower case, hex digits only). */
  static Optional<String> uuid(String entry) {
    Matcher m = UUID.matcher(withoutComments(entry));
    return m.find()
        ? Optional.of(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", ""))
        : Optional.empty();
  }

  /** The keyword ARRAY, which mdadm.conf lets one shorten to its first three letters or more. */
  private static boolean isArrayLine(String entry) {
    String first = words(entry)[0].toLowerCase(Locale.ROOT);
    return first.length() >= 3 && "array".startsWith(first);
  }

  /** The device an entry names (its second word), or "" when it names none. */
  private static String device(String entry) {
    String[] words = words(withoutComments(entry));
    return words.length > 1 ? words[1] : "";
  }

  private static String[] words(String entry) {
    return entry.strip().split("\\s+");
  }

  private static String withoutComments(String entry) {
    return entry.replaceAll("#[^\n]*", "");
  }
}
