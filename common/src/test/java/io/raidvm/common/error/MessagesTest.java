package io.raidvm.common.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MessagesTest {

  @Test
  void readable_dropsColourCursorAndTitleSequences() {
    String console = "\u001B[0;32m  OK  \u001B[0m Started \u001B[1mudev\u001B[0m.\u001B[K\n"
        + "\u001B]0;root@guest\u0007login: \u001B(B\u001B=\u009B2J";
    assertEquals("OK   Started udev.\nlogin:", Messages.readable(console));
  }

  @Test
  void readable_dropsControlCharacters_keepsLinesAndTurnsTabsIntoSpaces() {
    assertEquals("a b\nc\nd", Messages.readable("a\tb\u0000\u0007\r\nc\rd\u007F\u0085"));
  }

  @Test
  void readable_keepsTheStartAndEndOfALongMessage_within2KiB() {
    String text = "start " + "x".repeat(10_000) + " end";
    String r = Messages.readable(text);
    assertEquals(Messages.MAX_CHARS, r.length());
    assertTrue(r.startsWith("start xxx"), r);
    assertTrue(r.endsWith("xxx end"), r);
    assertTrue(r.contains(" […] "), r);
  }

  @Test
  void lastLines_quotesTheLastLinesOfAToolsOutput_markingWhatWasLeftOut() {
    String stderr = IntStream.rangeClosed(1, 30).mapToObj(i -> "line " + i)
        .collect(Collectors.joining("\n", "", "\n\n"));
    assertEquals("[…]\nline 28\nline 29\nline 30", Messages.lastLines(stderr, 3));
    assertEquals("only", Messages.lastLines("\u001B[31monly\u001B[0m\n", 3));
  }

  @Test
  void toolException_quotesOnlyTheLastTenLinesOfStderr() {
    String stderr = IntStream.rangeClosed(1, 50).mapToObj(i -> "qemu: warning " + i)
        .collect(Collectors.joining("\n"));
    ToolException e = new ToolException(RaidvmException.Kind.FAILED_PRECONDITION,
        List.of("qemu-img", "create"), 1, stderr);
    assertTrue(e.getMessage().startsWith("qemu-img failed (exit 1): […]\nqemu: warning 41\n"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("qemu: warning 50 [command: qemu-img create]"),
        e.getMessage());
    assertEquals(stderr, e.stderr());
  }
}
