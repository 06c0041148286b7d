package io.raidvm.cli.raid;

import io.raidvm.api.agent.v1.AddMemberRequest;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.ExamineMemberRequest;
import io.raidvm.api.agent.v1.GetArrayRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.MemberRequest;
import io.raidvm.api.agent.v1.MemberSuperblock;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.PersistArrayRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.ReplaceMemberRequest;
import io.raidvm.api.agent.v1.SetSyncActionRequest;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.api.agent.v1.ZeroSuperblockRequest;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.cli.support.AgentCall;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.cli.support.WaitOption;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.RaidLevel;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl raid: md arrays inside a VM. */
@Command(name = "raid", description = "Create, inspect, scrub and repair md arrays in a VM.",
    subcommands = {RaidCommand.Create.class, RaidCommand.ListArrays.class, RaidCommand.Show.class,
        RaidCommand.Speed.class,
        RaidCommand.Examine.class, RaidCommand.Mdstat.class, RaidCommand.Check.class,
        RaidCommand.Repair.class, RaidCommand.Idle.class, RaidCommand.Frozen.class,
        RaidCommand.Fail.class, RaidCommand.Remove.class, RaidCommand.Add.class,
        RaidCommand.Replace.class, RaidCommand.ZeroSuperblock.class, RaidCommand.Persist.class,
        RaidWait.class, RaidGrow.class, SpareCommand.class, LifecycleCommands.Stop.class,
        LifecycleCommands.Assemble.class, LifecycleCommands.Retire.class,
        LifecycleCommands.BitmapSetting.class, LifecycleCommands.WriteMostly.class},
    footer = {"", "Examples:",
        "  raidctl raid create vm1 md0 --level 1 --bitmap internal d1-part1 d2-part1",
        "  raidctl raid show vm1 md0", "  raidctl raid replace vm1 md0 d2-part1"})
public final class RaidCommand {

  static RaidGrpc.RaidBlockingStub raid(ControllerClient client, String vm) {
    return client.agent(vm, RaidGrpc::newBlockingStub);
  }

  /** A raid command on one array: VM ARRAY. */
  abstract static class OnArray extends AgentCall {
    @Parameters(index = "1", paramLabel = "ARRAY", description = "e.g. md127")
    String array;

    /** "/dev/md127", however the array was named. */
    String arrayPath() {
      return array.startsWith("/dev/") ? array : "/dev/" + array;
    }

    void show(Printer printer, Array a) {
      output.print(printer, a, x -> ArrayPrinter.print(printer, x));
    }

    void showResult(Printer printer, Operation done) {
      if (!output.json() && done.hasArray()) {
        ArrayPrinter.print(printer, done.getArray());
      }
    }
  }

  @Command(name = "create", description = "Create an array; follows its initial sync.",
      footer = {"", "Example (the howto's RAID 5):",
          "  raidctl raid create vm1 md127 --level 5 --metadata 1.0 \\",
          "      --chunk 512 --bitmap none d1-part1 d2-part1 d3-part1 d4-part1"})
  static final class Create extends OnArray {
    @Mixin
    WaitOption wait;

    @Option(names = "--level", required = true, completionCandidates = LevelNames.class,
        description = "One of ${COMPLETION-CANDIDATES} (or raid0, raid1, …).")
    String level;

    @Parameters(index = "2..*", arity = "1..*", paramLabel = "DEVICE",
        description = "Member devices: /dev/sdb1, sdb1 or a disk serial's partition (d1-part1).")
    List<String> devices = new ArrayList<>();

    @Option(names = "--spare", paramLabel = "DEVICE", description = "A spare; repeat.")
    List<String> spares = new ArrayList<>();

    @Option(names = "--chunk", paramLabel = "KIB", description = "Chunk size in KiB.")
    int chunk;

    @Option(names = "--metadata", description = "Superblock version (default 1.2).")
    String metadata = "";

