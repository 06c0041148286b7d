package io.raidvm.agent.md;

import io.raidvm.common.error.RaidvmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * /proc/mdstat as kernel 6.1 writes it (md.c {@code md_seq_show}), parsed by a pure function.
 *
 * @param personalities the loaded md personalities ("raid5", "raid1", …)
 * @param arrays every array the kernel knows, active or not, in mdstat's order
 */
public record Mdstat(List<String> personalities, List<MdstatArray> arrays) {

  private static final Pattern PERSONALITY = Pattern.compile("\\[([^\\]]+)]");
  /**
   * "broken" is a running array too: kernel 6.12 (trixie) prints it in place of "active" once md
   * has marked the array broken (a RAID 1 refused to fail its last working member, 16-errors of
   * fixtures/guest-trixie); 6.1 printed "active" for the same array.
   */
  private static final Pattern HEADER = Pattern.compile("(\\S+) : (active|inactive|broken)\\b(.*)");
  private static final Pattern MEMBER = Pattern.compile("(\\S+)\\[(\\d+)]((?:\\([WJFSR]\\))*)");
  private static final Pattern BLOCKS = Pattern.compile("^(\\d+) blocks");
  private static final Pattern SUPER = Pattern.compile("\\bsuper (\\S+)");
  private static final Pattern CHUNK = Pattern.compile("\\b(\\d+)[kK] chunks?\\b");
  private static final Pattern ALGORITHM = Pattern.compile("\\balgorithm (\\d+)");
  private static final Pattern DISKS = Pattern.compile("\\[(\\d+)/(\\d+)] \\[([U_]+)]");
  private static final Pattern PROGRESS = Pattern.compile(
      "\\b(resync|recovery|check|repair|reshape)\\s*=\\s*(\\d+(?:\\.\\d+)?)%\\s*"
          + "\\((\\d+)/(\\d+)\\)\\s*finish=(\\d+(?:\\.\\d+)?)min\\s*speed=(\\d+)K/sec");

  public Mdstat {
    personalities = List.copyOf(personalities);
    arrays = List.copyOf(arrays);
  }

  public Optional<MdstatArray> array(String name) {
    return arrays.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** Parses the text of /proc/mdstat. */
  public static Mdstat parse(String text) {
    List<String> personalities = new ArrayList<>();
    List<MdstatArray> arrays = new ArrayList<>();
    Matcher header = null;
    List<String> details = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = HEADER.matcher(line);
      if (m.matches()) {
        if (header != null) {
          arrays.add(array(header, details));
        }
        header = m;
        details = new ArrayList<>();
      } else if (line.startsWith("Personalities :")) {
        PERSONALITY.matcher(line).results().forEach(r -> personalities.add(r.group(1)));
      } else if (header != null && line.startsWith(" ") && !line.isBlank()) {
        details.add(line.strip());
      }
    }
    if (header != null) {
      arrays.add(array(header, details));
    }
    return new Mdstat(personalities, arrays);
  }

  private static MdstatArray array(Matcher header, List<String> details) {
    String name = header.group(1);
    boolean active = !header.group(2).equals("inactive");
    String readOnly = "";
    String level = "";
    List<MdstatMember> members = new ArrayList<>();
    for (String word : header.group(3).strip().split("\\s+")) {
      Matcher member = MEMBER.matcher(word);
      if (word.isEmpty()) {
        continue;
      } else if (member.matches()) {
        members.add(new MdstatMember(member.group(1), Integer.parseInt(member.group(2)),
            flags(member.group(3))));
      } else if (word.equals("(read-only)") || word.equals("(auto-read-only)")) {
        readOnly = word.substring(1, word.length() - 1);
      } else if (active && level.isEmpty()) {
        level = word;
      } else {
        throw unreadable(name, word);
      }
    }
    String status = details.isEmpty() ? "" : details.get(0);
    Matcher disks = DISKS.matcher(status);
    boolean hasDisks = disks.find();
    Optional<MdstatProgress> progress = details.stream().map(PROGRESS::matcher)
        .filter(Matcher::find).findFirst().map(Mdstat::progress);
    return new MdstatArray(name, active, readOnly, level, members,
        longOf(BLOCKS, status, 0), group(SUPER, status),
        (int) longOf(CHUNK, status, 0), (int) longOf(ALGORITHM, status, -1),
        hasDisks ? Integer.parseInt(disks.group(1)) : 0,
        hasDisks ? Integer.parseInt(disks.group(2)) : 0,
        hasDisks ? disks.group(3) : "",
        details.stream().filter(d -> d.startsWith("bitmap: ")).findFirst()
            .map(d -> d.substring("bitmap: ".length())).orElse(""),
        progress,
        details.stream().anyMatch(d -> d.equals("resync=DELAYED")),
        details.stream().anyMatch(d -> d.equals("resync=PENDING")));
  }

  private static MdstatProgress progress(Matcher m) {
    return new MdstatProgress(m.group(1), Double.parseDouble(m.group(2)),
        Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Double.parseDouble(m.group(5)),
        Long.parseLong(m.group(6)));
  }

  private static Set<MdstatMember.Flag> flags(String letters) {
    Set<MdstatMember.Flag> flags = EnumSet.noneOf(MdstatMember.Flag.class);
    for (int i = 1; i < letters.length(); i += 3) {
      flags.add(MdstatMember.Flag.of(letters.charAt(i)));
    }
    return flags;
  }

  private static long longOf(Pattern pattern, String text, long absent) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : absent;
  }

  private static String group(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  private static RaidvmException unreadable(String array, String word) {
    return RaidvmException.internal("cannot read /proc/mdstat: unexpected '" + word + "' in the"
        + " line of " + array, null);
  }
}
