package io.raidvm.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Text files on the test classpath, such as each module's {@code src/test/resources/fixtures/}. */
public final class TestResources {

  private TestResources() {}

  /** The UTF-8 text of the resource {@code path} (from the classpath's root). */
  public static String read(String path) {
    try (InputStream in = TestResources.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
