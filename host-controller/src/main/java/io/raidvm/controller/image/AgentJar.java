package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * The guest agent's runnable jar that this controller carries (the build copies it in as a
 * resource), with its content hash and the version from its manifest.
 */
public final class AgentJar {

  static final String RESOURCE = "raidvm-agent.jar";

  private final URL url;
  private final String sha256;
  private final String version;

  private AgentJar(URL url, String sha256, String version) {
    this.url = url;
    this.sha256 = sha256;
    this.version = version;
  }

  /** The jar embedded in this controller, or FAILED_PRECONDITION when the build left it out. */
  public static AgentJar bundled() {
    URL url = AgentJar.class.getResource(RESOURCE);
    if (url == null) {
      throw RaidvmException.failedPrecondition("this controller was built without the guest agent"
          + " (resource io/raidvm/controller/image/%s is missing): build it with maven from the"
          + " project root", RESOURCE);
    }
    return from(url);
  }

  static AgentJar from(URL url) {
    try (InputStream in = url.openStream()) {
      byte[] bytes = in.readAllBytes();
      Manifest manifest = new JarInputStream(new ByteArrayInputStream(bytes)).getManifest();
      String v = manifest == null ? null
          : manifest.getMainAttributes().getValue("Implementation-Version");
      return new AgentJar(url, CacheKeys.sha256Hex(bytes), v == null ? "unknown" : v);
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read the guest agent jar %s: %s", url,
          e.getMessage());
    }
  }

  String sha256() {
    return sha256;
  }

  String version() {
    return version;
  }

  void copyTo(Path target) {
    try (InputStream in = url.openStream()) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw RaidvmException.internal("cannot copy the guest agent jar to " + target, e);
    }
  }
}
