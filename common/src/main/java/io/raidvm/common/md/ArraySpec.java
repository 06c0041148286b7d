package io.raidvm.common.md;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.common.error.RaidvmException;
import java.util.List;
import java.util.Set;

/**
 * A create request's array settings, checked: everything that can be judged without looking at
 * the machine.
 *
 * @param chunkKib 0 lets mdadm choose
 * @param layout "" lets mdadm choose
 * @param bitmapInternal true for an internal write-intent bitmap, false for none
 */
public record ArraySpec(RaidLevel level, int chunkKib, String metadata, String layout,
    boolean bitmapInternal) {

  public static final String DEFAULT_METADATA = "1.2";
  private static final Set<String> METADATA = Set.of("1.0", "1.1", "1.2", "0.90");
  private static final int MIN_CHUNK_KIB = 4;
  private static final java.util.regex.Pattern RAID10_LAYOUT =
      java.util.regex.Pattern.compile("([nfo])([0-9]{1,2})");

  /** @throws RaidvmException INVALID_ARGUMENT saying what is wrong and what would do */
  public static ArraySpec of(CreateArrayRequest request) {
    RaidLevel level = RaidLevel.parse(request.getLevel());
    requireDevices(level, request.getDevicesList(), request.getSparesList());
    int chunk = request.getChunkKib();
    if (chunk != 0) {
      requireChunk(level, chunk);
    }
    String metadata = request.getMetadata().isEmpty() ? DEFAULT_METADATA : request.getMetadata();
    if (!METADATA.contains(metadata)) {
      throw RaidvmException.invalidArgument("metadata '%s' is not valid: give 1.0, 1.1, 1.2 or"
          + " 0.90", metadata);
    }
    String layout = request.getLayout();
    if (!layout.isEmpty() && (level == RaidLevel.RAID1 || !layout.matches("[a-z0-9-]+"))) {
      throw RaidvmException.invalidArgument("layout '%s' is not valid for %s", layout, level);
    }
    if (level == RaidLevel.RAID10 && !layout.isEmpty()) {
      requireRaid10Layout(layout, request.getDevicesCount());
    }
    return new ArraySpec(level, chunk, metadata, layout, bitmap(level, request.getBitmap()));
  }

  /**
   * raid10's layout: n (near: copies side by side), f (far: the copies in far-apart halves of
   * each member, striped reads like raid0), o (offset: each stripe repeated, shifted by one
   * member), and the copies of each chunk, from 2 (each chunk once more) up to the member count
   * (mdadm refuses more copies than members).
   */
  private static void requireRaid10Layout(String layout, int devices) {
    java.util.regex.Matcher m = RAID10_LAYOUT.matcher(layout);
    int copies = m.matches() ? Integer.parseInt(m.group(2)) : 0;
    if (copies < 2 || copies > devices) {
      throw RaidvmException.invalidArgument("raid10 layout '%s' is not valid: give n, f or o"
          + " (near, far, offset) and the copies of each chunk, 2 to the device count (%d), e.g."
          + " n2, f2, o2", layout, devices);
    }
  }

  /**
   * A chunk size (KiB) the level can have: a power of two of at least 4 KiB, and none for
   * raid1. INVALID_ARGUMENT otherwise.
   */
  public static void requireChunk(RaidLevel level, int chunkKib) {
    if (!level.hasChunk()) {
      throw RaidvmException.invalidArgument("%s has no chunk size: leave chunk_kib at 0", level);
    }
    if (chunkKib < MIN_CHUNK_KIB || Integer.bitCount(chunkKib) != 1) {
      throw RaidvmException.invalidArgument("chunk size %d KiB is not valid: give a power of two"
          + " of at least %d KiB, e.g. 512", chunkKib, MIN_CHUNK_KIB);
    }
  }

  private static void requireDevices(RaidLevel level, List<String> devices, List<String> spares) {
    if (devices.size() < level.minDevices()) {
      throw RaidvmException.invalidArgument("RAID %d needs at least %d devices, got %d",
          level.number(), level.minDevices(), devices.size());
    }
    if (!spares.isEmpty() && !level.redundant()) {
      throw RaidvmException.invalidArgument("%s cannot have spares: it has no redundancy", level);
    }
  }

  private static boolean bitmap(RaidLevel level, Bitmap bitmap) {
    return switch (bitmap) {
      case BITMAP_INTERNAL -> {
        if (!level.redundant()) {
          throw RaidvmException.invalidArgument("%s has no redundancy, so no write-intent"
              + " bitmap: give BITMAP_NONE", level);
        }
        yield true;
      }
      case BITMAP_NONE -> false;
      default -> throw RaidvmException.invalidArgument("bitmap is missing: give BITMAP_INTERNAL"
          + " or BITMAP_NONE (mdadm would otherwise ask)");
    };
  }
}
