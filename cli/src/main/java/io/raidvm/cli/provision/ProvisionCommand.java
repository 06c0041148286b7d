package io.raidvm.cli.provision;

import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.controller.v1.ProvisionEvent;
import io.raidvm.api.controller.v1.ProvisionRequest;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.ProvisionStepState;
import io.raidvm.api.controller.v1.ProvisionSummary;
import io.raidvm.api.controller.v1.ProvisionCheck;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import io.raidvm.common.fs.FilesystemTypes;
import io.raidvm.common.md.RaidLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** raidctl provision: the whole howto, from disks to a verified reboot, in one command. */
@Command(name = "provision",
    description = {"Create the disks and the VM, partition, build the array, wait for its sync,"
        + " make the filesystem, mount it, persist mdadm.conf and fstab, update the initramfs,"
        + " reboot and verify.",
        "Without flags it does what the howto does: RAID 5 of 4 x 3G disks, chunk 512K,"
            + " metadata 1.0, ext4 on /mnt/md127.",
        "Run it again after a failure or an interruption: steps already done are skipped. What"
            + " exists but differs from the spec is refused, never destroyed.",
        "Exit code 0 only when everything was verified."},
    footer = {"", "Examples:",
        "  raidctl provision demo --disk-size 64M",
        "  raidctl provision demo --level raid6 --disks 5 --disk-size 256M",
        "  raidctl provision demo --mount-point /srv/data --no-verify-by-reboot",
        "  raidctl provision --spec demo.yaml",
        "", "A spec file (YAML or JSON; flags override it):",
        "  vm: demo", "  disk_count: 4", "  disk_size: 64M", "  level: raid5", "  chunk_kib: 512",
        "  metadata: \"1.0\"", "  mount_point: /mnt/md127", "  persist: true",
        "  verify_by_reboot: true",
        "", "More than one array (the flags --array … --mount-point are for one array only):",
        "  vm: demo", "  disk_size: 160M", "  arrays:",
        "    - {name: md0, level: raid1, disks: [d1, d2]}",
        "    - {name: md1, level: raid10, layout: n2, disks: [d3, d4, d5, d6]}",
        "  filesystems:",
        "    - {array: md0, type: ext4, mount_point: /srv/logs}",
        "    - {array: md1, type: xfs, mount_point: /srv/data, mount_options: [noatime]}"})
