package io.raidvm.agent.md;

import io.raidvm.agent.device.Blkid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What mdadm 4.2 says about a running array: {@code mdadm --detail --export} (preferred) plus what
 * only the human {@code mdadm --detail} has (state words, device counts, chunk, layout, size, the
 * state of each device).
 *
 * @param level "raid5"; "" when mdadm names none (inactive array)
 * @param states the State line as words: "clean", "degraded", "recovering", …
 * @param arraySizeKib "Array Size" in KiB; 0 when not shown
 * @param chunkKib "Chunk Size"; 0 when the level has none
 * @param devices every device mdadm lists, in its order
 */
public record MdadmDetail(String level, int raidDevices, String metadata, String uuid,
    String name, List<String> states, long arraySizeKib, int chunkKib, String layout,
    int activeDevices, int workingDevices, int failedDevices, int spareDevices,
    List<Device> devices) {

  /**
   * One device of the array.
   *
   * @param path "/dev/sdb1"
   * @param role its slot; -1 for a spare or faulty device
   * @param states the device table's words: "active", "sync", "spare", "rebuilding", "faulty",
   *     "writemostly", …
   */
  public record Device(String path, int role, List<String> states) {
    public Device {
      states = List.copyOf(states);
    }
  }

  private static final String TABLE = "Number";

  public MdadmDetail {
    states = List.copyOf(states);
    devices = List.copyOf(devices);
  }

  /** Parses the two outputs of the same array. */
  public static MdadmDetail parse(String export, String human) {
    Map<String, String> keys = Blkid.parse(export);
    Map<String, String> fields = MdadmText.fields(human, TABLE);
    return new MdadmDetail(
        keys.getOrDefault("MD_LEVEL", fields.getOrDefault("Raid Level", "")),
        (int) MdadmText.leadingNumber(
            keys.getOrDefault("MD_DEVICES", fields.get("Raid Devices"))),
        keys.getOrDefault("MD_METADATA", fields.getOrDefault("Version", "")),
        keys.getOrDefault("MD_UUID", fields.getOrDefault("UUID", "")),
        keys.getOrDefault("MD_NAME", MdadmText.firstWord(fields.get("Name"))),
        stateWords(fields.getOrDefault("State", "")),
        MdadmText.leadingNumber(fields.get("Array Size")),
        (int) MdadmText.leadingNumber(fields.get("Chunk Size")),
        fields.getOrDefault("Layout", ""),
        (int) MdadmText.leadingNumber(fields.get("Active Devices")),
        (int) MdadmText.leadingNumber(fields.get("Working Devices")),
        (int) MdadmText.leadingNumber(fields.get("Failed Devices")),
        (int) MdadmText.leadingNumber(fields.get("Spare Devices")),
        devices(keys, table(human)));
  }

  /** The State line as words: "clean, degraded, recovering " is [clean, degraded, recovering]. */
  static List<String> stateWords(String line) {
    return Arrays.stream(line.split(",")).map(String::strip).filter(w -> !w.isEmpty()).toList();
  }

  /**
   * The rows of the human table, in its order, with the export's role ({@code
   * MD_DEVICE_<name>_ROLE}: a slot number, or "spare" also for a faulty device); devices only the
   * export names follow.
   */
  private static List<Device> devices(Map<String, String> keys, List<Device> table) {
    Map<String, String> roles = new LinkedHashMap<>();
    keys.forEach((key, value) -> {
      if (key.startsWith("MD_DEVICE_") && key.endsWith("_DEV")) {
        roles.put(value, keys.getOrDefault(key.substring(0, key.length() - 4) + "_ROLE", ""));
      }
    });
    List<Device> devices = new ArrayList<>();
    for (Device row : table) {
      String role = roles.remove(row.path());
      devices.add(role == null ? row : new Device(row.path(), role(role, row.states()),
          row.states()));
    }
    roles.forEach((path, role) -> devices.add(new Device(path, role(role, List.of()), List.of())));
    return devices;
  }

  private static int role(String text, List<String> states) {
    return text.matches("\\d+") && !states.contains("faulty") ? Integer.parseInt(text) : -1;
  }

  /**
   * The rows below "Number Major Minor RaidDevice State" that name a device: {@code 4 8 65 3
   * spare rebuilding /dev/sde1}; an inactive array's table has no State column.
   */
  private static List<Device> table(String human) {
    List<Device> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : human.split("\n")) {
      String[] words = line.strip().split("\\s+");
      if (words[0].equals(TABLE)) {
        inTable = true;
      } else if (inTable && words.length >= 5 && words[words.length - 1].startsWith("/")) {
        rows.add(new Device(words[words.length - 1],
            words[3].matches("\\d+") ? Integer.parseInt(words[3]) : -1,
            Arrays.asList(words).subList(4, words.length - 1)));
      }
    }
    return rows;
  }
}
