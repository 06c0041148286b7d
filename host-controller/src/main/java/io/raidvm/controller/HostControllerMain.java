package io.raidvm.controller;

/** {@code java -jar raidvm-controller.jar [--state-dir DIR] [--image-dir DIR] [--socket PATH]}. */
public final class HostControllerMain {

  private HostControllerMain() {}

  public static void main(String[] args) throws Exception {
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
    HostControllerServer server = new HostControllerServer(options);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "controller-shutdown"));
    server.blockUntilShutdown();
  }
}
