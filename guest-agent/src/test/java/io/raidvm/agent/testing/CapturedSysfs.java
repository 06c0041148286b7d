package io.raidvm.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A captured copy of {@code /sys/block/<md>/md/} under {@code fixtures/guest/}, e.g.
 * "04-raid5-synced/sysfs-md127" (or another capture's, "guest-lifecycle/…"): every file's
 * content by its path relative to that folder ("array_state", "dev-sda1/state"), as {@code MdSysfs.parse} takes them.
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

  /**
   * One copy, named as {@link Fixtures#guestCapture} takes it: "04-raid5-synced/sysfs-md127" in
   * {@code guest/}, or with another capture's folder first,
   * "guest-lifecycle/L1-spare/sysfs-md127". (Not a second {@code files(folder, capture)}: with
   * two strings Java would pick it over {@link #files(String, String...)}.)
   */
  public static Map<String, String> files(String capture) {
    Map<String, String> files = new HashMap<>();
    try {
      URL url = CapturedSysfs.class.getResource(Fixtures.guestCapture(capture));
      if (url == null) {
        throw new IllegalArgumentException("no captured sysfs copy " + capture);
      }
      Path dir = Path.of(url.toURI());
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
