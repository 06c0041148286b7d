package io.raidvm.agent.events;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Kernel files that signal their changes to pollers: /proc/mdstat and md's sysfs attributes. */
interface ChangeSource extends AutoCloseable {

  /**
   * Watches exactly {@code files} from now on and arms each (reads it once), so that a change
   * after this call wakes {@link #await}. A file that does not exist is left out.
   */
  void watch(Set<Path> files);

  /**
   * Blocks until a watched file changes, {@link #wakeUp} is called, or {@code timeout} passes
   * (never, when empty).
   */
  void await(Optional<Duration> timeout) throws InterruptedException;

  /** Makes a running or the next {@link #await} return; from any thread. */
  void wakeUp();

  @Override
  void close();
}
