package io.raidvm.controller;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.logging.JournalLogging;
import java.io.IOException;

/**
 * {@code java -jar raidvm-controller.jar [--state-dir DIR] [--image-dir DIR] [--socket PATH]
 * [--listen HOST:PORT --tls-cert FILE --tls-key FILE --tls-client-ca FILE]
 * [--metrics-listen HOST:PORT]}.
 */
public final class HostControllerMain {

  private HostControllerMain() {}

  public static void main(String[] args) throws Exception {
    // Under systemd: one journal line per log line, with its level (JournalLogging).
    JournalLogging.installIfJournal();
    ControllerOptions options;
    try {
      options = ControllerOptions.parse(args);
    } catch (ControllerOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("raidvm-controller: " + e.getMessage());
      }
      System.err.println(ControllerOptions.USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    HostControllerServer server;
    try {
      server = new HostControllerServer(options);
    } catch (RaidvmException e) {
      System.err.println("raidvm-controller: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      server.start();
    } catch (IOException | RaidvmException e) {
      server.stop();
      System.err.println("raidvm-controller: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "controller-shutdown"));
    server.blockUntilShutdown();
  }
}
