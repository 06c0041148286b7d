package io.raidvm.agent.upgrade;

import io.raidvm.common.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The jar this agent process started from — {@link #PATH} below the guest's root, where the
 * image puts it and the systemd unit runs it — and its SHA-256, which GetInfo reports and the
 * controller compares with the agent it carries.
 *
 * <p>The hash is read once, on first need (about 24 MiB: seconds under TCG, so not at start),
 * and kept: the installer asks for it before it renames anything, so it is always the hash of
 * the jar this process runs, not of one installed after it started.
 */
public final class RunningJar {

  private static final Logger LOG = Logger.getLogger(RunningJar.class.getName());

  /** Where the image installs the agent (host-controller's {@code GuestFiles.AGENT_PATH}). */
  public static final Path PATH = Path.of("opt/raidvm/raidvm-agent.jar");

  private final Path jar;
  private String sha256;

  /** @param root "/" in the guest; tests pass a folder */
  public RunningJar(Path root) {
    this.jar = root.resolve(PATH);
  }

  public Path path() {
    return jar;
  }

  /** The jar's SHA-256; empty when this process does not run from {@link #PATH}. */
  public synchronized String sha256() {
    if (sha256 == null) {
      if (!Files.isRegularFile(jar)) {
        return "";
      }
      try {
        sha256 = Sha256.of(jar);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot read " + jar + "; asked again at the next call", e);
        return "";
      }
    }
    return sha256;
  }
}
