package io.raidvm.agent.md;

import io.raidvm.agent.device.Blkid;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The md superblock on one device, from mdadm 4.2's {@code --examine --export} with the human
 * {@code --examine} for what the export leaves out (role, state, version).
 *
 * @param role the slot ("Active device 2", "Replacement device 2"); -1 for a spare
 * @param state the superblock's State line: "clean", "active", …
 * @param arrayState the members as this superblock last saw them: "AAA." ('A' active, '.'
 *     missing, 'R' replacing)
 */
public record MdadmExamine(String metadata, String arrayUuid, String deviceUuid, String name,
    String level, int raidDevices, int role, long events, String state, String arrayState) {

  private static final Pattern ROLE = Pattern.compile("(?:Active|Replacement) device (\\d+)");

  /** Parses the two outputs of the same device. */
  public static MdadmExamine parse(String export, String human) {
    Map<String, String> keys = Blkid.parse(export);
    Map<String, String> fields = MdadmText.fields(human, "");
    Matcher role = ROLE.matcher(fields.getOrDefault("Device Role", ""));
    return new MdadmExamine(
        keys.getOrDefault("MD_METADATA", fields.getOrDefault("Version", "")),
        keys.getOrDefault("MD_UUID", fields.getOrDefault("Array UUID", "")),
        keys.getOrDefault("MD_DEV_UUID", fields.getOrDefault("Device UUID", "")),
        keys.getOrDefault("MD_NAME", MdadmText.firstWord(fields.get("Name"))),
        keys.getOrDefault("MD_LEVEL", fields.getOrDefault("Raid Level", "")),
        (int) MdadmText.leadingNumber(
            keys.getOrDefault("MD_DEVICES", fields.get("Raid Devices"))),
        role.find() ? Integer.parseInt(role.group(1)) : -1,
        MdadmText.leadingNumber(keys.getOrDefault("MD_EVENTS", fields.get("Events"))),
        fields.getOrDefault("State", ""),
        MdadmText.firstWord(fields.get("Array State")));
  }
}
