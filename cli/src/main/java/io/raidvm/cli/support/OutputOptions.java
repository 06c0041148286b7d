package io.raidvm.cli.support;

import com.google.protobuf.MessageOrBuilder;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** How results are printed: a table for people, JSON for programs. */
public final class OutputOptions {

  /** The output formats. */
  public enum Format { table, json }

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format = Format.table;

  public boolean json() {
    return format == Format.json;
  }

  /** Prints {@code result} as JSON, or for people as {@code human} does. */
  public <M extends MessageOrBuilder> void print(Printer printer, M result, Consumer<M> human) {
    if (json()) {
      printer.json(result);
    } else {
      human.accept(result);
    }
  }

  /** A line for people about what was done; JSON output says nothing (the exit code does). */
  public void note(Printer printer, String text) {
    if (!json()) {
      printer.line(text);
    }
  }
}
