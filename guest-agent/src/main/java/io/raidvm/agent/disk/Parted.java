package io.raidvm.agent.disk;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The parted calls of the howto (script mode, never a prompt) and the parser of {@code -m}. */
final class Parted {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  /** One partition of {@code parted -m … unit s print}; sectors are logical sectors. */
  record Partition(int number, long startSector, long endSector, long sizeSectors, String fsType,
      String name, String flags) {}

  /** The disk line and the partitions of {@code parted -m … unit s print}. */
  record Table(String device, long sizeSectors, int logicalSectorSize, String label,
      List<Partition> partitions) {

    Partition partition(int number) {
      return partitions.stream().filter(p -> p.number() == number).findFirst()
          .orElseThrow(() -> RaidvmException.internal("parted shows no partition " + number
              + " on " + device, null));
    }
  }

  private Parted() {}

  /**
   * The howto's session in one run: a new GPT label, partition 1 from sector 2048 to the end with
   * the raid flag, then the table in machine form ({@link #parse}) and last whether partition 1
   * is optimally aligned, which parted says only by its status: 0 written and aligned, 1 with
   * nothing on stderr written and not aligned, anything else failed. One run instead of three:
   * every parted run opens the disk for writing, and udev probes the disk again after each.
   */
  static Command labelWithRaidPartition(Path disk) {
    return Command.of("parted", "-m", "-s", "-a", "optimal", disk.toString(), "mklabel", "gpt",
        "unit", "s", "mkpart", "primary", "2048s", "100%", "set", "1", "raid", "on", "print",
        "align-check", "opt", "1").withTimeout(TIMEOUT);
  }

  /**
   * Parses machine output: "BYT;", then "PATH:SIZE:TRANSPORT:LOGICAL:PHYSICAL:LABEL:MODEL:FLAGS;",
   * then "NUMBER:START:END:SIZE:FS:NAME:FLAGS;" per partition, sizes with an "s" suffix.
   */
  static Table parse(String stdout) {
    List<String> lines = stdout.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() < 2 || !lines.get(0).equals("BYT;")) {
      throw unreadable(stdout);
    }
    try {
      String[] disk = fields(lines.get(1), 8, stdout);
      List<Partition> partitions = new ArrayList<>();
      for (String line : lines.subList(2, lines.size())) {
        String[] f = fields(line, 7, stdout);
        partitions.add(new Partition(Integer.parseInt(f[0]), sectors(f[1], stdout),
            sectors(f[2], stdout), sectors(f[3], stdout), f[4], f[5], f[6]));
      }
      return new Table(disk[0], sectors(disk[1], stdout), Integer.parseInt(disk[3]), disk[5],
          partitions);
    } catch (NumberFormatException e) {
      throw unreadable(stdout);
    }
  }

  private static String[] fields(String line, int count, String stdout) {
    if (!line.endsWith(";")) {
      throw unreadable(stdout);
    }
    String[] f = line.substring(0, line.length() - 1).split(":", -1);
    if (f.length < count) {
      throw unreadable(stdout);
    }
    return f;
  }

  private static long sectors(String field, String stdout) {
    if (!field.matches("\\d+s")) {
      throw unreadable(stdout);
    }
    return Long.parseLong(field.substring(0, field.length() - 1));
  }

  private static RaidvmException unreadable(String stdout) {
    return RaidvmException.internal("cannot read parted output: " + stdout.strip(), null);
  }
}
