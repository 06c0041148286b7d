package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * The guest agent's runnable jar that this controller carries (the build copies it in as a
 * resource), with its content hash and the version from its manifest. It is read on first use
 * only: a controller that never builds or resolves an image (raidctl's embedded one, say) never
 * reads it, and starts also where the build left it out.
 */
public final class AgentJar {

  static final String RESOURCE = "raidvm-agent.jar";

  private final Supplier<URL> url;
  private Facts facts;

  private record Facts(String sha256, String version) {}

  private AgentJar(Supplier<URL> url) {
    this.url = url;
  }

  /** The jar embedded in this controller; using it fails FAILED_PRECONDITION when it is missing. */
  public static AgentJar bundled() {
    return new AgentJar(() -> {
      URL url = AgentJar.class.getResource(RESOURCE);
      if (url == null) {
        throw RaidvmException.failedPrecondition("this controller was built without the guest"
            + " agent (resource io/raidvm/controller/image/%s is missing): build it with maven"
            + " from the project root", RESOURCE);
      }
      return url;
    });
  }

  /** A jar at another place (tests). */
  public static AgentJar from(URL url) {
    return new AgentJar(() -> url);
  }

  private synchronized Facts facts() {
    if (facts == null) {
      facts = read(url.get());
    }
    return facts;
  }

  private static Facts read(URL url) {
    // Streamed: every byte passes the digest once, and the controller's heap never holds the
    // 24 MiB (a whole copy was promoted at once and kept the heap grown for good).
    MessageDigest sha256 = CacheKeys.sha256();
    try (InputStream in = new DigestInputStream(url.openStream(), sha256)) {
      Manifest manifest = new JarInputStream(in).getManifest();
      in.transferTo(OutputStream.nullOutputStream());
      String v = manifest == null ? null
          : manifest.getMainAttributes().getValue("Implementation-Version");
      return new Facts(HexFormat.of().formatHex(sha256.digest()), v == null ? "unknown" : v);
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read the guest agent jar %s: %s", url,
          e.getMessage());
    }
  }

  public String sha256() {
    return facts().sha256();
  }

  public String version() {
    return facts().version();
  }

  /** The whole jar (about 24 MiB), as an upgrade sends it. */
  public byte[] bytes() {
    URL source = url.get();
    try (InputStream in = source.openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read the guest agent jar %s: %s", source,
          e.getMessage());
    }
  }

  void copyTo(Path target) {
    try (InputStream in = url.get().openStream()) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot copy the guest agent jar to " + target, e);
    }
  }
}
