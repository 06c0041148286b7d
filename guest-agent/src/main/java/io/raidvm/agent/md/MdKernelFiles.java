package io.raidvm.agent.md;

import io.raidvm.common.error.RaidvmException;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The kernel's md files below a root ("/" in the guest): /proc/mdstat and sysfs. */
public final class MdKernelFiles implements SyncActionWriter {

  private static final List<String> ARRAY_FILES = List.of("array_state", "sync_action",
      "sync_completed", "sync_speed", "degraded", "mismatch_cnt", "level", "raid_disks",
      "chunk_size", "metadata_version", "resync_start", "layout", "uuid", "reshape_position");
  private static final List<String> MEMBER_FILES = List.of("state", "slot", "errors");

  private final Path root;

  public MdKernelFiles(Path root) {
    this.root = root;
  }

  /** The text of /proc/mdstat; "" while md is not loaded (then there are no arrays). */
  public String mdstat() {
    return read(root.resolve("proc/mdstat"), "");
  }

  /** The array's sysfs files, parsed; NOT_FOUND when it has none (no such array). */
  public MdSysfs sysfs(String array) {
    Path dir = mdDir(array);
    if (!Files.isDirectory(dir)) {
      throw RaidvmException.notFound("no array %s: %s does not exist", array, dir);
    }
    Map<String, String> files = new HashMap<>();
    ARRAY_FILES.forEach(name -> put(files, dir, name));
    try (Stream<Path> entries = Files.list(dir)) {
      entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dev-"))
          .forEach(dev -> MEMBER_FILES.forEach(name -> put(files, dir, dev + "/" + name)));
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return MdSysfs.parse(files);
  }

  /** md/uuid ("8e4b54d6-cb8e-…"); empty when the kernel has no such file or array. */
  public Optional<String> uuid(String array) {
    return Optional.ofNullable(read(mdDir(array).resolve("uuid"), null)).map(String::strip)
        .filter(u -> !u.isEmpty());
  }

  @Override
  public void writeSyncAction(String array, String action) {
    write(array, "sync_action", action);
  }

  /**
   * The array's sync_speed_max in KiB/s; 0 writes "system", after which the array follows
   * /proc/sys/dev/raid/speed_limit_max again (md refuses a written 0).
   */
  public void writeSyncSpeedMax(String array, long kibPerS) {
    write(array, "sync_speed_max", kibPerS == 0 ? "system" : Long.toString(kibPerS));
  }

  /**
   * Each member's data offset and the one a reshape moves it to (dev-NAME/offset and
   * new_offset, in sectors), for the members that have both.
   */
  public List<ReshapeWindow.MemberOffsets> memberOffsets(String array) {
    Path dir = mdDir(array);
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("dev-")).sorted()
          .flatMap(dev -> {
            String offset = read(dev.resolve("offset"), "").strip();
            String moved = read(dev.resolve("new_offset"), "").strip();
            return MdSysfs.digits(offset) && MdSysfs.digits(moved)
                ? Stream.of(new ReshapeWindow.MemberOffsets(
                    dev.getFileName().toString().substring("dev-".length()),
                    Long.parseLong(offset), Long.parseLong(moved)))
                : Stream.empty();
          }).toList();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * What a reshape's window needs to know, read from three files only (it is read several times
   * a second): sync_action, sync_completed and reshape_position; the rest as absent.
   */
  public MdSysfs reshapeState(String array) {
    Path dir = mdDir(array);
    Map<String, String> files = new HashMap<>();
    List.of("array_state", "sync_action", "sync_completed", "reshape_position")
        .forEach(name -> put(files, dir, name));
    return MdSysfs.parse(files);
  }

  /**
   * The {@link ReshapeWindow#unit} of the reshape under way: from chunk_size, which reads "new
   * (old)" while the chunk changes.
   */
  public long reshapeUnit(String array) {
    String[] chunks = read(mdDir(array).resolve("chunk_size"), "0").replaceAll("[()]", " ")
        .strip().split("\\s+");
    long after = MdSysfs.digits(chunks[0]) ? Long.parseLong(chunks[0]) : 0;
    long before = chunks.length > 1 && MdSysfs.digits(chunks[1]) ? Long.parseLong(chunks[1])
        : after;
    return ReshapeWindow.unit(before, after);
  }

  /** md's sync_max: a sector md does not sync or reshape past; empty when it says "max". */
  public Optional<Long> syncMax(String array) {
    String text = read(mdDir(array).resolve("sync_max"), "max").strip();
    return MdSysfs.digits(text) ? Optional.of(Long.parseLong(text)) : Optional.empty();
  }

  /**
   * Writes sync_max: a multiple of the chunk, and while md syncs or reshapes read-write not
   * below the value it has (md says EBUSY); empty writes "max", which lets md run to the end.
   */
  public void writeSyncMax(String array, Optional<Long> sectors) {
    write(array, "sync_max", sectors.map(String::valueOf).orElse("max"));
  }

  /** Writes a member's state file (dev-NAME/state): "writemostly", "-writemostly", … */
  public void writeMemberState(String array, String member, String value) {
    write(array, "dev-" + member + "/state", value);
  }

  /** Writes one md attribute the way {@code echo} would; the file must exist (sysfs's do). */
  private void write(String array, String attribute, String value) {
    Path file = mdDir(array).resolve(attribute);
    try {
      Files.writeString(file, value + "\n", StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot write '%s' to %s: %s", value, file,
          e.getMessage());
    }
  }

  private Path mdDir(String array) {
    return root.resolve("sys/block").resolve(array).resolve("md");
  }

  private static void put(Map<String, String> files, Path dir, String name) {
    String text = read(dir.resolve(name), null);
    if (text != null) {
      files.put(name, text);
    }
  }

  /**
   * The file's text. Through {@link FileInputStream}, not {@code Files.readString}: a status call
   * reads some thirty of these small files, and the stream costs a JVM that still interprets
   * (the agent runs C1 only, under TCG) several times less per file.
   */
  private static String read(Path file, String absent) {
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      if (!Files.exists(file)) {
        return absent;
      }
      throw RaidvmException.internal("cannot read " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
