package io.raidvm.controller.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The guest's serial console, as QEMU appends it to a file. */
final class ConsoleLog {

  private static final int MAX_BYTES = 64 * 1024;

  private ConsoleLog() {}

  /** The last {@code lines} lines, or a note saying there are none. */
  static String tail(Path log, int lines) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(log);
    } catch (IOException e) {
      return "(no console output: " + log + " cannot be read)";
    }
    int from = Math.max(0, bytes.length - MAX_BYTES);
    List<String> all = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8)
        .replace("\r", "").lines().toList();
    if (all.isEmpty()) {
      return "(the guest printed nothing on its console)";
    }
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
