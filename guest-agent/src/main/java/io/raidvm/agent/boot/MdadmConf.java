package io.raidvm.agent.boot;

import io.raidvm.common.error.RaidvmException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits mdadm.conf(5) text: an array's ARRAY entry (with its continuation lines) is replaced by
 * the line mdadm prints for it, or appended; everything else stays byte for byte.
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
        .filter(entry -> isArrayLine(entry) && words(entry).length > 1
            && words(entry)[1].equals("/dev/" + arrayName))
        .findFirst()
        .map(String::strip);
  }

  /**
   * @param scanLines the array's entry from {@code mdadm --detail --scan} (ARRAY …)
   * @return the new text; the same text when it already says this
   */
  static TextEntries.Edit withArray(String text, String scanLines) {
    String uuid = uuid(scanLines).orElseThrow(() -> RaidvmException.internal(
        "mdadm printed no UUID for the array: " + scanLines.strip(), null));
    return TextEntries.replaceOrAppend(text, true,
        entry -> isArrayLine(entry) && uuid(entry).filter(uuid::equals).isPresent(),
        scanLines.strip());
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

  private static String[] words(String entry) {
    return entry.strip().split("\\s+");
  }

  private static String withoutComments(String entry) {
    return entry.replaceAll("#[^\n]*", "");
  }
}
