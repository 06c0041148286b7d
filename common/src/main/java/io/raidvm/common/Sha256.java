package io.raidvm.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 as raidvm writes it: 64 lower-case hex digits. */
public final class Sha256 {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private Sha256() {}

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  public static String hex(MessageDigest finished) {
    return HexFormat.of().formatHex(finished.digest());
  }

  public static String of(byte[] content) {
    return HexFormat.of().formatHex(digest().digest(content));
  }

  /** The file's hash, read in 1 MiB pieces (an agent jar is about 24 MiB). */
  public static String of(Path file) throws IOException {
    MessageDigest sha = digest();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return hex(sha);
  }

  /** Whether {@code text} is written as raidvm writes a SHA-256. */
  public static boolean isHex(String text) {
    return HEX.matcher(text).matches();
  }
}
