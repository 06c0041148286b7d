package io.raidvm.agent.md;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code mdadm --examine --scan --verbose}: one ARRAY entry for each array whose superblock some
 * device carries — running or not — with its devices on a continuation line. What assembling an
 * array by UUID starts from. Pure.
 *
 * @param entries in mdadm's order
 */
public record ExamineScan(List<Entry> entries) {

  /**
   * One array.
   *
   * @param device the name its superblock asks for, e.g. "/dev/md/127"
   * @param uuid as mdadm prints it ("ec44b2e5:884eb3e1:…")
   * @param raidDevices num-devices: the member slots
   * @param spares spares=: how many of {@code devices} are spares
   * @param devices every device that carries its superblock, e.g. "/dev/sdb1"
   */
  public record Entry(String device, String uuid, String level, int raidDevices, int spares,
      List<String> devices) {
    public Entry {
      devices = List.copyOf(devices);
    }

    /** Devices that can serve a slot: all but the spares. */
    public int memberCount() {
      return Math.max(0, devices.size() - spares);
    }
  }

  public ExamineScan {
    entries = List.copyOf(entries);
  }

  public static ExamineScan parse(String text) {
    List<Entry> entries = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String[] words = lines.get(i).strip().split("\\s+");
      if (!words[0].equals("ARRAY") || words.length < 2) {
        continue;
      }
      Map<String, String> keys = keys(Arrays.asList(words).subList(2, words.length));
      while (i + 1 < lines.size() && lines.get(i + 1).matches("^\\s+\\S.*")) {
        keys.putAll(keys(List.of(lines.get(++i).strip().split("\\s+"))));
      }
      String devices = keys.getOrDefault("devices", "");
      entries.add(new Entry(words[1], keys.getOrDefault("uuid", ""),
          keys.getOrDefault("level", ""), number(keys.get("num-devices")),
          number(keys.get("spares")),
          devices.isEmpty() ? List.of() : List.of(devices.split(","))));
    }
    return new ExamineScan(entries);
  }

  /** The entry for this UUID, whatever its punctuation and case. */
  public Optional<Entry> find(String uuid) {
    String wanted = hex(uuid);
    return entries.stream().filter(e -> hex(e.uuid()).equals(wanted)).findFirst();
  }

  /** A UUID as its hex digits, lower case: mdadm and sysfs punctuate it apart. */
  public static String hex(String uuid) {
    return uuid.replaceAll("[^0-9a-fA-F]", "").toLowerCase(Locale.ROOT);
  }

  private static Map<String, String> keys(List<String> words) {
    Map<String, String> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq > 0) {
        keys.put(w.substring(0, eq), w.substring(eq + 1));
      }
    }
    return keys;
  }

  private static int number(String text) {
    return text != null && text.matches("\\d{1,9}") ? Integer.parseInt(text) : 0;
  }
}
