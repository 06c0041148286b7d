package io.raidvm.e2e;

import io.raidvm.common.fs.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The folders a VM test makes in /tmp — a controller's state with its disks, overlays and logs,
 * about 3 GB per CI run — removed when the test class passed, kept when anything in it failed,
 * with their paths printed, for a look. One place for every test class: JUnit registers it for
 * all of them by its extension auto-detection ({@code junit-platform.properties} and
 * {@code META-INF/services} in this module's test resources). Test classes run one after the
 * other in the one test JVM, so a folder belongs to the class that runs when it is made.
 */
public final class TestFolders implements BeforeAllCallback, TestWatcher, AfterAllCallback {

  private static final Object LOCK = new Object();
  private static final List<Path> FOLDERS = new ArrayList<>();
  private static boolean failed;

  /** A new folder in the temporary directory, named {@code prefix…}, for the running class. */
  static Path create(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    synchronized (LOCK) {
      FOLDERS.add(dir);
    }
    return dir;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (LOCK) {
      FOLDERS.clear();
      failed = false;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    synchronized (LOCK) {
      failed = true;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<Path> folders;
    boolean keep;
    synchronized (LOCK) {
      folders = List.copyOf(FOLDERS);
      FOLDERS.clear();
      keep = failed || context.getExecutionException().isPresent();
    }
    String test = context.getTestClass().map(Class::getSimpleName)
        .orElse(context.getDisplayName());
    for (Path dir : folders) {
      if (keep) {
        System.out.println("== " + test + " failed: its folder is kept for a look: " + dir);
        continue;
      }
      try {
        FileTrees.delete(dir);
      } catch (IOException e) {
        System.out.println("== " + test + " passed, but its folder " + dir + " could not be"
            + " removed: " + e);
      }
    }
  }
}
