package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogTest {

  @TempDir
  Path dir;

  private Path log() {
    return dir.resolve("console.log");
  }

  private static String lines(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i)
        .collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void last_givesTheLastLinesOfALargeLog_andThePositionAtItsEnd() throws IOException {
    Files.writeString(log(), lines(1, 200_000));
    ConsoleLog.Text text = ConsoleLog.last(log(), 3);
    assertEquals("line 199998\nline 199999\nline 200000\n", text.text());
    assertEquals(Files.size(log()), text.next().offset());
  }

  @Test
  void last_readsNoMoreThanTheTailWindow_whenTheLogHasNoLineBreaks() throws IOException {
    Files.writeString(log(), "x".repeat(3 << 20));
    String text = ConsoleLog.last(log(), 50).text();
    assertTrue(text.length() <= ConsoleLog.TAIL_WINDOW_BYTES + 1, "length " + text.length());
  }

  @Test
  void last_ofAJustRotatedLog_takesTheMissingLinesFromTheRotatedFile() throws IOException {
    Files.writeString(dir.resolve("console.log.1"), lines(1, 10));
    Files.writeString(log(), lines(11, 12));
    assertEquals(lines(9, 12), ConsoleLog.last(log(), 4).text());
  }

  @Test
  void last_ofAMissingLog_isEmpty() {
    assertEquals("", ConsoleLog.last(log(), 10).text());
  }

  @Test
  void since_givesCompleteLinesOnly_andFollowsOnAfterRotation() throws IOException {
    Files.writeString(log(), "a\nb\npartial");
    ConsoleLog.Text first = ConsoleLog.since(log(), new ConsoleLog.Position(0));
    assertEquals("a\nb\n", first.text());
    assertEquals(4, first.next().offset());

    Files.writeString(log(), "c\n", StandardOpenOption.TRUNCATE_EXISTING);
    ConsoleLog.Text afterRotation = ConsoleLog.since(log(), first.next());
    assertEquals("c\n", afterRotation.text());
    assertEquals(2, afterRotation.next().offset());
  }

  @Test
  void rotate_belowTheLimit_leavesTheLogAlone() throws IOException {
    Files.writeString(log(), lines(1, 10));
    assertFalse(ConsoleLog.rotate(log(), 1 << 20));
    assertEquals(lines(1, 10), Files.readString(log()));
    assertFalse(Files.exists(dir.resolve("console.log.1")));
  }

  @Test
  void rotate_aboveTheLimit_copiesTheLogAside_andTruncatesIt_soAnAppenderWritesAtTheStart()
      throws IOException {
    Files.writeString(dir.resolve("console.log.1"), "older\n");
    try (var appender = Files.newOutputStream(log(), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      appender.write(lines(1, 1000).getBytes(StandardCharsets.UTF_8));
      appender.flush();
      assertTrue(ConsoleLog.rotate(log(), 1024));
      appender.write("after\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(lines(1, 1000), Files.readString(dir.resolve("console.log.1")));
    assertEquals("after\n", Files.readString(log()));
  }
}
