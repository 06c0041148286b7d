package io.raidvm.agent;

/** Entry point of the guest agent; systemd runs it as root and restarts it when it ends. */
public final class GuestAgentMain {

  private GuestAgentMain() {}

  public static void main(String[] args) throws Exception {
    AgentOptions options;
    try {
      options = AgentOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    GuestAgentServer server = new GuestAgentServer(options).start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "agent-shutdown"));
    server.blockUntilShutdown();
  }
}
