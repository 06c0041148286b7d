package io.raidvm.agent.upgrade;

import com.google.protobuf.ByteString;
import io.raidvm.api.agent.v1.InstallAgentHeader;
import io.raidvm.api.agent.v1.InstallAgentResponse;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.common.Sha256;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandRunner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Puts another agent jar in place of the running one, or the previous one back (docs/design.md,
 * "Agent upgrade"), so that a power cut at any moment leaves {@code raidvm-agent.jar} whole — the
 * old jar or the new, each one that ran or passed its checks:
 *
 * <ol>
 *   <li>the bytes go to {@code .raidvm-agent.jar.incoming} beside the jar (same filesystem, so the
 *       last step is a rename), hashed as they come;
 *   <li>size and SHA-256 against the header, and a manifest with a Main-Class ({@code java -jar}
 *       needs one): otherwise nothing else is touched;
 *   <li>the running jar gets a second name, {@code raidvm-agent.jar.previous} (a hard link: the
 *       jar's own name never goes missing, as a rename to .previous would make it);
 *   <li>files made from the old jar (the class-data-sharing archive {@code raidvm-agent.jsa},
 *       which the JVM refuses for another jar) move to {@code <name>.previous} too;
 *   <li>the new jar goes on trial ({@link AgentTrial}): {@code raidvm-agent.jar.trial} names it
 *       with a deadline, and the fallback unit is (re)started to watch it, so that a jar that
 *       passes these checks but never serves is put back by the guest itself;
 *   <li>the incoming file is fsynced and renamed over the jar, then the folder fsynced
 *       ({@link AtomicFiles#publish}).
 * </ol>
 *
 * A rollback puts its jar on trial the same way (it may be one that failed its own). Refused
 * (FAILED_PRECONDITION) while a long operation runs — the restart would interrupt it — and while
 * another install or rollback runs. The caller restarts the agent after answering.
 */
public final class AgentJarInstaller {

  private static final Logger LOG = Logger.getLogger(AgentJarInstaller.class.getName());

  /** A jar larger than this is no agent (ours is about 24 MiB). */
  public static final long MAX_BYTES = 256L << 20;
  static final String PREVIOUS = ".previous";
  /** Files made from the jar that the JVM would refuse beside another jar. */
  static final List<String> DERIVED = List.of("raidvm-agent.jsa");

  private final RunningJar running;
  private final Supplier<List<Operation>> operations;
  private final AgentTrial trials;
  private final Runnable watch;
  private final Clock clock;
  private final AtomicBoolean busy = new AtomicBoolean();

  /**
   * @param operations the agent's long operations (those RUNNING refuse an install)
   * @param watch starts the fallback that watches a trial just begun ({@link #fallbackUnit})
   */
  public AgentJarInstaller(RunningJar running, Supplier<List<Operation>> operations,
      Runnable watch, Clock clock) {
    this.running = running;
    this.operations = operations;
    this.trials = new AgentTrial(running.path());
    this.watch = watch;
    this.clock = clock;
  }

  /**
   * The guest's watch: {@code systemctl restart --no-block} of the fallback unit, so that a
   * watcher that was just ending (the last trial committed) never misses the new trial.
   */
  public static Runnable fallbackUnit(CommandRunner runner) {
    return () -> runner.run(Command.of("systemctl", "restart", "--no-block", TrialFallback.UNIT)
        .withTimeout(Duration.ofSeconds(60))).orThrow();
  }

  /** The upload of one jar, from its header to its end. */
  public final class Upload {
    private final InstallAgentHeader header;
    private final Duration trial;
    private final Path incoming;
    private final FileChannel out;
    private final MessageDigest sha = Sha256.digest();
    private long received;
    private boolean ended;

    private Upload(InstallAgentHeader header, Duration trial, Path incoming, FileChannel out) {
      this.header = header;
      this.trial = trial;
      this.incoming = incoming;
      this.out = out;
    }

    /** Appends the next piece; INVALID_ARGUMENT (and the upload ended) past the announced size. */
    public void write(ByteString data) {
      received += data.size();
      if (received > header.getSizeBytes()) {
        abort();
        throw RaidvmException.invalidArgument("the jar is longer than the %d bytes its header"
            + " announced; nothing was changed", header.getSizeBytes());
      }
      try {
        for (ByteBuffer b : data.asReadOnlyByteBufferList()) {
          sha.update(b.duplicate());
          while (b.hasRemaining()) {
            out.write(b);
          }
        }
      } catch (IOException e) {
        abort();
        throw RaidvmException.internal("cannot write " + incoming + ": " + e.getMessage(), e);
      }
    }

    /** Checks what came and puts it in place; the agent then runs it from its next start. */
    public InstallAgentResponse finish() {
      try {
        out.force(true);
        out.close();
        if (received != header.getSizeBytes()) {
          throw RaidvmException.invalidArgument("the jar ended after %d of the %d bytes its"
              + " header announced; nothing was changed", received, header.getSizeBytes());
        }
        String got = Sha256.hex(sha);
        if (!got.equals(header.getSha256())) {
          throw RaidvmException.invalidArgument("the jar received has SHA-256 %s, not the %s"
              + " its header announced (damaged on the way?); nothing was changed", got,
              header.getSha256());
        }
        requireRunnable(incoming, RaidvmException.Kind.INVALID_ARGUMENT);
        requireNoOperation();
        keepPrevious();
        onTrial(got, running.sha256(), trial);
        AtomicFiles.publish(incoming, running.path());
        running.keepInstalled(got);
        LOG.info("agent jar " + header.getSha256() + " installed over " + running.sha256()
            + "; the previous one is " + previous(running.path()));
        return InstallAgentResponse.newBuilder().setResult(InstallAgentResponse.Result.INSTALLED)
            .setRunningSha256(running.sha256()).setInstalledSha256(got).build();
      } catch (IOException e) {
        throw RaidvmException.internal("cannot install the agent jar: " + e.getMessage(), e);
      } finally {
        abort();
      }
    }

    /** Removes what came so far (a broken-off upload, a refusal); safe to call again. */
    public void abort() {
      if (ended) {
        return;
      }
      ended = true;
      try {
        out.close();
        Files.deleteIfExists(incoming);
      } catch (IOException e) {
        LOG.warning("cannot remove " + incoming + ": " + e.getMessage());
      } finally {
        busy.set(false);
      }
    }
  }

  /**
   * Starts an upload, or answers ALREADY_CURRENT (empty) when the header names the jar that runs.
   *
   * @throws RaidvmException INVALID_ARGUMENT for a header that is no SHA-256 or size,
   *     FAILED_PRECONDITION while an operation or another install runs, or when this agent does
   *     not run from {@link RunningJar#PATH}
   */
  public Optional<Upload> begin(InstallAgentHeader header) {
    if (!Sha256.isHex(header.getSha256())) {
      throw RaidvmException.invalidArgument("the header's sha256 must be 64 lower-case hex"
          + " digits, got '%s'", header.getSha256());
    }
    if (header.getSizeBytes() < 1 || header.getSizeBytes() > MAX_BYTES) {
      throw RaidvmException.invalidArgument("the header's size_bytes must be 1 to %d, got %s",
          MAX_BYTES, Long.toUnsignedString(header.getSizeBytes()));
    }
    Duration trial = AgentTrial.length(Integer.toUnsignedLong(header.getTrialSeconds()));
    String now = requireInstalled();
    if (now.equals(header.getSha256())) {
      return Optional.empty();
    }
    take();
    Path incoming = running.path().resolveSibling(".raidvm-agent.jar.incoming");
    try {
      requireNoOperation();
      return Optional.of(new Upload(header, trial, incoming, FileChannel.open(incoming,
          StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)));
    } catch (IOException | RuntimeException e) {
      busy.set(false);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw RaidvmException.internal("cannot create " + incoming + ": " + e.getMessage(), e);
    }
  }

  /** The answer to a header naming the running jar. */
  public InstallAgentResponse alreadyCurrent() {
    return InstallAgentResponse.newBuilder().setResult(InstallAgentResponse.Result.ALREADY_CURRENT)
        .setRunningSha256(running.sha256()).setInstalledSha256(installedSha256()).build();
  }

  /**
   * Swaps the jar and its previous one (and the files made from each), each by a rename, so that
   * a second rollback undoes the first.
   */
  public InstallAgentResponse rollback() {
    requireInstalled();
    Path jar = running.path();
    Path previous = previous(jar);
    if (!Files.isRegularFile(previous)) {
      throw RaidvmException.failedPrecondition("there is no previous agent jar (%s): no upgrade"
          + " has replaced this one", previous);
    }
    take();
    try {
      requireNoOperation();
      requireRunnable(previous, RaidvmException.Kind.FAILED_PRECONDITION);
      onTrial(Sha256.of(previous), Sha256.of(jar), AgentTrial.DEFAULT_LENGTH);
      swapWithPrevious(jar);
      String installed = Sha256.of(jar);
      LOG.info("agent jar rolled back to " + installed + " (this agent runs " + running.sha256()
          + ")");
      return InstallAgentResponse.newBuilder().setResult(InstallAgentResponse.Result.ROLLED_BACK)
          .setRunningSha256(running.sha256()).setInstalledSha256(installed).build();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot roll the agent jar back: " + e.getMessage(), e);
    } finally {
      busy.set(false);
    }
  }

  /** The hash of the running jar, read before anything is renamed; FAILED_PRECONDITION if none. */
  private String requireInstalled() {
    String now = running.sha256();
    if (now.isEmpty()) {
      throw RaidvmException.failedPrecondition("this agent does not run from %s, so it cannot"
          + " replace itself", running.path());
    }
    return now;
  }

  private String installedSha256() {
    try {
      return Sha256.of(running.path());
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + running.path() + ": " + e.getMessage(), e);
    }
  }

  private void take() {
    if (!busy.compareAndSet(false, true)) {
      throw RaidvmException.failedPrecondition("another agent install or rollback runs in this"
          + " guest; try again when it has ended");
    }
  }

  private void requireNoOperation() {
    List<Operation> runningOps = operations.get().stream()
        .filter(op -> op.getState() == Operation.State.RUNNING).toList();
    if (!runningOps.isEmpty()) {
      throw RaidvmException.failedPrecondition("the agent restarts after an upgrade, which would"
          + " interrupt %s; upgrade when it has ended (raidctl op wait VM ID)", runningOps.stream()
          .map(op -> "operation " + op.getId() + " (" + op.getKind() + " of " + op.getTarget()
              + ")").collect(Collectors.joining(", ")));
    }
  }

  /**
   * Puts {@code sha256} on trial before it takes the jar's name, and starts the watch; when the
   * watch cannot start, the trial is removed again and the install refused (nothing swapped).
   */
  private void onTrial(String sha256, String previousSha256, Duration length) {
    trials.begin(new AgentTrial.Trial(sha256, previousSha256, clock.instant().plus(length)));
    try {
      watch.run();
    } catch (RuntimeException e) {
      trials.commit();
      throw RaidvmException.internal("cannot start " + TrialFallback.UNIT + ", which would put"
          + " the previous agent back should the new one not serve: " + e.getMessage()
          + "; nothing was swapped", e);
    }
  }

  /**
   * Swaps {@code jar} and its {@code .previous}, and each file made from a jar and its
   * {@code .previous}: a rollback, and the fallback from a jar that failed its trial.
   */
  static void swapWithPrevious(Path jar) throws IOException {
    swap(jar, previous(jar));
    for (String name : DERIVED) {
      Path derived = jar.resolveSibling(name);
      if (Files.exists(derived) || Files.exists(previous(derived))) {
        swap(derived, previous(derived));
      }
    }
  }

  /** The jar gets a second name; the derived files move aside (the JVM would refuse them). */
  private void keepPrevious() throws IOException {
    Path jar = running.path();
    Path previous = previous(jar);
    Files.deleteIfExists(previous);
    Files.createLink(previous, jar);
    for (String name : DERIVED) {
      Path derived = jar.resolveSibling(name);
      if (Files.exists(derived)) {
        AtomicFiles.publish(derived, previous(derived));
      } else {
        Files.deleteIfExists(previous(derived));
      }
    }
  }

  /**
   * {@code a} and {@code b} trade contents: {@code a} gets a third name, {@code b} is renamed
   * over {@code a}, the third name over {@code b}. {@code a} is never missing while it existed;
   * a cut between the renames leaves {@code a} swapped and {@code b} missing.
   */
  private static void swap(Path a, Path b) throws IOException {
    Path aside = a.resolveSibling("." + a.getFileName() + ".swap");
    Files.deleteIfExists(aside);
    boolean hadA = Files.exists(a);
    if (hadA) {
      Files.createLink(aside, a);
    }
    if (Files.exists(b)) {
      AtomicFiles.publish(b, a);
    } else {
      Files.delete(a);
    }
    if (hadA) {
      AtomicFiles.publish(aside, b);
    }
  }

  static Path previous(Path file) {
    return file.resolveSibling(file.getFileName() + PREVIOUS);
  }

  /** {@code java -jar} runs only a jar whose manifest names its Main-Class. */
  private static void requireRunnable(Path jar, RaidvmException.Kind kind) {
    String problem;
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      problem = manifest == null
          || manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS) == null
          ? "has no Main-Class in its manifest: java -jar could not start it" : null;
    } catch (IOException e) {
      problem = "is no jar (" + e.getMessage() + ")";
    }
    if (problem != null) {
      throw new RaidvmException(kind, jar.getFileName() + " " + problem
          + "; nothing was changed");
    }
  }
}
