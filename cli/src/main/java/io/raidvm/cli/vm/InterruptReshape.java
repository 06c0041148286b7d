package io.raidvm.cli.vm;

import picocli.CommandLine.Option;

/** --interrupt-reshape, on the commands that would cut short a reshape md runs in the guest. */
final class InterruptReshape {

  @Option(names = "--interrupt-reshape", description = "Go ahead even while md reshapes an array"
      + " in the guest (refused without it: a reshape cut short lost data when it went on).")
  boolean interrupt;
}
