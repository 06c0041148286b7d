package io.raidvm.cli.fs;

import io.raidvm.api.agent.v1.AddFstabEntryRequest;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.CheckFilesystemRequest;
import io.raidvm.api.agent.v1.ChecksumFilesRequest;
import io.raidvm.api.agent.v1.FileChecksum;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.FilesystemCheck;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GetUsageRequest;
import io.raidvm.api.agent.v1.MakeFilesystemRequest;
import io.raidvm.api.agent.v1.MountRequest;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.UnmountRequest;
import io.raidvm.api.agent.v1.WriteTestFileRequest;
import io.raidvm.cli.raid.ConfigPrinter;
import io.raidvm.common.fs.FilesystemTypes;
import io.raidvm.cli.support.AgentCall;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.cli.support.WaitOption;
import io.raidvm.common.Sizes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl fs: filesystems inside a VM. */
@Command(name = "fs", description = "Make, mount, check and persist filesystems in a VM.",
    subcommands = {FsCommand.Mkfs.class, FsCommand.Mount.class, FsCommand.Umount.class,
        FsCommand.Df.class, FsCommand.Fsck.class, FsCommand.Fstab.class, FsCommand.TestFile.class,
        FsCommand.Checksum.class},
    footer = {"", "Examples:", "  raidctl fs mkfs vm1 md127",
        "  raidctl fs mount vm1 md127 /mnt/md127"})
public final class FsCommand {

  static FilesystemsGrpc.FilesystemsBlockingStub fs(ControllerClient client, String vm) {
    return client.agent(vm, FilesystemsGrpc::newBlockingStub);
  }

  static void print(Printer printer, MountedFilesystem m) {
    printer.table(List.of("DEVICE", "TYPE", "SIZE", "USED", "AVAIL", "MOUNTED ON"),
        List.of(List.of(m.getDevice(), m.getType(), Sizes.human(m.getSizeBytes()),
            Sizes.human(m.getUsedBytes()), Sizes.human(m.getAvailableBytes()),
            m.getMountPoint())));
  }

  @Command(name = "mkfs", description = "Make an ext4 or xfs filesystem.",
      footer = {"", "Examples:", "  raidctl fs mkfs vm1 md127",
          "  raidctl fs mkfs vm1 md127 --type xfs"})
  static final class Mkfs extends AgentCall {
    @Mixin
    WaitOption wait;

    @Parameters(index = "1", paramLabel = "DEVICE")
    String device;

    @Option(names = "--label", description = "Filesystem label.")
    String label = "";

    @Option(names = "--type", completionCandidates = FilesystemTypeNames.class,
        description = "${COMPLETION-CANDIDATES} (default ext4; xfs needs at least 300 MiB).")
    String type = FilesystemTypes.EXT4;

    @Option(names = "--option", paramLabel = "ARG", description = "Extra mke2fs argument; repeat"
        + " (--option=-b --option=4096, or --option=-b4096). Allowed: -b, -E, -m, -i, -I, -N, -O,"
        + " -j, -J, -T, -U; others (-F: use --force; -L: use --label) are refused.")
    List<String> options = new ArrayList<>();

