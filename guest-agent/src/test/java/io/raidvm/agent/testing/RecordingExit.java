package io.raidvm.agent.testing;

import io.raidvm.agent.power.AgentRestarter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records, in order, how the agent tried to end its process, instead of ending it. */
public final class RecordingExit implements AgentRestarter.ProcessExit {

  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void exit(int status) {
    events.add("exit " + status);
  }

  @Override
  public void halt(int status) {
    events.add("halt " + status);
  }

  /** Lets the test record its own events among the exits (such as "stop server"). */
  public void record(String event) {
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
}
