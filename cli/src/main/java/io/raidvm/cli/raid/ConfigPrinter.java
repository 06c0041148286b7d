package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.ConfigChange;
import io.raidvm.cli.support.Printer;

/** What a configuration edit did. */
public final class ConfigPrinter {

  private ConfigPrinter() {}

  public static void print(Printer printer, ConfigChange c) {
    if (c.getChanged()) {
      printer.line(c.getPath() + ": wrote " + c.getLine() + (c.getBackupPath().isEmpty() ? ""
          : " (previous version: " + c.getBackupPath() + ")"));
      c.getReplacedLinesList().forEach(line -> printer.line("  replaced: " + line));
    } else {
      printer.line(c.getPath() + ": already says " + c.getLine());
    }
  }
}
