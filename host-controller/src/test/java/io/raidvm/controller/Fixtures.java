package io.raidvm.controller;

import io.raidvm.common.testing.TestResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Captured tool output under src/test/resources/fixtures/. */
public final class Fixtures {

  private Fixtures() {}

  public static String read(String path) {
    return TestResources.read("fixtures/" + path);
  }

  /** Every file under {@code dir}, for asserting that nothing was made. */
  public static java.util.List<Path> filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return java.util.List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir)).sorted().toList();
    }
  }
}
