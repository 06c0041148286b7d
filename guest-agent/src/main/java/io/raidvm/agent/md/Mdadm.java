package io.raidvm.agent.md;

import io.raidvm.common.md.ArraySpec;
import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.Command;
import io.raidvm.common.process.CommandResult;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * mdadm 4.2 over the command runner. Every call has an empty stdin, and those that could ask a
 * question carry {@code --run} and an explicit {@code --bitmap}, so none waits on a prompt. A
 * failure is a {@link ToolException} with mdadm's exit code and stderr.
 */
public final class Mdadm {

  static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String NO_SUPERBLOCK = "No md superblock detected";
  private static final String BUSY = "Device or resource busy";

  private final CommandRunner runner;

  public Mdadm(CommandRunner runner) {
    this.runner = runner;
  }

  /** {@code mdadm --create}: returns once the array runs; its initial sync goes on after. */
  public void create(Path array, ArraySpec spec, List<Path> devices, List<Path> spares) {
    List<String> argv = new ArrayList<>(List.of("mdadm", "--create", array.toString(), "--run",
        "--metadata=" + spec.metadata(), "--level=" + spec.level().number(),
        "--raid-devices=" + devices.size()));
    if (spec.chunkKib() != 0) {
      argv.add("--chunk=" + spec.chunkKib());
    }
    if (!spec.layout().isEmpty()) {
      argv.add("--layout=" + spec.layout());
    }
    argv.add("--bitmap=" + (spec.bitmapInternal() ? "internal" : "none"));
    devices.forEach(d -> argv.add(d.toString()));
    if (!spares.isEmpty()) {
      argv.add("--spare-devices=" + spares.size());
      spares.forEach(d -> argv.add(d.toString()));
    }
    run(argv);
  }

  /** The human {@code mdadm --detail}. */
  public String detail(Path array) {
    return run(List.of("mdadm", "--detail", array.toString())).stdout();
  }

  /** {@code mdadm --detail --export}: KEY=value lines. */
  public String detailExport(Path array) {
    return run(List.of("mdadm", "--detail", "--export", array.toString())).stdout();
  }

  /**
   * The device's superblock as the export and the human {@code --examine} print it; empty when
   * the device has none.
   */
  public Optional<MdadmExamine> examine(Path device) {
    CommandResult export = runner.run(command(
        List.of("mdadm", "--examine", "--export", device.toString())));
    if (!export.succeeded() && export.stderr().contains(NO_SUPERBLOCK)) {
      return Optional.empty();
    }
    String human = run(List.of("mdadm", "--examine", device.toString())).stdout();
    return Optional.of(MdadmExamine.parse(export.orThrow().stdout(), human));
  }

  public void fail(Path array, Path device) {
    manage(array, "--fail", device);
  }

  public void remove(Path array, Path device) {
    manage(array, "--remove", device);
  }

  public void add(Path array, Path device) {
    manage(array, "--add", device);
  }

  public void reAdd(Path array, Path device) {
    manage(array, "--re-add", device);
  }

  public void zeroSuperblock(Path device) {
    run(List.of("mdadm", "--zero-superblock", device.toString()));
  }

  /** {@code mdadm --run}: starts an array assembled with members missing (degraded). */
  public void run(Path array) {
    run(List.of("mdadm", "--run", array.toString()));
  }

  /** {@code mdadm --readwrite}: an auto-read-only array starts writing, and md its pending sync. */
  public void readWrite(Path array) {
    run(List.of("mdadm", "--readwrite", array.toString()));
  }

  /**
   * {@code mdadm --grow ARRAY OPTIONS… [--backup-file=FILE]}: returns once md has started the
   * reshape (with a backup file, mdadm hands the critical section on to its
   * mdadm-grow-continue@ unit and returns).
   */
  public void grow(Path array, List<String> options, Optional<Path> backup) {
    List<String> argv = new ArrayList<>(List.of("mdadm", "--grow", array.toString()));
    argv.addAll(options);
    backup.ifPresent(b -> argv.add("--backup-file=" + b));
    run(argv);
  }

  /**
   * {@code mdadm --grow --continue ARRAY --backup-file=FILE}: takes up a reshape that stopped
   * (the agent's mdadm died, the guest went down) with the backup file it started with.
   */
  public void growContinue(Path array, Path backup) {
    run(List.of("mdadm", "--grow", "--continue", array.toString(), "--backup-file=" + backup));
  }

  /** True when mdadm refused a reshape because it needs a backup file for it. */
  public static boolean needsBackupFile(ToolException e) {
    return e.stderr() != null && e.stderr().contains("--backup-file");
  }

  /** {@code mdadm --stop}: the array's device goes away; its members keep their superblocks. */
  public void stop(Path array) {
    run(List.of("mdadm", "--stop", array.toString()));
  }

  /**
   * {@code mdadm --examine --scan --verbose}: an ARRAY entry for every array whose superblock a
   * device carries, with its devices.
   */
  public String examineScan() {
    return run(List.of("mdadm", "--examine", "--scan", "--verbose")).stdout();
  }

  /**
   * {@code mdadm --assemble} of the array with {@code uuid} from exactly {@code devices}; with
   * {@code degraded} it starts even with members missing ({@code --run}). Without, mdadm starts
   * it only when every member its superblocks expect is there, and leaves it inactive otherwise
   * ("need all N to start it"); {@code --no-degraded} would be refused: mdadm 4.2 says it is
   * "not meaningful without a --scan assembly".
   */
  public void assemble(Path array, String uuid, boolean degraded, List<Path> devices) {
    List<String> argv = new ArrayList<>(List.of("mdadm", "--assemble", array.toString(),
        "--uuid=" + uuid));
    if (degraded) {
      argv.add("--run");
    }
    devices.forEach(d -> argv.add(d.toString()));
    run(argv);
  }

  /** {@code mdadm --grow --bitmap=internal|none} on a running array. */
  public void growBitmap(Path array, boolean internal) {
    run(List.of("mdadm", "--grow", array.toString(),
        "--bitmap=" + (internal ? "internal" : "none")));
  }

  /** True when mdadm failed because the kernel said the device is busy. */
  public static boolean busy(ToolException e) {
    return e.stderr() != null && e.stderr().contains(BUSY);
  }

  private void manage(Path array, String action, Path device) {
    run(List.of("mdadm", "--manage", array.toString(), action, device.toString()));
  }

  private CommandResult run(List<String> argv) {
    return runner.run(command(argv)).orThrow();
  }

  private static Command command(List<String> argv) {
    return Command.of(argv).withTimeout(TIMEOUT);
  }
}
