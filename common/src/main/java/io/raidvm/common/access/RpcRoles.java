package io.raidvm.common.access;

import static io.raidvm.common.access.Role.ADMIN;
import static io.raidvm.common.access.Role.OPERATOR;
import static io.raidvm.common.access.Role.VIEWER;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of who may call what: every controller RPC and every agent RPC the controller
 * forwards, by full method name, with the lowest role allowed. The rule:
 *
 * <ul>
 *   <li>viewer — reads only: get, list, watch, console, examine, checksums, operations, audit;
 *   <li>operator — changes that keep every byte of data and can be repeated or undone: create a
 *       disk or VM, attach a disk to a VM, start a VM, provision, benchmark, sync actions
 *       (check, resume) and their speed, scheduled scrubs, mount and unmount, test files,
 *       mdadm.conf/fstab/initramfs edits (backed up), test alerts;
 *   <li>admin — what destroys or overwrites data or takes a member out of an array (create an
 *       array, add, fail, remove, replace, grow or reshape, zero a superblock, partition,
 *       mkfs, fsck, detach a
 *       disk from a VM, a fault or a drill), power and restarts (stop, reboot, shut down,
 *       restart the agent), deletes, guest images (build, delete, prune: root's tools on the
 *       host) and alert rules (a rule's program runs on the host).
 * </ul>
 *
 * A method missing here is refused to everybody by the controller, and {@code RpcRolesTest}
 * fails. It lives in common because the agent reads it too: which of its calls change something,
 * and so go into its audit trail ({@link #changes}).
 */
public final class RpcRoles {

  private static final String CONTROLLER = "raidvm.controller.v1.";
  private static final String AGENT = "raidvm.agent.v1.";

  private static final Map<String, Role> TABLE = new LinkedHashMap<>();

  static {
    controller("DiskService", Map.of(
        "CreateDisk", OPERATOR, "GetDisk", VIEWER, "ListDisks", VIEWER, "DeleteDisk", ADMIN));
    controller("ImageService", Map.of(
        "BuildImage", ADMIN, "ListImages", VIEWER, "DeleteImage", ADMIN, "PruneImages", ADMIN));
    controller("VmService", Map.ofEntries(
        Map.entry("CreateVm", OPERATOR), Map.entry("GetVm", VIEWER),
        Map.entry("ListVms", VIEWER), Map.entry("StartVm", OPERATOR),
        Map.entry("StopVm", ADMIN), Map.entry("RebootVm", ADMIN), Map.entry("DeleteVm", ADMIN),
        Map.entry("ReadConsole", VIEWER), Map.entry("WatchVm", VIEWER),
        // Attaching gives the guest a disk and can be undone; detaching can take a member out
        // of an array (the guest is asked first, but --force pulls it regardless).
        Map.entry("AttachDisk", OPERATOR), Map.entry("DetachDisk", ADMIN),
        // A fault pulls a member or overwrites its data on purpose.
        Map.entry("Fault", ADMIN),
        // Replaces the code that runs as root in the guest, and restarts it: admin, as restarts.
        Map.entry("UpgradeAgent", ADMIN)));
    controller("ProvisionService", Map.of("Provision", OPERATOR));
    // A drill pulls a member and puts a new disk in its place.
    controller("DrillService", Map.of("Drill", ADMIN));
    controller("AuditService", Map.of("ListAudit", VIEWER));
    controller("ControllerService", Map.of("GetControllerInfo", VIEWER));
    controller("ScrubService", Map.of(
        "SetScrubSchedule", OPERATOR, "ListScrubSchedules", VIEWER, "RunScrub", OPERATOR,
        "ListScrubHistory", VIEWER));
    // A rule's program runs on the host as the controller's user (root): admin, as image builds.
    controller("AlertService", Map.of(
        "AddAlertRule", ADMIN, "ListAlertRules", VIEWER, "RemoveAlertRule", ADMIN,
        "TestAlertRule", OPERATOR));

    agent("GuestAgent", Map.of(
        "GetInfo", VIEWER, "ListBlockDevices", VIEWER, "Shutdown", ADMIN, "RestartAgent", ADMIN,
        "ReadAudit", VIEWER, "InstallAgent", ADMIN, "RollbackAgent", ADMIN));
    agent("Events", Map.of("Watch", VIEWER));
    agent("Disks", Map.of("Benchmark", OPERATOR, "Partition", ADMIN));
    agent("Raid", Map.ofEntries(
        Map.entry("CreateArray", ADMIN), Map.entry("ListArrays", VIEWER),
        Map.entry("GetArray", VIEWER), Map.entry("ExamineMember", VIEWER),
        Map.entry("SetSyncAction", OPERATOR), Map.entry("FailMember", ADMIN),
        Map.entry("RemoveMember", ADMIN), Map.entry("AddMember", ADMIN),
        Map.entry("ZeroSuperblock", ADMIN), Map.entry("ReplaceMember", ADMIN),
        Map.entry("GetMdstat", VIEWER), Map.entry("SetSyncSpeedLimit", OPERATOR),
        Map.entry("ResumeSync", OPERATOR),
        // Puts a new disk in and rewrites every stripe of the array.
        Map.entry("GrowArray", ADMIN),
        // A spare holds no data yet, but adding one overwrites the device.
        Map.entry("AddSpare", ADMIN), Map.entry("RemoveSpare", ADMIN),
        // Stopping takes the data offline (and may unmount); assembling only brings an array
        // back as it was; retiring wipes the members' superblocks.
        Map.entry("StopArray", ADMIN), Map.entry("AssembleArray", OPERATOR),
        Map.entry("RetireArray", ADMIN),
        // Neither moves data: a bitmap only marks regions, write-mostly only steers reads.
        Map.entry("SetBitmap", OPERATOR), Map.entry("SetWriteMostly", OPERATOR)));
    agent("Filesystems", Map.of(
        "MakeFilesystem", ADMIN, "Mount", OPERATOR, "Unmount", OPERATOR, "GetUsage", VIEWER,
        "CheckFilesystem", ADMIN));
    agent("Files", Map.of("WriteTestFile", OPERATOR, "ChecksumFiles", VIEWER));
    agent("Boot", Map.of(
        "PersistArray", OPERATOR, "AddFstabEntry", OPERATOR, "UpdateInitramfs", OPERATOR,
        "GetBootState", VIEWER, "AwaitBoot", VIEWER));
    agent("Operations", Map.of(
        "GetOperation", VIEWER, "ListOperations", VIEWER, "WaitOperation", VIEWER));
  }

  private RpcRoles() {}

  /**
   * The lowest role that may call {@code fullMethodName} ("raidvm.agent.v1.Raid/FailMember");
   * empty for a method the table does not know.
   */
  public static Optional<Role> needed(String fullMethodName) {
    return Optional.ofNullable(TABLE.get(fullMethodName));
  }

  /**
   * Whether a call of {@code fullMethodName} may change something: it needs more than the viewer
   * role, or the table does not know it. Both audit trails — the controller's and the agent's —
   * record exactly these calls.
   */
  public static boolean changes(String fullMethodName) {
    return needed(fullMethodName).filter(VIEWER::equals).isEmpty();
  }

  /** The whole table, for tests and documentation. */
  public static Map<String, Role> table() {
    return Map.copyOf(TABLE);
  }

  private static void controller(String service, Map<String, Role> methods) {
    add(CONTROLLER + service, methods);
  }

  private static void agent(String service, Map<String, Role> methods) {
    add(AGENT + service, methods);
  }

  private static void add(String service, Map<String, Role> methods) {
    methods.forEach((method, role) -> TABLE.put(service + "/" + method, role));
  }
}