    @Option(names = "--bitmap", required = true, description = "internal or none.")
    String bitmap;

    @Option(names = "--layout", description = "e.g. left-symmetric (raid5); raid10: n2, f2, o2"
        + " (near, far, offset; the digit is the copies of each chunk).")
    String layout = "";

    @Option(names = "--force", description = "Use members that hold data or another array.")
    boolean force;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      Bitmap b = bitmap(spec, "--bitmap", bitmap);
      confirmation.confirm("Create RAID " + level.replaceFirst("(?i)^raid", "") + " "
          + arrayPath() + " from " + String.join(" ", devices)
          + (spares.isEmpty() ? "" : ", spare " + String.join(" ", spares)) + " in VM " + vm
          + "? Data on these devices is lost.");
      Operation op = raid(client, vm).createArray(CreateArrayRequest.newBuilder()
          .setArray(array).setLevel(level).setChunkKib(chunk).setMetadata(metadata)
          .addAllDevices(devices).addAllSpares(spares).setBitmap(b).setLayout(layout)
          .setForce(force).build());
      showResult(printer, finish(client, printer, wait, op));
    }
  }

  @Command(name = "list", description = "The VM's md arrays.",
      footer = {"", "Example:", "  raidctl raid list vm1"})
  static final class ListArrays extends AgentCall {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, raid(client, vm).listArrays(ListArraysRequest.getDefaultInstance()),
          r -> ArrayPrinter.table(printer, r.getArraysList()));
    }
  }

  @Command(name = "show", description = "One array in detail: members, sync, mismatches.",
      footer = {"", "Example:", "  raidctl raid show vm1 md127"})
  static final class Show extends OnArray {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      show(printer, raid(client, vm).getArray(GetArrayRequest.newBuilder().setArray(array)
          .build()));
    }
  }

  @Command(name = "speed", description = "Cap how fast md syncs, rebuilds and checks this array"
      + " (md/sync_speed_max); 0 goes back to the system-wide limit.",
      footer = {"", "Examples:", "  raidctl raid speed vm1 md127 --max 10000",
          "  raidctl raid speed vm1 md127 --max 0"})
  static final class Speed extends OnArray {
    @Option(names = "--max", required = true, paramLabel = "KiB/s",
        description = "At least 1000, or 0 for the system's limit.")
    long max;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      show(printer, raid(client, vm).setSyncSpeedLimit(SetSyncSpeedLimitRequest.newBuilder()
          .setArray(array).setMaxKibPerS(max).build()));
    }
  }

  @Command(name = "examine", description = "A member's md superblock (mdadm --examine).",
      footer = {"", "Example:", "  raidctl raid examine vm1 d1-part1"})
  static final class Examine extends AgentCall {
    @Parameters(index = "1", paramLabel = "DEVICE")
    String device;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, raid(client, vm).examineMember(ExamineMemberRequest.newBuilder()
          .setDevice(device).build()), s -> print(printer, s));
    }

    private static void print(Printer printer, MemberSuperblock s) {
      printer.fields(List.of(List.of("device", s.getDevice()),
          List.of("array uuid", s.getArrayUuid()), List.of("device uuid", s.getDeviceUuid()),
          List.of("name", s.getMdName()), List.of("level", s.getLevel()),
          List.of("role", s.getRole() < 0 ? "spare" : String.valueOf(s.getRole())),
          List.of("events", String.valueOf(s.getEvents())), List.of("state", s.getState()),
          List.of("metadata", s.getMetadata())));
    }
  }

  @Command(name = "mdstat", description = "/proc/mdstat as the guest kernel writes it.",
      footer = {"", "Example:", "  raidctl raid mdstat vm1"})
  static final class Mdstat extends AgentCall {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, raid(client, vm).getMdstat(GetMdstatRequest.getDefaultInstance()),
          m -> printer.line(m.getText().stripTrailing()));
    }
  }

  /** check, repair, idle, frozen. */
  abstract static class SyncAction extends OnArray {
    @Mixin
    WaitOption wait;

    abstract SetSyncActionRequest.Action action();

    @Override
    protected void run(ControllerClient client, Printer printer) {
      Operation op = raid(client, vm).setSyncAction(SetSyncActionRequest.newBuilder()
          .setArray(array).setAction(action()).build());
      showResult(printer, finish(client, printer, wait, op));
    }
  }

  @Command(name = "check", description = "Scrub: read every stripe, count mismatches.",
      footer = {"", "Example:", "  raidctl raid check vm1 md127"})
  static final class Check extends SyncAction {
    @Override
    SetSyncActionRequest.Action action() {
      return SetSyncActionRequest.Action.CHECK;
    }
  }

  @Command(name = "repair", description = "Scrub and rewrite mismatched stripes.",
      footer = {"", "Example:", "  raidctl raid repair vm1 md127"})
  static final class Repair extends SyncAction {
    @Mixin
    Confirmation confirmation;

    @Override
    SetSyncActionRequest.Action action() {
      return SetSyncActionRequest.Action.REPAIR;
    }

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Repair " + arrayPath() + " in VM " + vm + "? md rewrites every"
          + " stripe whose copies or parity disagree.");
      super.run(client, printer);
    }
  }

  @Command(name = "idle", description = "Stop the running sync action.",
      footer = {"", "Example:", "  raidctl raid idle vm1 md127"})
  static final class Idle extends SyncAction {
    @Override
    SetSyncActionRequest.Action action() {
      return SetSyncActionRequest.Action.IDLE;
    }
  }

  @Command(name = "frozen", description = "Freeze sync actions (e.g. to remove a member).",
      footer = {"", "Example:", "  raidctl raid frozen vm1 md127"})
  static final class Frozen extends SyncAction {
    @Override
    SetSyncActionRequest.Action action() {
      return SetSyncActionRequest.Action.FROZEN;
    }
  }

  /** VM ARRAY DEVICE: each changes the array's members, so asks first. */
  abstract static class OnMember extends OnArray {
    @Parameters(index = "2", paramLabel = "DEVICE")
    String device;

    @Mixin
    Confirmation confirmation;

    MemberRequest request() {
      return MemberRequest.newBuilder().setArray(array).setDevice(device).build();
    }
  }

  @Command(name = "fail", description = "Mark a member faulty.",
      footer = {"", "Example:", "  raidctl raid fail vm1 md127 d2-part1"})
  static final class Fail extends OnMember {
    @Option(names = "--allow-data-loss", description = "Fail it even when the array would not"
        + " survive: it stops and its data is lost. --force never does this.")
    boolean allowDataLoss;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Mark " + device + " faulty in " + arrayPath() + " of VM " + vm
          + "? The array goes on without it, degraded" + (allowDataLoss
              ? "; with --allow-data-loss it may fail and lose its data." : "."));
      show(printer, raid(client, vm).failMember(request().toBuilder()
          .setAllowDataLoss(allowDataLoss).build()));
    }
  }

  @Command(name = "remove", description = "Take a faulty or spare member out of the array.",
      footer = {"", "Example:", "  raidctl raid remove vm1 md127 d2-part1"})
  static final class Remove extends OnMember {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Remove " + device + " from " + arrayPath() + " of VM " + vm
          + "? It is no longer part of the array.");
      show(printer, raid(client, vm).removeMember(request()));
    }
  }

  @Command(name = "add", description = "Add a device (re-added when it can be); follows the"
      + " recovery.",
      footer = {"", "Example:", "  raidctl raid add vm1 md127 d2-part1"})
  static final class Add extends OnMember {
    @Mixin
    WaitOption wait;

    @Option(names = "--force", description = "Add a device that holds data or another array's"
        + " superblock (never one in use).")
    boolean force;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Add " + device + " to " + arrayPath() + " of VM " + vm + "? Data on "
          + device + " is lost.");
      Operation op = raid(client, vm).addMember(AddMemberRequest.newBuilder().setArray(array)
          .setDevice(device).setForce(force).build());
      showResult(printer, finish(client, printer, wait, op));
    }
  }

  @Command(name = "replace", description = "fail, remove, zero-superblock, re-partition, add;"
      + " follows the recovery. A new disk is created (--create-size) and attached first when"
      + " the VM does not have it; run the same command again to continue where it stopped.",
      footer = {"", "Examples:", "  raidctl raid replace vm1 md127 d2-part1",
          "  raidctl raid replace vm1 md127 d2-part1 --new-disk d5 --create-size 64M"})
  static final class Replace extends OnMember {
    @Mixin
    WaitOption wait;

    @Mixin
    NewDiskOption newDisk;

    @Option(names = "--force", description = "Partition a new disk that holds data (never one"
        + " in use).")
    boolean force;

    @Option(names = "--allow-data-loss", description = "Take the member out even when the array"
        + " would not survive without it. --force never does this.")
    boolean allowDataLoss;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Replace " + device + " in " + arrayPath() + " of VM " + vm
          + " by a new partition on " + (newDisk.disk.isEmpty() ? "its own disk"
          : "disk " + newDisk.disk)
          + "? Data on that disk is lost, and the array runs degraded until its recovery ends.");
      newDisk.check();
      newDisk.bring(client, vm, line -> output.note(printer, line));
      Operation op = raid(client, vm).replaceMember(ReplaceMemberRequest.newBuilder()
          .setArray(array).setDevice(device).setNewDisk(newDisk.disk).setForce(force)
          .setAllowDataLoss(allowDataLoss).build());
      showResult(printer, finish(client, printer, wait, op));
    }
  }

  @Command(name = "zero-superblock", description = "Erase a device's md superblock.",
      footer = {"", "Example:", "  raidctl raid zero-superblock vm1 d2-part1"})
  static final class ZeroSuperblock extends AgentCall {
    @Parameters(index = "1", paramLabel = "DEVICE")
    String device;

    @Option(names = "--force", description = "Even when its superblock belongs to an array that"
        + " is not running (a device an array holds is refused always).")
    boolean force;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Erase the md superblock of " + device + " in VM " + vm + "? It no"
          + " longer belongs to any array.");
      raid(client, vm).zeroSuperblock(ZeroSuperblockRequest.newBuilder().setDevice(device)
          .setForce(force).build());
      output.note(printer, "zeroed the md superblock of " + device);
    }
  }

  @Command(name = "persist", description = "Write the array into /etc/mdadm/mdadm.conf.",
      footer = {"", "Example:", "  raidctl raid persist vm1 md127", "",
          "Then the initramfs, which carries its own copy: raidctl op initramfs vm1"})
  static final class Persist extends OnArray {
    @Option(names = "--replace-stale", description = "Replace a line for the same device with"
        + " another UUID (an array that is no longer there) instead of refusing.")
    boolean replaceStale;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.agent(vm, BootGrpc::newBlockingStub).persistArray(
          PersistArrayRequest.newBuilder().setArray(array).setReplaceStale(replaceStale)
              .build()),
          c -> ConfigPrinter.print(printer, c));
    }
  }

  /** "internal" or "none" as the proto's Bitmap; anything else is a usage error of {@code what}. */
  static Bitmap bitmap(picocli.CommandLine.Model.CommandSpec spec, String what, String word) {
    return switch (word) {
      case "internal" -> Bitmap.BITMAP_INTERNAL;
      case "none" -> Bitmap.BITMAP_NONE;
      default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          what + " must be internal or none, not '" + word + "'");
    };
  }

  /** The levels raidvm creates, from {@link RaidLevel}: the one list, never retyped. */
  static final class LevelNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(RaidLevel.values()).map(l -> String.valueOf(l.number()))
          .iterator();
    }
  }
}
