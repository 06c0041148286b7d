package io.raidvm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine;

/** raidctl run as a user runs it, pointed at a stand-in's socket, its output captured. */
public final class Raidctl {

  private final Path socket;
  public final StringWriter out = new StringWriter();
  public final StringWriter err = new StringWriter();

  public Raidctl(Path socket) {
    this.socket = socket;
  }

  public int run(String... args) {
    CommandLine cli = RaidctlMain.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(Stream.concat(Stream.of(args), Stream.of("--socket", socket.toString()))
        .toArray(String[]::new));
  }
}
