package io.raidvm.controller.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Content addresses of the two cache levels. The mirror is not an input: any mirror of the same
 * suite yields the same packages.
 */
final class CacheKeys {

  /** Keys are the first 16 hex digits of a SHA-256. */
  static final Pattern KEY = Pattern.compile("[0-9a-f]{16}");

  private CacheKeys() {}

  /** The rootfs tarball's key: suite, package set (order does not matter), recipe version. */
  static String rootfs(int recipeVersion, String suite, List<String> packages) {
    Digest d = new Digest();
    d.field("rootfs").field(Integer.toString(recipeVersion)).field(suite);
    packages.stream().sorted().distinct().forEach(d::field);
    return d.key();
  }

  /**
   * The image's id: its rootfs, the agent jar, the kernel's command-line options, every guest
   * file by path and content, recipe.
   */
  static String image(int recipeVersion, String rootfsKey, String agentSha256,
      String kernelOptions, Map<String, byte[]> guestFiles) {
    Digest d = new Digest();
    d.field("image").field(Integer.toString(recipeVersion)).field(rootfsKey).field(agentSha256)
        .field(kernelOptions);
    SortedMap<String, byte[]> sorted = new TreeMap<>(guestFiles);
    sorted.forEach((path, content) -> d.field(path).field(sha256Hex(content)));
    return d.key();
  }

  static String sha256Hex(byte[] content) {
    return HexFormat.of().formatHex(sha256().digest(content));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Length-prefixed fields, so that ("ab", "c") and ("a", "bc") never collide. */
  private static final class Digest {
    private final MessageDigest md = sha256();

    Digest field(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      md.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      md.update(bytes);
      return this;
    }

    String key() {
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
  }
}
