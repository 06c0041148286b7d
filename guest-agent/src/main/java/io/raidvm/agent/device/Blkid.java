package io.raidvm.agent.device;

import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code blkid -p} (low-level probe, no cache) finds on a device: a filesystem, a raid
 * superblock, a partition table. blkid(8): exit 0 found, 2 nothing found, 8 ambivalent (several
 * signatures that contradict each other).
 */
public final class Blkid {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int NOTHING_FOUND = 2;
  private static final int AMBIVALENT = 8;

  /**
   * What was found. A partition's own table entry ({@code PART_ENTRY_*}) is not a signature of
   * its content.
   */
  public record Probe(Map<String, String> values, boolean ambivalent) {

    public Probe {
      values = Map.copyOf(values);
    }

    public String get(String key) {
      return values.getOrDefault(key, "");
    }

    public boolean hasSignature() {
      return ambivalent || !get("TYPE").isEmpty() || !get("PTTYPE").isEmpty();
    }

    /** "an ext4 filesystem", "a gpt partition table", … for messages. */
    public String describe() {
      if (ambivalent) {
        return "several contradicting signatures (see wipefs -n)";
      }
      String content = get("TYPE").isEmpty() ? "" : article(get("TYPE")) + " " + get("TYPE")
          + (get("USAGE").isEmpty() ? " signature" : " " + get("USAGE") + " signature");
      String table = get("PTTYPE").isEmpty() ? ""
          : article(get("PTTYPE")) + " " + get("PTTYPE") + " partition table";
      return content.isEmpty() ? table : table.isEmpty() ? content : table + " and " + content;
    }

    private static String article(String word) {
      return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
    }
  }

  private Blkid() {}

  private static Command command(Path device) {
    return Command.of("blkid", "-p", "-o", "export", device.toString()).withTimeout(TIMEOUT);
  }

  public static Probe probe(CommandRunner runner, Path device) {
    CommandResult result = runner.run(command(device));
    return switch (result.exitCode()) {
      case 0 -> new Probe(parse(result.stdout()), false);
      case NOTHING_FOUND -> new Probe(Map.of(), false);
      case AMBIVALENT -> new Probe(parse(result.stdout()), true);
      default -> throw new ToolException(Kind.FAILED_PRECONDITION, result.argv(),
          result.exitCode(), result.stderr());
    };
  }

  /**
   * {@code KEY=value} lines, in order. blkid escapes characters the shell would read in values
   * with a backslash ({@code LABEL=my\ data}); this undoes that.
   */
  public static Map<String, String> parse(String export) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : export.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("\\\\(.)", "$1"));
      }
    }
    return values;
  }
}
