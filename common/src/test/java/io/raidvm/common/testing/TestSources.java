package io.raidvm.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a module's test sources: a test class whose tests cannot fail is found here, by the
 * absence of anything that checks.
 */
public final class TestSources {

  /** A test method: JUnit's {@code @Test}, or a parameterized or repeated one. */
  private static final Pattern TEST = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest)\\b");
  /**
   * What makes a test fail: JUnit's {@code assert…} (assertThrows too), Java's {@code assert},
   * {@code fail(}, a {@code verify(}.
   */
  private static final Pattern CHECK = Pattern.compile(
      "\\bassert([A-Z]\\w*\\s*\\(|\\s)|\\bfail\\s*\\(|\\bverify\\w*\\s*\\(");

  private TestSources() {}

  /**
   * The {@code *Test.java} and {@code *IT.java} files under {@code testJava} that have test
   * methods but check nothing, relative to it, sorted.
   */
  public static List<String> testClassesWithoutChecks(Path testJava) {
    if (!Files.isDirectory(testJava)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(testJava)) {
      return files.filter(f -> f.getFileName().toString().matches(".*(Test|IT)\\.java"))
          .filter(f -> {
            String source = read(f);
            return TEST.matcher(source).find() && !CHECK.matcher(source).find();
          })
          .map(f -> testJava.relativize(f).toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test sources of every module of the build that holds {@code module}. */
  public static List<Path> everyModulesTestJava(Path module) {
    Path root = module.toAbsolutePath().getParent();
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> Files.exists(d.resolve("pom.xml")))
          .map(d -> d.resolve("src/test/java")).filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
