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
    return new ArraySpec(level, chunk, metadata, layout, bitmap(level, request.getBitmap()));
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
