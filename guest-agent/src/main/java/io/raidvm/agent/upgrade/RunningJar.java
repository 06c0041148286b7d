package io.raidvm.agent.upgrade;

import io.raidvm.common.Sha256;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The jar this agent process started from — {@link #PATH} below the guest's root, where the
 * image puts it and the systemd unit runs it — and its SHA-256, which GetInfo reports and the
 * controller compares with the agent it carries.
 *
 * <p>The hash is read once, on first need (about 24 MiB: 3–4 s under TCG, so not at start),
 * and kept: the installer asks for it before it renames anything, so it is always the hash of
 * the jar this process runs, not of one installed after it started. It is also kept on disk
 * ({@link #KEPT}) with the jar's size and modification time, so that the next agent process —
 * after a restart, a reboot, or the image build's training run — reads the file only when the
 * jar changed (an install writes a new file: a new time).
 */
public final class RunningJar {

  private static final Logger LOG = Logger.getLogger(RunningJar.class.getName());

  /** Where the image installs the agent (host-controller's {@code GuestFiles.AGENT_PATH}). */
  public static final Path PATH = Path.of("opt/raidvm/raidvm-agent.jar");

  /** The hash of the last jar read, as "SIZE MTIME-NANOS SHA256". */
  public static final Path KEPT = Path.of("var/lib/raidvm-agent/agent-jar.sha256");

  private final Path jar;
  private final Path kept;
  private String sha256;

  /** @param root "/" in the guest; tests pass a folder */
  public RunningJar(Path root) {
    this.jar = root.resolve(PATH);
    this.kept = root.resolve(KEPT);
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
        String stamp = stamp();
        Optional<String> known = keptFor(stamp);
        if (known.isPresent()) {
          sha256 = known.get();
        } else {
          sha256 = Sha256.of(jar);
          keep(stamp, sha256);
        }
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot read " + jar + "; asked again at the next call", e);
        return "";
      }
    }
    return sha256;
  }

  /** The jar's size and modification time: another jar at the path has another. */
  private String stamp() throws IOException {
    BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
    Instant modified = a.lastModifiedTime().toInstant();
    return a.size() + " " + (modified.getEpochSecond() * 1_000_000_000L + modified.getNano());
  }

  private Optional<String> keptFor(String stamp) {
    try {
      String line = Files.readString(kept).strip();
      int last = line.lastIndexOf(' ');
      if (last > 0 && line.substring(0, last).equals(stamp)
          && Sha256.isHex(line.substring(last + 1))) {
        return Optional.of(line.substring(last + 1));
      }
    } catch (NoSuchFileException e) {
      // Not read before.
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read " + kept + "; reading the jar instead", e);
    }
    return Optional.empty();
  }

  /**
   * Keeps {@code hash} for the jar the installer has just put at {@link #PATH} from bytes it
   * hashed as it wrote them, so that the agent it restarts into need not read them again. This
   * process's own {@link #sha256} stays that of the jar it started from.
   */
  public void keepInstalled(String hash) {
    try {
      keep(stamp(), hash);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read " + jar + "; the next agent start hashes it", e);
    }
  }

  /** Keeps the hash, unless the jar changed while it was read (then the next start reads it). */
  private void keep(String stamp, String hash) {
    try {
      if (!stamp.equals(stamp())) {
        return;
      }
      Files.createDirectories(kept.getParent());
      AtomicFiles.write(kept, stamp + " " + hash + "\n");
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot keep the jar's hash in " + kept
          + "; the next agent start reads the jar again", e);
    }
  }
}