    @Option(names = "--force", description = "Overwrite an existing filesystem.")
    boolean force;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Make an " + type + " filesystem on " + device + " in VM " + vm + "? Data on "
          + device + " is lost.");
      Operation op = fs(client, vm).makeFilesystem(MakeFilesystemRequest.newBuilder()
          .setDevice(device).setType(type).setLabel(label).addAllOptions(options)
          .setForce(force).build());
      Operation done = finish(client, printer, wait, op);
      if (!output.json() && done.hasFilesystem()) {
        printer.line(done.getFilesystem().getType() + " on " + done.getFilesystem().getDevice()
            + ", UUID " + done.getFilesystem().getUuid());
      }
    }
  }

  @Command(name = "mount", description = "Mount a filesystem (the mount point is created).",
      footer = {"", "Example:", "  raidctl fs mount vm1 md127 /mnt/md127"})
  static final class Mount extends AgentCall {
    @Parameters(index = "1", paramLabel = "DEVICE")
    String device;

    @Parameters(index = "2", paramLabel = "MOUNTPOINT")
    String mountPoint;

    @Option(names = {"-O", "--options"}, split = ",", description = "Mount options.")
    List<String> options = new ArrayList<>();

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, fs(client, vm).mount(MountRequest.newBuilder().setDevice(device)
          .setMountPoint(mountPoint).addAllOptions(options).build()), m -> print(printer, m));
    }
  }

  @Command(name = "umount", description = "Unmount, by mount point or device.",
      footer = {"", "Example:", "  raidctl fs umount vm1 /mnt/md127"})
  static final class Umount extends AgentCall {
    @Parameters(index = "1", paramLabel = "TARGET")
    String target;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Unmount " + target + " in VM " + vm + "? Programs using it lose"
          + " access to it.");
      fs(client, vm).unmount(UnmountRequest.newBuilder().setTarget(target).build());
      output.note(printer, "unmounted " + target);
    }
  }

  @Command(name = "df", description = "Size, used and available space of a mounted filesystem.",
      footer = {"", "Example:", "  raidctl fs df vm1 /mnt/md127"})
  static final class Df extends AgentCall {
    @Parameters(index = "1", paramLabel = "TARGET", description = "Mount point or device.")
    String target;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, fs(client, vm).getUsage(GetUsageRequest.newBuilder()
          .setTarget(target).build()), m -> print(printer, m));
    }
  }

  @Command(name = "fsck", description = "e2fsck -f (unmounts first, mounts again after).",
      footer = {"", "Example:", "  raidctl fs fsck vm1 md127"})
  static final class Fsck extends AgentCall {
    @Mixin
    WaitOption wait;

    @Parameters(index = "1", paramLabel = "DEVICE")
    String device;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Check " + device + " in VM " + vm + " with e2fsck -f -y? It is"
          + " unmounted meanwhile, and e2fsck repairs what it finds without asking.");
      Operation op = fs(client, vm).checkFilesystem(CheckFilesystemRequest.newBuilder()
          .setDevice(device).build());
      Operation done = finish(client, printer, wait, op);
      if (!output.json() && done.hasFilesystemCheck()) {
        FilesystemCheck c = done.getFilesystemCheck();
        printer.line(c.getOutput().stripTrailing());
        printer.line("e2fsck exit " + c.getExitCode() + ": " + String.join(", ",
            c.getMeaningsList()) + (c.getRemounted() ? " (mounted again)" : ""));
      }
    }
  }

  @Command(name = "fstab", description = "Add the filesystem to /etc/fstab by UUID.",
      footer = {"", "Example:", "  raidctl fs fstab vm1 md127 /mnt/md127"})
  static final class Fstab extends AgentCall {
    @Parameters(index = "1", paramLabel = "DEVICE")
    String device;

    @Parameters(index = "2", paramLabel = "MOUNTPOINT")
    String mountPoint;

    @Option(names = {"-O", "--options"}, split = ",",
        description = "Mount options (default: defaults,nofail,discard).")
    List<String> options = new ArrayList<>();

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm, BootGrpc::newBlockingStub).addFstabEntry(
          AddFstabEntryRequest.newBuilder().setDevice(device).setMountPoint(mountPoint)
              .setOptions(String.join(",", options)).build()),
          c -> ConfigPrinter.print(printer, c));
    }
  }

  @Command(name = "testfile", description = "Write a new file of known pseudo-random content on a"
      + " data filesystem (fsynced) and print its SHA-256: proof to check after a rebuild. A data"
      + " filesystem is on a block device and is not /, /boot or on the OS disk (not tmpfs,"
      + " /proc, …); the write leaves 5%% of it free.",
      footer = {"", "Example:", "  raidctl fs testfile vm1 /mnt/md127/proof-1 --size 16M --seed 1"})
  static final class TestFile extends AgentCall {
    @Parameters(index = "1", paramLabel = "PATH", description = "A new file below a data"
        + " filesystem's mount point (never an existing file or symlink).")
    String path;

    @Option(names = "--size", paramLabel = "SIZE", description = "e.g. 16M (at most 1G;"
        + " default 4M).")
    String size = "4M";

    @Option(names = "--seed", paramLabel = "N", description = "The same seed gives the same"
        + " content (default 1).")
    long seed = 1;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm, FilesGrpc::newBlockingStub).writeTestFile(
          WriteTestFileRequest.newBuilder().setPath(path).setSizeBytes(Sizes.parse(size))
              .setSeed(seed).build()), f -> checksums(printer, List.of(f)));
    }
  }

  @Command(name = "checksum", description = "SHA-256 of a regular file, or of every regular file"
      + " below a directory, on a data filesystem (symlinks not followed, filesystems mounted"
      + " inside not entered); stops at the call's deadline (--timeout).",
      footer = {"", "Example:", "  raidctl fs checksum vm1 /mnt/md127"})
  static final class Checksum extends AgentCall {
    @Parameters(index = "1", paramLabel = "PATH")
    String path;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm, FilesGrpc::newBlockingStub).checksumFiles(
          ChecksumFilesRequest.newBuilder().setPath(path).build()),
          r -> checksums(printer, r.getFilesList()));
    }
  }

  private static void checksums(Printer printer, List<FileChecksum> files) {
    printer.table(List.of("SHA256", "SIZE", "PATH"), files.stream().map(f -> List.of(
        f.getSha256(), Sizes.human(f.getSizeBytes()), f.getPath())).toList());
  }

  /** The filesystems raidvm makes, from {@link FilesystemTypes}: the one list, never retyped. */
  static final class FilesystemTypeNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return FilesystemTypes.SUPPORTED.iterator();
    }
  }
}
