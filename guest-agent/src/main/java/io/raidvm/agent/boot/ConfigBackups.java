package io.raidvm.agent.boot;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Earlier versions of a configuration file, beside it:
 * {@code <name>.raidvm-bak.<yyyyMMdd-HHmmss.SSS>} (UTC), so that names sort by age. Each has the
 * owner, group and mode of the file; only the newest {@link #KEEP} stay.
 */
final class ConfigBackups {

  static final String INFIX = ".raidvm-bak.";
  static final int KEEP = 5;

  private static final Logger LOG = Logger.getLogger(ConfigBackups.class.getName());
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);
  private static final Pattern STAMP_SHAPE = Pattern.compile("\\d{8}-\\d{6}\\.\\d{3}");

  private final Clock clock;

  ConfigBackups(Clock clock) {
    this.clock = clock;
  }

  /**
   * Keeps {@code content} as the newest backup of {@code file}. It is named after now, or a
   * millisecond after the newest backup when that is not earlier (two changes in one
   * millisecond, a clock set back), so that a backup never replaces another.
   *
   * @return the backup
   */
  Path keep(Path file, byte[] content) {
    Instant at = clock.instant();
    List<Path> existing = list(file);
    if (!existing.isEmpty()) {
      Instant newest = Instant.from(STAMP.parse(stamp(file, existing.get(existing.size() - 1))));
      if (!at.isAfter(newest)) {
        at = newest.plusMillis(1);
      }
    }
    Path backup = file.resolveSibling(file.getFileName() + INFIX + STAMP.format(at));
    AtomicFiles.write(backup, content, file);
    return backup;
  }

  /** Deletes all but the newest {@link #KEEP} backups; one that cannot go is only logged. */
  void prune(Path file) {
    List<Path> all = list(file);
    for (Path old : all.subList(0, Math.max(0, all.size() - KEEP))) {
      try {
        Files.deleteIfExists(old);
      } catch (IOException e) {
        LOG.warning("cannot delete the old backup " + old + ": " + e.getMessage());
      }
    }
  }

  /** The backups of {@code file}, oldest first. */
  List<Path> list(Path file) {
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      return siblings
          .filter(p -> p.getFileName().toString().startsWith(file.getFileName() + INFIX)
              && STAMP_SHAPE.matcher(stamp(file, p)).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot list " + file.getParent() + ": " + e.getMessage(),
          e);
    }
  }

  private static String stamp(Path file, Path backup) {
    return backup.getFileName().toString().substring((file.getFileName() + INFIX).length());
  }
}
