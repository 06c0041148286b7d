package io.raidvm.cli;

import io.raidvm.cli.support.Confirmation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine;

/** raidctl run as a user runs it, pointed at a stand-in's socket, its output captured. */
public final class Raidctl {

  private final Path socket;
  private final Confirmation.Terminal terminal;
  public final StringWriter out = new StringWriter();
  public final StringWriter err = new StringWriter();

  /** Run from a script: no terminal. */
  public Raidctl(Path socket) {
    this(socket, FakeTerminal.none());
  }

  public Raidctl(Path socket, Confirmation.Terminal terminal) {
    this.socket = socket;
    this.terminal = terminal;
  }

  /** Visits raidctl and each of its commands, groups and leaves. */
  public static void eachCommand(Consumer<CommandLine> visit) {
    walk(RaidctlMain.commandLine(), visit);
  }

  private static void walk(CommandLine command, Consumer<CommandLine> visit) {
    visit.accept(command);
    command.getSubcommands().values().stream().distinct().forEach(sub -> walk(sub, visit));
  }

  /** Runs {@code args} as raidctl's main does: in the tree of the command they name. */
  public int run(String... args) {
    String[] argv = Stream.concat(Stream.of(args), Stream.of("--socket", socket.toString()))
        .toArray(String[]::new);
    CommandLine cli = RaidctlMain.commandLine(new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == Confirmation.class ? cls.cast(new Confirmation(terminal))
            : CommandLine.defaultFactory().create(cls);
      }
    }, argv);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(argv);
  }
}
