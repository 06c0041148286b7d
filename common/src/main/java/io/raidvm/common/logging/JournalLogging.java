package io.raidvm.common.logging;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging for a process whose stderr is systemd's journal: one journal line per line
 * of a record (a stack trace's too), each prefixed with the syslog priority in the form
 * {@code <N>} that the journal reads (sd-daemon(3), {@code SyslogLevelPrefix=}), so that
 * {@code journalctl -p warning} filters by level. Used only when stderr really is the journal:
 * systemd sets {@code JOURNAL_STREAM} to its device and inode (systemd.exec(5)); a child process
 * that inherits the variable but writes elsewhere keeps the JDK's two-line format.
 */
public final class JournalLogging {

  private static final Path STDERR = Path.of("/proc/self/fd/2");

  private JournalLogging() {}

  /**
   * Makes the root logger write {@link Format} to stderr when stderr is the journal.
   *
   * @return whether it did
   */
  public static boolean installIfJournal() {
    if (!isJournal(System.getenv("JOURNAL_STREAM"))) {
      return false;
    }
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    ConsoleHandler stderr = new ConsoleHandler();
    stderr.setLevel(Level.ALL);
    stderr.setFormatter(new Format());
    root.addHandler(stderr);
    return true;
  }

  private static boolean isJournal(String journalStream) {
    try {
      return journalStream != null && names(journalStream, Files.getAttribute(STDERR, "unix:dev"),
          Files.getAttribute(STDERR, "unix:ino"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code journalStream} ("DEVICE:INODE", both decimal) names this device and inode. */
  static boolean names(String journalStream, Object device, Object inode) {
    return journalStream.equals(device + ":" + inode);
  }

  /** The syslog priority of a level: err, warning, info (CONFIG too) and debug (the rest). */
  static int priority(Level level) {
    int value = level.intValue();
    if (value >= Level.SEVERE.intValue()) {
      return 3;
    }
    if (value >= Level.WARNING.intValue()) {
      return 4;
    }
    return value >= Level.CONFIG.intValue() ? 6 : 7;
  }

  /** {@code <N>Logger: message}, the logger's simple name; every further line prefixed too. */
  public static final class Format extends Formatter {
    @Override
    public String format(LogRecord record) {
      String name = record.getLoggerName() == null ? "" : record.getLoggerName();
      StringBuilder text = new StringBuilder(name.substring(name.lastIndexOf('.') + 1))
          .append(": ").append(formatMessage(record));
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        text.append('\n').append(trace.toString().stripTrailing());
      }
      String prefix = "<" + priority(record.getLevel()) + ">";
      StringBuilder lines = new StringBuilder();
      text.toString().lines().forEach(line -> lines.append(prefix).append(line).append('\n'));
      return lines.toString();
    }
  }
}
