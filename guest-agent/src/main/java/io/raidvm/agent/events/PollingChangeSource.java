package io.raidvm.agent.events;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ChangeSource} over poll(2): each watched file stays open; md signals a change with
 * POLLPRI|POLLERR (sysfs_notify, and /proc/mdstat's event count), and a read from offset 0
 * re-arms it. A pipe wakes the poll for {@link #wakeUp}. Nothing runs between changes.
 */
final class PollingChangeSource implements ChangeSource {

  private static final short CHANGED = (short) (LibC.POLLPRI | LibC.POLLERR);
  private static final int CHUNK = 4096;

  private final LibC libc = LibC.INSTANCE;
  private final Map<Path, Integer> open = new HashMap<>();
  private final int wakeRead;
  private final int wakeWrite;

  PollingChangeSource() {
    int[] pipe = new int[2];
    try {
      libc.pipe2(pipe, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
    } catch (LastErrorException e) {
      throw RaidvmException.internal("cannot create the wake-up pipe: " + e.getMessage(), e);
    }
    wakeRead = pipe[0];
    wakeWrite = pipe[1];
  }

  @Override
  public void watch(Set<Path> files) {
    List<Path> gone = open.keySet().stream().filter(f -> !files.contains(f)).toList();
    gone.forEach(f -> libc.close(open.remove(f)));
    for (Path file : files) {
      if (!open.containsKey(file)) {
        openFile(file);
      }
    }
    List<Path> vanished = new ArrayList<>();
    open.forEach((file, fd) -> {
      if (!drain(fd, true)) {
        vanished.add(file);
      }
    });
    vanished.forEach(f -> libc.close(open.remove(f)));
  }

  @Override
  public void await(Optional<Duration> timeout) throws InterruptedException {
    List<Integer> fds = new ArrayList<>(open.values());
    Memory set = new Memory((long) LibC.POLLFD_SIZE * (fds.size() + 1));
    set.clear();
    for (int i = 0; i < fds.size(); i++) {
      set.setInt((long) i * LibC.POLLFD_SIZE, fds.get(i));
      set.setShort((long) i * LibC.POLLFD_SIZE + 4, CHANGED);
    }
    set.setInt((long) fds.size() * LibC.POLLFD_SIZE, wakeRead);
    set.setShort((long) fds.size() * LibC.POLLFD_SIZE + 4, LibC.POLLIN);
    int millis = timeout.map(t -> (int) Math.min(t.toMillis(), Integer.MAX_VALUE)).orElse(-1);
    try {
      libc.poll(set, fds.size() + 1, millis);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != LibC.EINTR) {
        throw RaidvmException.internal("poll failed: " + e.getMessage(), e);
      }
    }
    drain(wakeRead, false);
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while waiting for md changes");
    }
  }

  @Override
  public void wakeUp() {
    try {
      libc.write(wakeWrite, new byte[] {1}, 1);
    } catch (LastErrorException e) {
      // EAGAIN: the pipe is full, so a wake-up is pending anyway.
    }
  }

  @Override
  public void close() {
    open.values().forEach(libc::close);
    open.clear();
    libc.close(wakeRead);
    libc.close(wakeWrite);
  }

  private void openFile(Path file) {
    try {
      open.put(file, libc.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC));
    } catch (LastErrorException e) {
      if (e.getErrorCode() != LibC.ENOENT) {
        throw RaidvmException.internal("cannot open " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Reads {@code fd} to its end (from offset 0 when {@code rewind}); false when it fails. */
  private boolean drain(int fd, boolean rewind) {
    byte[] buffer = new byte[CHUNK];
    try {
      if (rewind) {
        libc.lseek(fd, 0, LibC.SEEK_SET);
      }
      while (libc.read(fd, buffer, buffer.length) > 0) {
        // nothing to keep: reading is what re-arms the notification
      }
      return true;
    } catch (LastErrorException e) {
      return !rewind;
    }
  }
}
