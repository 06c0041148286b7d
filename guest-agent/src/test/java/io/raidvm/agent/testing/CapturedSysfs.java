package io.raidvm.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A captured copy of {@code /sys/block/<md>/md/} under {@code fixtures/guest/}, e.g.
 * "04-raid5-synced/sysfs-md127": every file's content by its path relative to that folder
 * ("array_state", "dev-sda1/state"), as {@code MdSysfs.parse} takes them.
 */
public final class CapturedSysfs {

  private CapturedSysfs() {}

  /**
   * As {@link #files(String)}, with the snapshots {@code over} laid over the copy, in order: a
   * snapshot taken while a sync ran holds only the files that change (guest/README.md), so it
   * goes over a full copy of the same array, as the agent would read them together.
   */
  public static Map<String, String> files(String capture, String... over) {
    Map<String, String> files = files(capture);
    for (String snapshot : over) {
      files.putAll(files(snapshot));
    }
    return files;
  }

  public static Map<String, String> files(String capture) {
    return files("guest", capture);
  }

  /** As {@link #files(String)}, from another capture folder ("guest-lifecycle"). */
  public static Map<String, String> files(String folder, String capture) {
    Map<String, String> files = new HashMap<>();
    try {
      Path dir = Path.of(CapturedSysfs.class.getResource("/fixtures/" + folder + "/" + capture)
          .toURI());
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
          files.put(dir.relativize(f).toString(), Files.readString(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }
}