public final class ProvisionCommand extends ClientCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "VM",
      description = "The VM to provision (or 'vm' in the spec file).")
  String vm;

  @Option(names = "--spec", paramLabel = "FILE", description = "Read the spec from a YAML or"
      + " JSON file; flags given as well override its fields.")
  Path specFile;

  @Option(names = "--memory", paramLabel = "MiB", description = "VM memory (default 1024).")
  Integer memoryMib;

  @Option(names = "--vcpus", paramLabel = "N", description = "VM vCPUs (default 2).")
  Integer vcpus;

  @Option(names = "--disks", paramLabel = "N", description = "Number of data disks (default 4).")
  Integer disks;

  @Option(names = "--disk-size", paramLabel = "SIZE",
      description = "Size of each data disk, e.g. 64M or 3G (default 3G).")
  String diskSize;

  @Option(names = "--array", paramLabel = "NAME", description = "md device (default md127).")
  String array;

  @Option(names = "--level", paramLabel = "LEVEL", completionCandidates = LevelNames.class,
      description = "One of ${COMPLETION-CANDIDATES} (default raid5).")
  String level;

  @Option(names = "--chunk", paramLabel = "SIZE",
      description = "Chunk size, e.g. 512K; a number alone is KiB, as for mdadm (default 512K).")
  String chunk;

  @Option(names = "--metadata", paramLabel = "VERSION",
      description = "md superblock version: 1.0, 1.1, 1.2 (default 1.0).")
  String metadata;

  @Option(names = "--bitmap", paramLabel = "KIND",
      description = "Write-intent bitmap: internal or none (default internal).")
  String bitmap;

  @Option(names = "--fs", paramLabel = "TYPE", completionCandidates = FilesystemTypeNames.class,
      description = "Filesystem: ${COMPLETION-CANDIDATES} (default ext4; xfs needs an array of"
          + " at least 300 MiB).")
  String filesystem;

  @Option(names = "--mount-point", paramLabel = "PATH",
      description = "Where to mount it (default /mnt/<array>).")
  String mountPoint;

  @Option(names = "--persist", negatable = true, fallbackValue = "true",
      description = "Write mdadm.conf and fstab and update the initramfs (default yes).")
  Boolean persist;

  @Option(names = "--verify-by-reboot", negatable = true, fallbackValue = "true",
      description = "Reboot and check that the array and mount come back (default yes).")
  Boolean verifyByReboot;

  @Option(names = "--sync-speed-max", paramLabel = "KiB/s",
      description = "Cap the array's sync speed, e.g. 10000 (default: the system's limit).")
  Long syncSpeedMax;

  /** On a terminal, progress is a bar redrawn in place. */
  private final boolean terminal = System.console() != null;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofDays(3650);
  }

  @Override
  protected void run(ControllerClient client, Printer printer) {
    ProvisionSpec spec = spec();
    Iterator<ProvisionEvent> events = client.provisions()
        .provision(ProvisionRequest.newBuilder().setSpec(spec).build());
    ProvisionView view = new ProvisionView(printer, terminal);
    ProvisionSummary summary = null;
    while (events.hasNext()) {
      ProvisionEvent e = events.next();
      if (output.json()) {
        printer.jsonLine(e);
      } else {
        view.show(e);
      }
      if (e.getState() == ProvisionStepState.STEP_SUMMARY) {
        summary = e.getSummary();
      }
    }
    if (summary == null || !summary.getVerified()) {
      throw new NotVerifiedException(summary == null ? "the controller ended the provision"
          + " without a summary" : "provision finished, but these checks failed: "
          + summary.getChecksList().stream().filter(c -> !c.getOk())
              .map(ProvisionCheck::getName).collect(Collectors.joining(", ")));
    }
  }

  /** The file's spec (if any) with every flag given on top. */
  ProvisionSpec spec() {
    ProvisionSpec.Builder b = specFile == null ? ProvisionSpec.newBuilder()
        : SpecFile.read(spec, specFile).toBuilder();
    if (vm != null) {
      b.setVm(vm);
    }
    if (b.getVm().isEmpty()) {
      throw new ParameterException(spec.commandLine(), "which VM? give its name (raidctl"
          + " provision VM) or 'vm' in the spec file");
    }
    if (memoryMib != null) {
      b.setMemoryMib(positive("--memory", memoryMib));
    }
    if (vcpus != null) {
      b.setVcpus(positive("--vcpus", vcpus));
    }
    if (disks != null) {
      b.setDiskCount(positive("--disks", disks));
    }
    if (diskSize != null) {
      b.setDiskSize(diskSize);
    }
    if (array != null) {
      b.setArray(array);
    }
    if (level != null) {
      b.setLevel(level);
    }
    if (chunk != null) {
      b.setChunkKib(chunkKib(chunk));
    }
    if (metadata != null) {
      b.setMetadata(metadata);
    }
    if (bitmap != null) {
      b.setBitmap(bitmap(bitmap));
    }
    if (filesystem != null) {
      b.setFilesystem(filesystem);
    }
    if (mountPoint != null) {
      b.setMountPoint(mountPoint);
    }
    if (persist != null) {
      b.setPersist(persist);
    }
    if (verifyByReboot != null) {
      b.setVerifyByReboot(verifyByReboot);
    }
    if (syncSpeedMax != null) {
      if (syncSpeedMax < 0) {
        throw new ParameterException(spec.commandLine(), "--sync-speed-max must be 0 (the"
            + " system's limit) or a speed in KiB/s, got " + syncSpeedMax);
      }
      b.setSyncSpeedMaxKibPerS(syncSpeedMax);
    }
    return b.build();
  }

  private int positive(String flag, int value) {
    if (value <= 0) {
      throw new ParameterException(spec.commandLine(), flag + " must be at least 1, got "
          + value);
    }
    return value;
  }

  private int chunkKib(String text) {
    try {
      long kib = text.matches("\\d+") ? Long.parseLong(text) : Sizes.parse(text) / 1024;
      if (kib <= 0 || kib > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) kib;
    } catch (RuntimeException e) {
      throw new ParameterException(spec.commandLine(), "--chunk '" + text + "' is not a size:"
          + " give e.g. 512K or 64K");
    }
  }

  private Bitmap bitmap(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "internal" -> Bitmap.BITMAP_INTERNAL;
      case "none" -> Bitmap.BITMAP_NONE;
      default -> throw new ParameterException(spec.commandLine(), "--bitmap '" + text + "' is"
          + " not valid: give internal or none");
    };
  }

  /** The levels provision makes, from {@link RaidLevel}: the one list, never retyped. */
  static final class LevelNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return RaidLevel.names().iterator();
    }
  }

  /** The filesystems provision makes, from {@link FilesystemTypes}. */
  static final class FilesystemTypeNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return FilesystemTypes.SUPPORTED.iterator();
    }
  }

  /** The provision ran to its end, but its checks did not all pass. */
  static final class NotVerifiedException extends RuntimeException {
    NotVerifiedException(String message) {
      super(message);
    }
  }
}
