package io.raidvm.agent.events;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls {@link PollingChangeSource} needs (Linux, LP64), through JNA. */
interface LibC extends Library {

  LibC INSTANCE = Native.load("c", LibC.class);

  int O_RDONLY = 0;
  int O_NONBLOCK = 0x800;
  int O_CLOEXEC = 0x80000;
  int SEEK_SET = 0;
  short POLLIN = 0x1;
  short POLLPRI = 0x2;
  short POLLERR = 0x8;
  int EINTR = 4;
  int ENOENT = 2;
  /** {@code struct pollfd}: int fd, short events, short revents. */
  int POLLFD_SIZE = 8;

  int open(String path, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  long lseek(int fd, long offset, int whence) throws LastErrorException;

  long read(int fd, byte[] buffer, long count) throws LastErrorException;

  long write(int fd, byte[] buffer, long count) throws LastErrorException;

  int pipe2(int[] fds, int flags) throws LastErrorException;

  int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;
}
