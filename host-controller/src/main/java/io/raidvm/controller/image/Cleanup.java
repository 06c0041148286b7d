package io.raidvm.controller.image;

/**
 * Runs clean-up even when the build was cancelled: the runner refuses to wait for a program while
 * the thread's interrupt flag is set, so clear it for the clean-up and restore it afterwards.
 */
final class Cleanup {

  private Cleanup() {}

  static void uninterruptibly(Runnable cleanup) {
    boolean interrupted = Thread.interrupted();
    try {
      cleanup.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
