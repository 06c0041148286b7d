package io.raidvm.agent.testing;

import io.raidvm.agent.power.AgentRestarter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Records, in order, how the agent tried to end its process, instead of ending it. A held one
 * ({@link #held}) lets nothing be recorded until the test {@link #release}s it, so a test can
 * look at what happened before the end without racing it.
 */
public final class RecordingExit implements AgentRestarter.ProcessExit {

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Thread> enders = new CopyOnWriteArrayList<>();
  private final CountDownLatch gate;

  public RecordingExit() {
    this(new CountDownLatch(0));
  }

  private RecordingExit(CountDownLatch gate) {
    this.gate = gate;
  }

  /** One whose events wait for {@link #release}. */
  public static RecordingExit held() {
    return new RecordingExit(new CountDownLatch(1));
  }

  public void release() {
    gate.countDown();
  }

  @Override
  public void exit(int status) {
    add("exit " + status);
  }

  @Override
  public void halt(int status) {
    add("halt " + status);
  }

  /** Lets the test record its own events among the exits (such as "stop server"). */
  public void record(String event) {
    add(event);
  }

  private void add(String event) {
    enders.add(Thread.currentThread());
    try {
      if (!gate.await(5, TimeUnit.SECONDS)) {
        throw new AssertionError("\"" + event + "\" waited 5 s for release: was it called"
            + " on the test's own thread?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted before \"" + event + "\"", e);
    }
    events.add(event);
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  /** Waits up to five seconds until {@code count} events have happened. */
  public List<String> awaitEvents(int count) throws InterruptedException {
    for (int i = 0; i < 500 && events.size() < count; i++) {
      Thread.sleep(10);
    }
    return events();
  }

  /**
   * Waits up to five seconds for every thread that recorded an event to end, so that nothing
   * more can come from them; then the events.
   */
  public List<String> awaitEndersDone() throws InterruptedException {
    for (Thread ender : enders) {
      ender.join(5000);
      if (ender.isAlive()) {
        throw new AssertionError(ender.getName() + " still runs after 5 s");
      }
    }
    return events();
  }
}
