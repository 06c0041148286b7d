package io.raidvm.agent.upgrade;

import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.AgentFallback;
import io.raidvm.common.Sha256;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The trial of a jar just put in place, like a trial boot (docs/design.md, "Agent upgrade"): the
 * agent that installs it writes {@code raidvm-agent.jar.trial} — the new jar's SHA-256, the one it
 * replaces, a deadline — before the jar takes its name; the new agent removes it (commits) once
 * its gRPC server serves; if it is still there at the deadline, the fallback
 * ({@link TrialFallback}, from the previous jar's code) puts the previous jar back and leaves
 * {@code raidvm-agent.jar.fallback} saying so, which GetInfo reports.
 *
 * <p>Both files are a few {@code key=value} lines, written whole ({@link AtomicFiles}): a power
 * cut leaves each as it was or as it is meant to be, never a part.
 */
public final class AgentTrial {

  private static final Logger LOG = Logger.getLogger(AgentTrial.class.getName());

  public static final Duration DEFAULT_LENGTH = Duration.ofMinutes(5);
  /** Long enough for a JVM to start under TCG; a shorter trial would put good jars back. */
  static final Duration MIN_LENGTH = Duration.ofSeconds(10);
  static final Duration MAX_LENGTH = Duration.ofHours(1);

  /** A jar on trial: {@code sha256} must serve before {@code deadline}, else {@code previous}. */
  public record Trial(String sha256, String previousSha256, Instant deadline) {

    String format() {
      return "sha256=" + sha256 + "\nprevious_sha256=" + previousSha256 + "\ndeadline="
          + deadline + "\n";
    }

    static Trial parse(String text) {
      Map<String, String> fields = fields(text);
      return new Trial(hash(fields, "sha256"), hash(fields, "previous_sha256"),
          instant(fields, "deadline"));
    }
  }

  private final Path jar;

  /** @param jar the agent jar ({@link RunningJar#path()}); the files live beside it */
  public AgentTrial(Path jar) {
    this.jar = jar;
  }

  Path trialFile() {
    return jar.resolveSibling(jar.getFileName() + ".trial");
  }

  Path fallbackFile() {
    return jar.resolveSibling(jar.getFileName() + ".fallback");
  }

  /**
   * The trial's length from a request: 0 is {@link #DEFAULT_LENGTH}.
   *
   * @throws RaidvmException INVALID_ARGUMENT outside {@link #MIN_LENGTH} to {@link #MAX_LENGTH}
   */
  public static Duration length(long seconds) {
    if (seconds == 0) {
      return DEFAULT_LENGTH;
    }
    if (seconds < MIN_LENGTH.toSeconds() || seconds > MAX_LENGTH.toSeconds()) {
      throw RaidvmException.invalidArgument("trial_seconds must be 0 (for %d) or %d to %d, got"
          + " %d", DEFAULT_LENGTH.toSeconds(), MIN_LENGTH.toSeconds(), MAX_LENGTH.toSeconds(),
          seconds);
    }
    return Duration.ofSeconds(seconds);
  }

  /** Writes the trial whole; called before the jar on trial takes the jar's name. */
  void begin(Trial trial) {
    AtomicFiles.write(trialFile(), trial.format());
  }

  /**
   * The trial that runs; empty when none does. A file that cannot be read as one is a trial of
   * nothing the fallback could judge: it counts as none, and is logged.
   */
  public Optional<Trial> current() {
    try {
      return Optional.of(Trial.parse(Files.readString(trialFile(), StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      LOG.warning("cannot read " + trialFile() + " (" + e.getMessage() + "): taken as no trial");
      return Optional.empty();
    }
  }

  /**
   * Ends the trial: the agent that runs is kept. Removes the file and makes that lasting (the
   * folder fsynced), so a power cut after this never brings a fallback.
   *
   * @return whether there was a trial to end
   */
  public boolean commit() {
    try {
      if (!Files.deleteIfExists(trialFile())) {
        return false;
      }
      try (FileChannel dir = FileChannel.open(jar.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      return true;
    } catch (IOException e) {
      throw RaidvmException.internal("cannot end the agent's trial (" + trialFile() + "): "
          + e.getMessage(), e);
    }
  }

  /** Records a fallback whole (before the jars are swapped: see {@link TrialFallback}). */
  void recordFallback(AgentFallback fallback) {
    AtomicFiles.write(fallbackFile(), "failed_sha256=" + fallback.getFailedSha256()
        + "\nrestored_sha256=" + fallback.getRestoredSha256()
        + "\nat=" + Instant.ofEpochSecond(fallback.getAt().getSeconds(), fallback.getAt().getNanos())
        + "\nreason=" + fallback.getReason().replace('\n', ' ') + "\n");
  }

  /** The last fallback this guest made, for GetInfo; empty when none (or it cannot be read). */
  public Optional<AgentFallback> lastFallback() {
    if (!Files.exists(fallbackFile())) {
      return Optional.empty(); // the usual case, and an exception per GetInfo costs under TCG
    }
    try {
      Map<String, String> fields = fields(Files.readString(fallbackFile(),
          StandardCharsets.UTF_8));
      Instant at = instant(fields, "at");
      return Optional.of(AgentFallback.newBuilder()
          .setFailedSha256(hash(fields, "failed_sha256"))
          .setRestoredSha256(hash(fields, "restored_sha256"))
          .setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
          .setReason(fields.getOrDefault("reason", "")).build());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      LOG.warning("cannot read " + fallbackFile() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Map<String, String> fields(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return fields;
  }

  private static String hash(Map<String, String> fields, String name) {
    String value = fields.getOrDefault(name, "");
    if (!Sha256.isHex(value)) {
      throw new IllegalArgumentException(name + " is no SHA-256: '" + value + "'");
    }
    return value;
  }

  private static Instant instant(Map<String, String> fields, String name) {
    try {
      return Instant.parse(fields.getOrDefault(name, ""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " is no time: " + e.getMessage(), e);
    }
  }
}
