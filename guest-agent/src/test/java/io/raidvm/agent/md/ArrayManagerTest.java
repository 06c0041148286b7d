package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.agent.testing.ArgvDifference;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Bitmap;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.MemberSuperblock;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.SetSyncActionRequest.Action;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import io.raidvm.common.error.ToolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrayManagerTest {

  private static final List<String> CREATE = List.of("mdadm", "--create", "/dev/md127", "--run",
      "--metadata=1.0", "--level=5", "--raid-devices=4", "--chunk=512", "--bitmap=none",
      "/dev/sdb1", "/dev/sdc1", "/dev/sdd1", "/dev/sde1");

  @TempDir
  Path root;

  private MdGuest guest;
  private ArrayManager arrays;

  @BeforeEach
  void guest() {
    guest = new MdGuest(root);
    arrays = new ArrayManager(guest.context());
  }

  private static CreateArrayRequest.Builder raid5() {
    return CreateArrayRequest.newBuilder().setArray("/dev/md127").setLevel("raid5")
        .setMetadata("1.0").setChunkKib(512).setBitmap(Bitmap.BITMAP_NONE)
        .addAllDevices(List.of("d1-part1", "sdc1", "/dev/sdd1", "sde1"));
  }

  private RaidvmException refusedCreate(CreateArrayRequest.Builder request) {
    guest.mdstat("03-raid5-create/mdstat-before");
    RaidvmException e = assertThrows(RaidvmException.class, () -> arrays.create(request.build()));
    assertEquals(List.of(), guest.mdadmCalls());
    return e;
  }

  @Test
  void create_runsMdadmWithRunAndBitmap_thenFollowsTheInitialSyncToItsEnd() throws Exception {
    guest.mdstat("03-raid5-create/mdstat-before");
    List.of("/dev/sdb1", "/dev/sdc1", "/dev/sdd1", "/dev/sde1").forEach(guest::blank);
    guest.answer(CREATE, "03-raid5-create/mdadm-create", ArgvDifference.because("ArrayManager"
            + " puts --run first and writes --metadata=1.0; mdadm reads the same request")
            .respelled(List.of("--metadata", "1.0"), "--metadata=1.0").reordered())
        .sysfs("03-raid5-create/sysfs-md127")
        // Every snapshot of 03 caught the recovery running (throttled); 04 is the array after it.
        .thenSysfsOver("03-raid5-create/sysfs-md127", "03-raid5-create/sysfs-md127-p1")
        .thenSysfs("04-raid5-synced/sysfs-md127");
    guest.runner.effect(CREATE, () -> {
      guest.events.add(String.join(" ", CREATE));
      guest.mdstat("03-raid5-create/mdstat");
    });
    guest.detail("04-raid5-synced", "");

    Operation started = arrays.create(raid5().build());
    Operation done = guest.awaitEnd(started);

    assertEquals("create-array", started.getKind());
    assertEquals("/dev/md127", started.getTarget());
    assertEquals(List.of(CREATE), guest.mdadmCalls().subList(0, 1));
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals(List.of(String.join(" ", CREATE), "pause 1 s", "pause 1 s"), guest.events);
    assertEquals("recover", done.getProgress().getPhase());
    assertEquals(100, done.getProgress().getPercent());
    assertEquals(128000, done.getProgress().getTotal());
    assertEquals("raid5", done.getArray().getLevel());
    assertEquals(0, done.getArray().getDegraded());
  }

  @Test
  void create_withTooFewDevicesForTheLevel_isInvalidArgument_andRunsNothing() {
    RaidvmException e = refusedCreate(raid5().clearDevices().addDevices("sdb1")
        .addDevices("sdc1"));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("RAID 5 needs at least 3 devices, got 2", e.getMessage());
  }

  @Test
  void create_withoutBitmapChoice_isInvalidArgument_andRunsNothing() {
    RaidvmException e = refusedCreate(raid5().setBitmap(Bitmap.BITMAP_UNSPECIFIED));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().startsWith("bitmap is missing"), e.getMessage());
  }

  @Test
  void create_withChunkNotAPowerOfTwo_isInvalidArgument_andRunsNothing() {
    RaidvmException e = refusedCreate(raid5().setChunkKib(96));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("chunk size 96 KiB is not valid: give a power of two of at least 4 KiB, e.g."
        + " 512", e.getMessage());
  }

  @Test
  void create_raid1WithChunk_orUnknownMetadataOrLevel_isInvalidArgument_andRunsNothing() {
    assertEquals("raid1 has no chunk size: leave chunk_kib at 0",
        refusedCreate(raid5().setLevel("1")).getMessage());
    assertEquals("metadata '1.3' is not valid: give 1.0, 1.1, 1.2 or 0.90",
        refusedCreate(raid5().setMetadata("1.3")).getMessage());
    assertEquals(Kind.INVALID_ARGUMENT, refusedCreate(raid5().setLevel("raid7")).kind());
  }

  @Test
  void create_withTheSameDeviceTwiceUnderTwoNames_isInvalidArgument_andRunsNothing() {
    RaidvmException e = refusedCreate(raid5().setDevices(1, "d1-part1"));

    assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("device /dev/sdb1 is given twice (as 'd1-part1' and 'd1-part1')",
        e.getMessage());
  }

  @Test
  void create_whenTheArrayExists_isFailedPrecondition_andRunsNothing() {
    guest.mdstat("04-raid5-synced/mdstat");
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> arrays.create(raid5().build()));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("array md127 already exists (active raid5)", e.getMessage());
    assertEquals(List.of(), guest.mdadmCalls());
  }

  @Test
  void create_onTheOsDisk_isRefusedEvenWithForce_andRunsNothing() {
    RaidvmException e = refusedCreate(raid5().setDevices(3, "sda1").setForce(true));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("OS disk"), e.getMessage());
  }

  @Test
  void create_overAFilesystem_isFailedPreconditionWithoutForce_andRunsNoMdadm() {
    List.of("/dev/sdb1", "/dev/sdc1", "/dev/sdd1").forEach(guest::blank);
    guest.runner.answer(List.of("blkid", "-p", "-o", "export", "/dev/sde1"), 0,
        "UUID=1b6d\nTYPE=ext4\nUSAGE=filesystem\n", "");

    RaidvmException e = refusedCreate(raid5());

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("cannot build md127 on /dev/sde1"), e.getMessage());
  }

  @Test
  void get_degradedRecoveringArray_fromMdstatDetailAndSysfs() {
    guest.mdstat("10-recovery/mdstat").sysfs("10-recovery/sysfs-md127")
        .detail("10-recovery", "");

    Array a = arrays.get("md127");

    assertEquals("md127", a.getName());
    assertEquals("/dev/md127", a.getDevice());
    assertEquals("raid5", a.getLevel());
    assertEquals("clean", a.getArrayState());
    assertEquals(192000L * 1024, a.getSizeBytes());
    assertEquals(512, a.getChunkKib());
    assertEquals("1.0", a.getMetadata());
    assertEquals("raidvm:127", a.getMdName());
    assertEquals(1, a.getDegraded());
    assertEquals("none", a.getBitmap());
    assertEquals("recover", a.getSync().getAction());
    assertEquals(8008, a.getSync().getDoneSectors());
    assertEquals(128000, a.getSync().getTotalSectors());
    assertEquals(349, a.getSync().getSpeedKibPerS());
    assertEquals((128000 - 8008) / 2 / 349, a.getSync().getEtaSeconds());
    Member rebuilding = a.getMembersList().stream()
        .filter(m -> m.getDevice().equals("/dev/sdc1")).findFirst().orElseThrow();
    assertEquals("rebuilding", rebuilding.getState());
    assertEquals(1, rebuilding.getRole());
    assertEquals(List.of("spare"), rebuilding.getFlagsList());
  }

  private static final List<String> DETAIL_EXPORT =
      List.of("mdadm", "--detail", "--export", "/dev/md127");

  @Test
  void get_asksMdadmOnlyForTheIdentity_once_thenReadsOnlyTheKernelsFiles() {
    guest.mdstat("10-recovery/mdstat").sysfs("10-recovery/sysfs-md127")
        .detail("10-recovery", "");

    Array first = arrays.get("md127");
    guest.mdstat("10-recovery/mdstat-p2")
        .sysfs("10-recovery/sysfs-md127", "10-recovery/sysfs-md127-p2");
    Array second = arrays.get("md127");

    assertEquals(List.of(DETAIL_EXPORT), guest.mdadmCalls());
    assertEquals("db0609c2:27c2052f:bdc9c4d6:f961e8b0", second.getUuid());
    assertEquals("raidvm:127", second.getMdName());
    assertTrue(second.getSync().getDoneSectors() > first.getSync().getDoneSectors(),
        "the second answer follows the kernel's files");
  }

  @Test
  void get_asksMdadmAgain_whenTheKernelsUuidChanged_orTheArrayWasForgotten() {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");
    MdContext md = guest.context();
    ArrayManager arrays = new ArrayManager(md);

    arrays.get("md127");
    guest.tree.write("sys/block/md127/md/uuid", "11111111-2222-3333-4444-555555555555\n");
    arrays.get("md127");
    md.identities().forget("md127");
    arrays.get("md127");
    arrays.get("md127");

    assertEquals(List.of(DETAIL_EXPORT, DETAIL_EXPORT, DETAIL_EXPORT), guest.mdadmCalls());
  }

  @Test
  void getFromMdadm_isTheSameAnswer_builtFromMdadmsDetail() {
    guest.mdstat("07-fail/mdstat").sysfs("07-fail/sysfs-md127").detail("07-fail", "");

    Array fromMdadm = arrays.getFromMdadm("md127");

    assertEquals(List.of(DETAIL_EXPORT, List.of("mdadm", "--detail", "/dev/md127")),
        guest.mdadmCalls());
    assertEquals(fromMdadm, arrays.get("md127"));
  }

  @Test
  void get_unknownArray_isNotFound() {
    guest.mdstat("04-raid5-synced/mdstat");

    RaidvmException e = assertThrows(RaidvmException.class, () -> arrays.get("md99"));

    assertEquals(Kind.NOT_FOUND, e.kind());
  }

  @Test
  void examine_aDeviceWithoutSuperblock_isNotFound() {
    guest.answer(List.of("mdadm", "--examine", "--export", "/dev/sdc1"),
        "09-zero-superblock/examine-after", ArgvDifference.because("captured without --export;"
            + " mdadm's Examine reports a missing superblock before it looks at --export")
            .added("--export"));

    RaidvmException e = assertThrows(RaidvmException.class, () -> arrays.examine("d2-part1"));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("/dev/sdc1 (d2-part1) has no md superblock", e.getMessage());
  }

  @Test
  void examine_aMember() {
    guest.answer(List.of("mdadm", "--examine", "--export", "/dev/sdb1"),
            "04-raid5-synced/examine-export")
        .answer(List.of("mdadm", "--examine", "/dev/sdb1"), "04-raid5-synced/examine");

    MemberSuperblock sb = arrays.examine("sdb1");

    assertEquals("/dev/sdb1", sb.getDevice());
    assertEquals("847e64c9:59c45746:1f300f04:1d2d1c64", sb.getDeviceUuid());
    assertEquals(0, sb.getRole());
    assertEquals(18, sb.getEvents());
  }

  @Test
  void check_writesSyncAction_andEndsWithTheMismatchCountWhenIdleAgain() throws Exception {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");

    Operation started = arrays.setSyncAction("md127", Action.CHECK);
    guest.sysfs("06-check/sysfs-md127-checking")
        .thenSysfsOver("06-check/sysfs-md127-checking", "06-check/sysfs-md127-checking-p2")
        .thenSysfs("04-raid5-synced/sysfs-md127");
    Operation done = guest.awaitEnd(started);

    assertEquals("check", started.getKind());
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
    assertEquals("write check to md127 sync_action", guest.events.get(0));
    assertEquals(0, done.getArray().getMismatchCount());
  }

  @Test
  void check_onADegradedArray_isFailedPrecondition_andWritesNothing() {
    guest.sysfs("07-fail/sysfs-md127");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> arrays.setSyncAction("md127", Action.CHECK));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("cannot check md127: it is degraded (1 member(s) missing); add a device and"
        + " let it rebuild first", e.getMessage());
    assertEquals(List.of(), guest.events);
  }

  @Test
  void repair_whileARecoveryRuns_isFailedPrecondition_andWritesNothing() {
    guest.sysfs("06-check/sysfs-md127-checking");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> arrays.setSyncAction("md127", Action.REPAIR));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("cannot repair md127: a check is running"),
        e.getMessage());
    assertEquals(List.of(), guest.events);
  }

  @Test
  void idle_isWritten_andTheOperationHasEnded() {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");

    Operation op = arrays.setSyncAction("md127", Action.IDLE);

    assertEquals(Operation.State.SUCCEEDED, op.getState());
    assertEquals(List.of("write idle to md127 sync_action"), guest.events);
  }

  @Test
  void syncAction_unspecified_isInvalidArgument() {
    assertEquals(Kind.INVALID_ARGUMENT, assertThrows(RaidvmException.class,
        () -> arrays.setSyncAction("md127", Action.ACTION_UNSPECIFIED)).kind());
  }

  private Path syncSpeedMax() {
    return root.resolve("sys/block/md127/md/sync_speed_max");
  }

  private MdGuest synced() {
    return guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");
  }

  @Test
  void syncSpeedLimit_writesTheNumber_andReturnsTheArray() throws Exception {
    synced();

    Array a = arrays.setSyncSpeedLimit("/dev/md127", 2000);

    assertEquals("2000\n", Files.readString(syncSpeedMax()));
    assertEquals("md127", a.getName());
    assertEquals("raid5", a.getLevel());
  }

  @Test
  void syncSpeedLimit_zero_writesSystem() throws Exception {
    synced();

    arrays.setSyncSpeedLimit("md127", 0);

    assertEquals("system\n", Files.readString(syncSpeedMax()));
  }

  @Test
  void syncSpeedLimit_belowMdsMinimumOrBeyondAnUnsignedInt_isInvalidArgument_andWritesNothing()
      throws Exception {
    synced();
    String before = Files.readString(syncSpeedMax());

    for (long bad : new long[] {1, 999, 0x1_0000_0000L, -1}) {
      RaidvmException e = assertThrows(RaidvmException.class,
          () -> arrays.setSyncSpeedLimit("md127", bad));
      assertEquals(Kind.INVALID_ARGUMENT, e.kind(), e.getMessage());
      assertTrue(e.getMessage().startsWith("sync speed limit " + Long.toUnsignedString(bad)
          + " KiB/s is not valid"), e.getMessage());
    }
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> arrays.setSyncSpeedLimit("md127", 999));

    assertEquals("sync speed limit 999 KiB/s is not valid: give 0 for the system-wide limit, or"
        + " 1000 to 4294967295 KiB/s (md never throttles a sync below its minimum speed, 1000"
        + " KiB/s by default, so a lower cap would do nothing)", e.getMessage());
    assertEquals("200000 (system)\n", before);
    assertEquals(before, Files.readString(syncSpeedMax()));
  }

  @Test
  void syncSpeedLimit_ofAnUnknownArray_isNotFound_andWritesNothing() throws Exception {
    synced();

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> arrays.setSyncSpeedLimit("md99", 2000));

    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("no array md99: /dev/md99 does not exist", e.getMessage());
    assertEquals("200000 (system)\n", Files.readString(syncSpeedMax()));
    assertFalse(Files.exists(root.resolve("sys/block/md99")));
  }

  @Test
  void syncSpeedLimit_ofARaid0_isFailedPrecondition_andWritesNothing() {
    guest.sysfs("14-raid1-partitions/sysfs-md123");

    RaidvmException e = assertThrows(RaidvmException.class,
        () -> arrays.setSyncSpeedLimit("md127", 2000));

    assertEquals(Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("md127 is raid0: it has no redundancy to check or sync", e.getMessage());
    assertFalse(Files.exists(syncSpeedMax()));
  }

  @Test
  void mdadmFailure_keepsItsExitCodeAndStderr() {
    guest.mdstat("03-raid5-create/mdstat-before");
    List.of("/dev/sdb1", "/dev/sdc1", "/dev/sdd1", "/dev/sde1").forEach(guest::blank);
    guest.answer(CREATE, 2, "", "mdadm: cannot open /dev/sdb1: Device or resource busy\n");

    ToolException e = assertThrows(ToolException.class, () -> arrays.create(raid5().build()));

    assertEquals(2, e.exitCode());
    assertEquals("mdadm: cannot open /dev/sdb1: Device or resource busy\n", e.stderr());
  }

  @Test
  void resumeSync_onAnAutoReadOnlyArrayWithAPendingResync_makesItWritable_andFollowsTheSync()
      throws Exception {
    List<String> readWrite = List.of("mdadm", "--readwrite", "/dev/md127");
    guest.mdstat("04-raid5-synced/mdstat").sysfs("15-auto-read-only/sysfs-md124")
        .detail("12-readd", "healthy-")
        .answer(readWrite, 0, "", "")
        .thenSysfsOver("10-recovery/sysfs-md127", "12-readd/sysfs-md127-healthy");
    guest.runner.effect(readWrite, () -> {
      guest.events.add(String.join(" ", readWrite));
      guest.sysfs("10-recovery/sysfs-md127");
    });

    Operation started = arrays.resumeSync("md127");
    Operation done = guest.awaitEnd(started);

    assertEquals(List.of(readWrite), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
    assertEquals("resume-sync", started.getKind());
    assertEquals(Operation.State.SUCCEEDED, done.getState(), done.getErrorMessage());
  }

  @Test
  void resumeSync_onAHealthyArray_endsAtOnce_andRunsNoMdadm() {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("12-readd", "healthy-");

    Operation op = arrays.resumeSync("md127");

    assertEquals(Operation.State.SUCCEEDED, op.getState());
    assertEquals(List.of(), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
  }

  @Test
  void resumeSync_onAnArrayBootLeftInactive_startsItDegraded_asMdadmsLastResortWould() {
    List<String> run = List.of("mdadm", "--run", "/dev/md127");
    guest.mdstat("04-raid5-synced/mdstat").sysfs("18-inactive/sysfs-inactive")
        .detail("12-readd", "healthy-")
        .answer(run, 0, "", "mdadm: started array /dev/md/127\n");
    guest.runner.effect(run, () -> {
      guest.events.add(String.join(" ", run));
      guest.sysfs("04-raid5-synced/sysfs-md127");
    });

    Operation op = arrays.resumeSync("md127");

    assertEquals(List.of(run), guest.mdadmCalls().stream()
        .filter(argv -> !argv.contains("--detail")).toList());
    assertEquals(Operation.State.SUCCEEDED, op.getState());
  }

  @Test
  void resumeSync_whenMdWillNotStartADirtyDegradedArray_saysWhy_andForcesNothing() {
    List<String> run = List.of("mdadm", "--run", "/dev/md127");
    guest.mdstat("04-raid5-synced/mdstat").sysfs("18-inactive/sysfs-inactive")
        .answer(run, 1, "", "mdadm: failed to start array /dev/md/raidvm:127: Input/output"
            + " error\n");

    RaidvmException e = assertThrows(RaidvmException.class, () -> arrays.resumeSync("md127"));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertTrue(e.getMessage().startsWith("md127 did not start: mdadm failed (exit 1): mdadm:"
        + " failed to start array /dev/md/raidvm:127: Input/output error"), e.getMessage());
    assertTrue(e.getMessage().contains("the RAID 5 write hole"), e.getMessage());
    assertEquals(List.of(run), guest.mdadmCalls());
  }
}
