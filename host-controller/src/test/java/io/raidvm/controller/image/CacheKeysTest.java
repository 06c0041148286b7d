package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeysTest {

  private static final List<String> PACKAGES = List.of("mdadm", "parted", "udev");
  private static final Map<String, byte[]> FILES = Map.of(
      "etc/hostname", bytes("raidvm\n"),
      "etc/hosts", bytes("127.0.0.1 localhost\n"));

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rootfs_isStableAcrossRuns() {
    // Pinned: changing how keys are computed would silently orphan every cached rootfs.
    assertEquals("c8b9b57ed3abb921", CacheKeys.rootfs(1, "bookworm", PACKAGES));
  }

  @Test
  void rootfs_ignoresPackageOrderAndDuplicates() {
    assertEquals(CacheKeys.rootfs(1, "bookworm", PACKAGES),
        CacheKeys.rootfs(1, "bookworm", List.of("udev", "mdadm", "parted", "mdadm")));
  }

  @Test
  void rootfs_changesWithSuitePackagesOrRecipeVersion() {
    String key = CacheKeys.rootfs(1, "bookworm", PACKAGES);

    assertNotEquals(key, CacheKeys.rootfs(1, "trixie", PACKAGES));
    assertNotEquals(key, CacheKeys.rootfs(1, "bookworm", List.of("mdadm", "parted")));
    assertNotEquals(key, CacheKeys.rootfs(2, "bookworm", PACKAGES));
  }

  @Test
  void rootfs_fieldBoundariesMatter() {
    assertNotEquals(CacheKeys.rootfs(1, "bookworm", List.of("ab", "c")),
        CacheKeys.rootfs(1, "bookworm", List.of("a", "bc")));
  }

  @Test
  void image_isStableForTheSameInputs_whateverTheMapOrder() {
    Map<String, byte[]> sameFiles = new LinkedHashMap<>();
    sameFiles.put("etc/hosts", bytes("127.0.0.1 localhost\n"));
    sameFiles.put("etc/hostname", bytes("raidvm\n"));

    assertEquals(CacheKeys.image(1, "r", "agent", "k", FILES),
        CacheKeys.image(1, "r", "agent", "k", sameFiles));
    assertTrue(CacheKeys.KEY.matcher(CacheKeys.image(1, "r", "agent", "k", FILES)).matches());
  }

  @Test
  void image_changesWithRootfsAgentKernelOptionsGuestFilesOrRecipeVersion() {
    String id = CacheKeys.image(1, "r", "agent", "k", FILES);

    assertNotEquals(id, CacheKeys.image(1, "r2", "agent", "k", FILES));
    assertNotEquals(id, CacheKeys.image(1, "r", "agent2", "k", FILES));
    assertNotEquals(id, CacheKeys.image(1, "r", "agent", "k2", FILES));
    assertNotEquals(id, CacheKeys.image(1, "r", "agent", "k",
        Map.of("etc/hostname", bytes("other\n"), "etc/hosts", bytes("127.0.0.1 localhost\n"))));
    assertNotEquals(id, CacheKeys.image(1, "r", "agent", "k",
        Map.of("etc/hostname2", bytes("raidvm\n"), "etc/hosts", bytes("127.0.0.1 localhost\n"))));
    assertNotEquals(id, CacheKeys.image(2, "r", "agent", "k", FILES));
  }
}
