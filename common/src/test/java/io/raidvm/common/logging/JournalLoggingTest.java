package io.raidvm.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JournalLoggingTest {

  private static String format(Level level, String message, Throwable thrown) {
    LogRecord record = new LogRecord(level, message);
    record.setLoggerName("io.raidvm.controller.HostControllerServer");
    record.setThrown(thrown);
    return new JournalLogging.Format().format(record);
  }

  @Test
  void eachLevel_getsTheSyslogPriorityTheJournalReads() {
    assertEquals("<3>HostControllerServer: boom\n", format(Level.SEVERE, "boom", null));
    assertEquals("<4>HostControllerServer: hm\n", format(Level.WARNING, "hm", null));
    assertEquals("<6>HostControllerServer: up\n", format(Level.INFO, "up", null));
    assertEquals("<6>HostControllerServer: set\n", format(Level.CONFIG, "set", null));
    assertEquals("<7>HostControllerServer: detail\n", format(Level.FINE, "detail", null));
  }

  @Test
  void aStackTraceAndAMessageOfSeveralLines_haveThePrefixOnEveryLine() {
    List<String> lines = format(Level.SEVERE, "first\nsecond",
        new IllegalStateException("a bug")).lines().toList();
    assertEquals("<3>HostControllerServer: first", lines.get(0));
    assertEquals("<3>second", lines.get(1));
    assertEquals("<3>java.lang.IllegalStateException: a bug", lines.get(2));
    assertTrue(lines.size() > 3, "the trace's frames");
    assertTrue(lines.stream().allMatch(l -> l.startsWith("<3>")), lines::toString);
  }

  @Test
  void journalStream_mustNameStderrsDeviceAndInode() {
    assertTrue(JournalLogging.names("8:1234", 8L, 1234L));
    assertFalse(JournalLogging.names("8:1234", 8L, 1235L));
    assertFalse(JournalLogging.names("", 8L, 1234L));
  }
}
