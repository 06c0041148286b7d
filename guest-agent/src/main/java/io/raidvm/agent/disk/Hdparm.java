package io.raidvm.agent.disk;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code hdparm -Tt}: how the agent asks for read timings, and the pure parser of its answer. */
final class Hdparm {

  /** -T and -t read for about 2 and 3 seconds each; slow (emulated) disks take longer. */
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  /** " Timing cached reads:   9876 MB in  2.00 seconds = 4938.12 MB/sec". */
  private static final Pattern TIMING = Pattern.compile(
      "^\\s*Timing (cached|buffer-cache|buffered disk) reads:.*="
          + "\\s*([0-9.]+)\\s*([kKMG])B/s(?:ec)?",
      Pattern.MULTILINE);

  record Timings(double cachedMbPerS, double bufferedMbPerS) {}

  private Hdparm() {}

  static Command timings(Path device) {
    return Command.of("hdparm", "-Tt", device.toString()).withTimeout(TIMEOUT);
  }

  /** Both rates in MB/s (hdparm's MB: 2^20 bytes); kB/s and GB/s are converted. */
  static Timings parse(String stdout) {
    Double cached = null;
    Double buffered = null;
    Matcher m = TIMING.matcher(stdout);
    while (m.find()) {
      double rate = Double.parseDouble(m.group(2)) * switch (m.group(3).toUpperCase(Locale.ROOT)) {
        case "K" -> 1.0 / 1024;
        case "G" -> 1024.0;
        default -> 1.0;
      };
      if (m.group(1).equals("buffered disk")) {
        buffered = rate;
      } else {
        cached = rate;
      }
    }
    if (cached == null || buffered == null) {
      throw RaidvmException.internal("hdparm printed no cached and buffered read timings: "
          + stdout.strip(), null);
    }
    return new Timings(cached, buffered);
  }
}
