package io.raidvm.cli.support;

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
}
