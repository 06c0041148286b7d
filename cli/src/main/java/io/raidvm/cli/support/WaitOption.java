package io.raidvm.cli.support;

import picocli.CommandLine.Option;

/** --no-wait, on the commands that start a long operation (it is followed to its end else). */
public final class WaitOption {

  @Option(names = "--no-wait", description = "Return once the operation has started.")
  boolean noWait;
}
