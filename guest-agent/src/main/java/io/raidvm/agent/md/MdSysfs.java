package io.raidvm.agent.md;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What {@code /sys/block/NAME/md/} says about an array, parsed from its files' contents by
 * relative name ("array_state", "dev-sdb1/state"). A file that is absent reads as its default:
 * raid0 and linear have no sync_action, degraded or mismatch_cnt.
 *
 * @param syncAction "idle", "resync", "recover", "check", "repair", "reshape", "frozen"; "" when
 *     the level cannot sync
 * @param syncCompleted "done / total" in sectors, "none" or "delayed"
 * @param syncSpeedKibPerS 0 when none runs
 * @param resyncStart the sector a pending resync starts from; "none" when the array is in sync
 * @param layout md's layout number (raid5's algorithm, raid10's copies, raid0's zone layout); 0
 *     when the file is absent
 * @param uuid the array's UUID as the kernel prints it ("ec44b2e5-884e-b3e1-…"); all zeros for an
 *     inactive array, "" when the file is absent
 * @param members the {@code dev-*} folders, sorted by name
 * @param reshapePosition the array sector a reshape has reached; "none" when no reshape is
 *     under way or pending
 *
 * <p>During a reshape md prints "new (old)" in raid_disks, chunk_size and layout; {@code
 * raidDisks}, {@code chunkBytes} and {@code layout} are then the new values, what the array
 * becomes.
 */
public record MdSysfs(String arrayState, String syncAction, String syncCompleted,
    long syncSpeedKibPerS, int degraded, long mismatchCount, String level, int raidDisks,
    long chunkBytes, String metadataVersion, String resyncStart, int layout, String uuid,
    List<Member> members, String reshapePosition) {

  /**
   * One {@code dev-NAME} folder.
   *
   * @param flags its state file: "in_sync", "faulty", "spare", "write_mostly", "replacement", …
   * @param slot its role; -1 when "none"
   */
  public record Member(String name, List<String> flags, int slot, long errors) {
    public Member {
      flags = List.copyOf(flags);
    }

    public boolean has(String flag) {
      return flags.contains(flag);
    }
  }

  /** A sync's position in 512-byte sectors. */
  public record Sectors(long done, long total) {}

  private static final String DEV = "dev-";

  public MdSysfs {
    members = List.copyOf(members);
  }

  /** True while a sync (or a freeze of one) holds the array. */
  public boolean syncing() {
    return !syncAction.isEmpty() && !syncAction.equals("idle");
  }

  /**
   * A reshape is under way or pending: md is moving stripes (sync_action "reshape"), or an
   * interrupted one waits to be continued (reshape_position is a sector, not "none").
   */
  public boolean reshaping() {
    return syncAction.equals("reshape") || !reshapePosition.equals("none");
  }

  /** Sectors done and in total from sync_completed; 0 and 0 when it says "none" or "delayed". */
  public Sectors syncSectors() {
    String[] parts = syncCompleted.split("\\s*/\\s*");
    if (parts.length != 2 || !digits(parts[0]) || !digits(parts[1])) {
      return new Sectors(0, 0);
    }
    return new Sectors(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }

  public Optional<Member> member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** Parses the files' contents (trailing newlines allowed) by path relative to the md folder. */
  public static MdSysfs parse(Map<String, String> files) {
    List<Member> members = new ArrayList<>();
    for (String dev : new TreeSet<>(files.keySet())) {
      if (dev.startsWith(DEV) && dev.endsWith("/state")) {
        String dir = dev.substring(0, dev.length() - "/state".length());
        String slot = value(files, dir + "/slot", "none");
        members.add(new Member(dir.substring(DEV.length()),
            Arrays.stream(value(files, dev, "").split(",")).filter(f -> !f.isEmpty()).toList(),
            digits(slot) ? Integer.parseInt(slot) : -1,
            number(files, dir + "/errors")));
      }
    }
    String speed = value(files, "sync_speed", "none");
    return new MdSysfs(value(files, "array_state", ""), value(files, "sync_action", ""),
        value(files, "sync_completed", "none"),
        digits(speed) ? Long.parseLong(speed) : 0,
        (int) number(files, "degraded"), number(files, "mismatch_cnt"),
        value(files, "level", ""), (int) number(files, "raid_disks"),
        number(files, "chunk_size"), value(files, "metadata_version", ""),
        value(files, "resync_start", "none"), layout(newValue(value(files, "layout", "0"))),
        value(files, "uuid", ""), members, value(files, "reshape_position", "none"));
  }

  /** raid0's single-zone layout reads as -1 (mdadm: "-unknown-"). */
  private static int layout(String text) {
    return digits(text.startsWith("-") ? text.substring(1) : text) ? (int) Long.parseLong(text)
        : 0;
  }

  private static String value(Map<String, String> files, String name, String absent) {
    String text = files.get(name);
    return text == null ? absent : text.strip();
  }

  /** A number file; during a reshape md writes "new (old)" in some: the new one. */
  private static long number(Map<String, String> files, String name) {
    String text = newValue(value(files, name, "0"));
    return digits(text) ? Long.parseLong(text) : 0;
  }

  /** "4 (3)" → "4": what md prints for raid_disks, chunk_size and layout while reshaping. */
  private static String newValue(String text) {
    int space = text.indexOf(' ');
    return space < 0 ? text : text.substring(0, space);
  }

  /**
   * One or more ASCII digits (at most 18, so that it fits a long). Not a regex: a status call
   * parses some forty values, and each {@code String.matches} compiles its pattern anew, which
   * an interpreting JVM under TCG pays for in milliseconds.
   */
  static boolean digits(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
