package io.raidvm.agent.info;

import io.raidvm.api.agent.v1.ToolVersion;
import io.raidvm.common.process.Command;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The storage tools whose versions GetInfo reports, how to ask each one, and the pure parser of
 * its answer. The tools disagree on where they print it: mdadm and mke2fs on stderr, parted on
 * stdout; the parsers take both streams together.
 */
enum Tool {
  /** {@code mdadm - v4.2 - 2021-12-30 - Debian 4.2-5}. */
  MDADM("mdadm", "^mdadm - v(\\S+)", "mdadm", "--version"),
  /** {@code parted (GNU parted) 3.5}. */
  PARTED("parted", "^parted \\(GNU parted\\) (\\S+)", "parted", "--version"),
  /** {@code mke2fs 1.47.0 (5-Feb-2023)}: mke2fs speaks for its package, e2fsprogs. */
  E2FSPROGS("e2fsprogs", "^mke2fs (\\S+)", "mke2fs", "-V");

  private final String displayName;
  private final Pattern versionLine;
  private final Command command;

  Tool(String displayName, String versionLine, String... argv) {
    this.displayName = displayName;
    this.versionLine = Pattern.compile(versionLine);
    this.command = Command.of(argv).withTimeout(Duration.ofSeconds(10));
  }

  Command command() {
    return command;
  }

  /**
   * The version in the tool's output: the first line that looks like this tool's version line.
   * When none does, the version is empty and {@code raw} is the first line the tool printed.
   */
  ToolVersion parse(String output) {
    String firstLine = "";
    for (String line : output.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher matcher = versionLine.matcher(line.strip());
      if (matcher.find()) {
        return version(matcher.group(1), line.strip());
      }
      if (firstLine.isEmpty()) {
        firstLine = line.strip();
      }
    }
    return version("", firstLine);
  }

  /** What GetInfo reports for a tool that is not installed. */
  ToolVersion missing() {
    return version("", "");
  }

  private ToolVersion version(String version, String raw) {
    return ToolVersion.newBuilder().setName(displayName).setVersion(version).setRaw(raw).build();
  }
}
