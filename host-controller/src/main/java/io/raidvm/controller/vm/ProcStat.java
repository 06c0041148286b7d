package io.raidvm.controller.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the kernel shows of a process in {@code /proc/<pid>/stat} (proc(5)): its state, its start
 * time in clock ticks after boot (which tells a recycled pid from the process it was), and — once
 * it has ended and until its parent reaps it (state Z) — its exit status in waitpid(2) form (the
 * last field, since Linux 3.5).
 */
record ProcStat(long pid, char state, long startTicks, OptionalInt exitStatus) {

  /** A zombie: ended, not yet reaped; its exit status can still be read. */
  boolean zombie() {
    return state == 'Z';
  }

  /** The process's stat line, if it still has one. */
  static Optional<ProcStat> read(long pid) {
    try {
      return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
          StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Parses one stat line; empty when it is not one. The command name may hold spaces and ')'. */
  static Optional<ProcStat> parse(String line) {
    int open = line.indexOf(" (");
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      return Optional.empty();
    }
    // After "pid (comm) " come fields 3 (state) onwards: field n is at index n - 3.
    String[] f = line.substring(close + 1).strip().split(" ");
    try {
      long pid = Long.parseLong(line.substring(0, open).strip());
      if (f.length < 20 || f[0].length() != 1) {
        return Optional.empty();
      }
      OptionalInt exit = f.length >= 50 ? OptionalInt.of(Integer.parseInt(f[49]))
          : OptionalInt.empty();
      return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[19]), exit));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
