package io.raidvm.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test class that checks nothing cannot fail: the build names it. */
class EveryTestChecksSomethingTest {

  @Test
  void everyTestClassOfEveryModule_checksSomething() {
    List<Path> modules = TestSources.everyModulesTestJava(Path.of(""));
    assertEquals(true, modules.contains(Path.of("").toAbsolutePath().getParent()
        .resolve("e2e/src/test/java")), "the e2e module's tests are scanned too: " + modules);
    for (Path testJava : modules) {
      assertEquals(List.of(), TestSources.testClassesWithoutChecks(testJava),
          "test classes under " + testJava + " with tests that check nothing (no assert…,"
              + " assertThrows, fail( or verify()");
    }
  }

  @Test
  void aTestClassWithoutAnyCheck_isNamed_andOnesThatCheckAreNot(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/SilentTest.java"),
        "class SilentTest {\n  @Test\n  void runs() {\n    new Thing().run();\n  }\n}\n");
    Files.writeString(dir.resolve("a/b/SilentIT.java"),
        "class SilentIT {\n  @ParameterizedTest\n  void runs(int i) {\n  }\n}\n");
    Files.writeString(dir.resolve("a/ChecksTest.java"),
        "class ChecksTest {\n  @Test\n  void runs() {\n    assertEquals(1, one());\n  }\n}\n");
    Files.writeString(dir.resolve("a/ThrowsTest.java"),
        "class ThrowsTest {\n  @Test\n  void t() {\n    assertThrows(X.class, () -> x());\n  }\n}");
    Files.writeString(dir.resolve("a/VerifiesIT.java"),
        "class VerifiesIT {\n  @Test\n  void t() {\n    verify(mock).call();\n  }\n}");
    Files.writeString(dir.resolve("a/HelperTest.java"), "class HelperTest {\n  void h() {}\n}");
    Files.writeString(dir.resolve("a/Silent.java"), "class Silent {\n  @Test\n  void t() {}\n}");

    assertEquals(List.of("a/b/SilentIT.java", "a/b/SilentTest.java"),
        TestSources.testClassesWithoutChecks(dir));
  }
}
