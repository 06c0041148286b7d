package io.raidvm.agent.power;

import java.time.Duration;
import java.util.logging.Logger;

/**
 * Ends the agent process on request; systemd ({@code Restart=always}) starts it again. The end
 * comes on a background thread after a short delay, so that the caller's answer gets out first.
 */
public final class AgentRestarter {

  private static final Logger LOG = Logger.getLogger(AgentRestarter.class.getName());

  /** How long the answer to the request gets to reach the host before the process ends. */
  public static final Duration ANSWER_DELAY = Duration.ofMillis(300);

  /** How the agent ends. */
  public enum Mode {
    /** Stop the gRPC server and the bridge, then exit with status 0. */
    GRACEFUL,
    /** Halt the JVM at once with status 1, as a crash or kill -9 would. */
    HARD
  }

  /** The ways a process can end; the real one is {@link Runtime}, tests record the calls. */
  public interface ProcessExit {
    void exit(int status);

    void halt(int status);

    ProcessExit RUNTIME = new ProcessExit() {
      @Override
      public void exit(int status) {
        Runtime.getRuntime().exit(status);
      }

      @Override
      public void halt(int status) {
        Runtime.getRuntime().halt(status);
      }
    };
  }

  private final Runnable stopServer;
  private final ProcessExit exit;
  private final Duration delay;

  /**
   * @param stopServer stops the agent's server and bridge (for {@link Mode#GRACEFUL})
   */
  public AgentRestarter(Runnable stopServer, ProcessExit exit, Duration delay) {
    this.stopServer = stopServer;
    this.exit = exit;
    this.delay = delay;
  }

  /** Schedules the end of the process and returns at once. */
  public void restart(Mode mode) {
    LOG.info("agent restart requested (" + mode + ")");
    Thread ender = new Thread(() -> {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (mode == Mode.HARD) {
        exit.halt(1);
      } else {
        stopServer.run();
        exit.exit(0);
      }
    }, "agent-restart");
    ender.start();
  }
}
