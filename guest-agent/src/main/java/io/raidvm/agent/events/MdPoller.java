package io.raidvm.agent.events;

import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns md's changes into journal events on one thread: it sleeps in poll(2) on /proc/mdstat and
 * the arrays' pollable sysfs attributes until the kernel changes something, reads the new
 * {@link MdState}, derives the events and publishes them. md does not signal progress, so while a
 * sync runs it also wakes every {@link #SAMPLE_INTERVAL}; otherwise it has no timer at all.
 */
public final class MdPoller {

  private static final Logger LOG = Logger.getLogger(MdPoller.class.getName());

  static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
  static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final Supplier<MdState> reader;
  private final Function<MdState, Set<Path>> pollable;
  private final ChangeSource source;
  private final MdJournal journal;
  private final Thread thread;
  private volatile boolean running;

  /** The guest's: md below {@code root}, watched with poll(2). */
  public MdPoller(Path root, MdJournal journal) {
    this(new MdStateReader(root), new PollingChangeSource(), journal);
  }

  private MdPoller(MdStateReader reader, ChangeSource source, MdJournal journal) {
    this(reader::read, reader::pollable, source, journal);
  }

  MdPoller(Supplier<MdState> reader, Function<MdState, Set<Path>> pollable, ChangeSource source,
      MdJournal journal) {
    this.reader = reader;
    this.pollable = pollable;
    this.source = source;
    this.journal = journal;
    this.thread = new Thread(this::run, "md-poller");
    thread.setDaemon(true);
  }

  /** Reads the current state (what was there before the agent is no event), then follows it. */
  public void start() {
    journal.publish(reader.get(), List.of());
    running = true;
    thread.start();
  }

  /** Ends the thread and closes the watched files. */
  public void stop() throws InterruptedException {
    running = false;
    source.wakeUp();
    thread.join(STOP_WAIT.toMillis());
    if (!thread.isAlive()) {
      source.close();
    }
  }

  private void run() {
    Set<Path> files = pollable.apply(journal.state());
    try {
      while (running) {
        source.watch(files);
        Optional<Duration> timeout = step();
        Set<Path> now = pollable.apply(journal.state());
        if (now.equals(files)) {
          source.await(timeout);
        } else {
          files = now;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads and publishes; returns how long the next wait may last. */
  private Optional<Duration> step() {
    try {
      MdState now = reader.get();
      journal.publish(now, EventDeriver.derive(journal.state(), now));
      return now.syncing() ? Optional.of(SAMPLE_INTERVAL) : Optional.empty();
    } catch (RaidvmException e) {
      LOG.log(Level.WARNING, "cannot read the md state; trying again in a moment", e);
      return Optional.of(SAMPLE_INTERVAL);
    }
  }
}
