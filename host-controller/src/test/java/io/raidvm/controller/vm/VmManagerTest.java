package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.agent.v1.ListBlockDevicesResponse;
import io.raidvm.api.controller.v1.Accel;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.process.FakeCommandRunner;
import io.raidvm.controller.Fixtures;
import io.raidvm.controller.disk.DiskFolder;
import io.raidvm.controller.disk.QemuImg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything up to launching QEMU; QEMU itself is proven by hand (see the report). */
class VmManagerTest {

  @TempDir
  Path state;
  @TempDir
  Path host;
  private final Path image = Path.of("/images/abc123.qcow2");
  private FakeCommandRunner runner;
  private VmManager vms;
  private AgentConnector agents = (vm, paths) -> {
    throw new AssertionError("no agent link without QEMU");
  };
  private final List<AutoCloseable> fakes = new ArrayList<>();

  @AfterEach
  void stopFakes() throws Exception {
    for (AutoCloseable fake : fakes) {
      fake.close();
    }
  }

  /** An agent link that never connects, as while the guest boots. */
  private static final class SilentAgent implements AgentSession {
    @Override
    public AgentStatus status() {
      return AgentStatus.NONE;
    }

    @Override
    public void portChanged(boolean open) { }

    @Override
    public void powerOff(Duration timeout) { }

    @Override
    public void reboot(Duration timeout) { }

    @Override
    public ListBlockDevicesResponse listBlockDevices(Duration timeout) {
      throw RaidvmException.unavailable("the agent does not answer");
    }

    @Override
    public List<io.raidvm.api.agent.v1.Array> listArrays(Duration timeout) {
      throw RaidvmException.unavailable("the agent does not answer");
    }

    @Override
    public java.util.Optional<io.raidvm.api.agent.v1.SystemState> awaitBoot(Duration timeout) {
      throw RaidvmException.unavailable("the agent does not answer");
    }

    @Override
    public void close() { }
  }

  private VmPaths paths(String vm) {
    return new VmStore(state).paths(vm);
  }

  private FakeQemu fakeQemu(String vm) throws IOException {
    FakeQemu qemu = FakeQemu.start(paths(vm));
    fakes.add(qemu);
    return qemu;
  }

  private <T extends AutoCloseable> T fake(T fake) {
    fakes.add(fake);
    return fake;
  }

  private List<List<String>> qemuLaunches() {
    return runner.calls().stream().filter(c -> c.get(0).equals("qemu-system-x86_64")).toList();
  }

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(host.resolve("kvm"), "");
    Files.writeString(host.resolve("cpuinfo"), Fixtures.read("cpuinfo/with-vmx.edited.txt"));
    runner = new FakeCommandRunner()
        .on("qemu-system-x86_64", (c, lines) -> FakeCommandRunner.failed(c, 1,
            "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x0\n"))
        .on(List.of("qemu-img", "create"), (c, lines) -> {
          touch(Path.of(c.argv().get(c.argv().size() - 1)));
          return FakeCommandRunner.ok(c, "");
        });
    vms = newManager(ref -> {
      if (!ref.isEmpty() && !ref.equals("abc123")) {
        throw RaidvmException.notFound("image '%s' does not exist", ref);
      }
      return image;
    });
  }

  private VmManager newManager(ImageResolver images) {
    return new VmManager(new VmStore(state), new DiskFolder(state), images, new QemuImg(runner),
        new QemuLauncher(runner), new AccelProbe(host.resolve("kvm"), host.resolve("cpuinfo")),
        (vm, paths) -> agents.open(vm, paths), (vm, kind, disk, detail) -> { });
  }

  private static void touch(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static VmSpec spec(String name, String... disks) {
    return VmSpec.newBuilder().setName(name).addAllDataDisks(List.of(disks)).build();
  }

  @Test
  void create_makesOverlayOfResolvedImageAndWritesSpec_stateStopped() {
    touch(state.resolve("disks/d1.qcow2"));
    VmStatus vm = vms.create(spec("vm1", "d1"));
    Path os = state.resolve("vms/vm1/os.qcow2");
    assertEquals(List.of(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b",
        "/images/abc123.qcow2", "-F", "qcow2", os.toString())), runner.calls());
    assertEquals(VmState.STOPPED, vm.state());
    assertEquals(os, vm.osDisk());
    assertEquals(spec("vm1", "d1"), new VmStore(state).read("vm1"));
    assertEquals(List.of("vm1"), vms.vmsListing("d1"));
    assertEquals(List.of(), vms.runningVmsListing("d1"));
  }

  @Test
  void create_withBadName_failsWithInvalidArgumentAndTouchesNothing() throws IOException {
    var e = assertThrows(RaidvmException.class, () -> vms.create(spec("-vm")));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertEquals("VM name '-vm' is not valid: use 1 to 63 characters a-z, 0-9 and '-', starting"
        + " with a letter or digit", e.getMessage());
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void create_withAReservedOrKernelStyleName_failsWithInvalidArgumentAndTouchesNothing()
      throws IOException {
    for (String name : List.of("os", "sdb", "md127")) {
      var e = assertThrows(RaidvmException.class, () -> vms.create(spec(name)));
      assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind(), name);
    }
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void create_withMemoryOrVcpusOutOfRange_failsWithInvalidArgumentNamingTheRange()
      throws IOException {
    var memory = assertThrows(RaidvmException.class,
        () -> vms.create(spec("vm1").toBuilder().setMemoryMib(-1).build()));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, memory.kind());
    assertEquals("memory 4294967295 MiB is out of range: give 256 to 65536 MiB, or 0 for 1024"
        + " MiB", memory.getMessage());
    var vcpus = assertThrows(RaidvmException.class,
        () -> vms.create(spec("vm1").toBuilder().setVcpus(65).build()));
    assertEquals("vCPUs 65 is out of range: give 1 to 64, or 0 for 2", vcpus.getMessage());
    assertEquals(List.of(), Fixtures.filesUnder(state));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void startStopAndReboot_withATimeoutOutOfRange_failWithInvalidArgumentBeforeAnythingRuns() {
    vms.create(spec("vm1"));
    int before = runner.calls().size();
    var start = assertThrows(RaidvmException.class,
        () -> vms.start("vm1", false, Duration.ofSeconds(4294967295L)));
    assertEquals("ready timeout 4294967295 s is out of range: give 1 to 86400 s, or 0 for 600 s",
        start.getMessage());
    var stop = assertThrows(RaidvmException.class,
        () -> vms.stop("vm1", false, Duration.ofSeconds(3601), false));
    assertEquals("stop timeout 3601 s is out of range: give 1 to 3600 s, or 0 for 120 s",
        stop.getMessage());
    var reboot = assertThrows(RaidvmException.class,
        () -> vms.reboot("vm1", Duration.ofSeconds(86401), false));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, reboot.kind());
    assertEquals(before, runner.calls().size());
  }

  @Test
  void startAndStop_withANegativeTimeout_failWithInvalidArgumentBeforeAnythingRuns() {
    vms.create(spec("vm1"));
    new VmStore(state).setDesiredRunning("vm1", true);
    int before = runner.calls().size();
    var start = assertThrows(RaidvmException.class,
        () -> vms.start("vm1", true, Duration.ofSeconds(-5)));
    assertEquals("ready timeout -5 s is out of range: give 1 to 86400 s, or 0 for 600 s",
        start.getMessage());
    var stop = assertThrows(RaidvmException.class,
        () -> vms.stop("vm1", false, Duration.ofSeconds(-1), false));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, stop.kind());
    assertEquals("stop timeout -1 s is out of range: give 1 to 3600 s, or 0 for 120 s",
        stop.getMessage());
    assertEquals(before, runner.calls().size());
    assertTrue(new VmStore(state).desiredRunning("vm1"), "the refused stop changed nothing");
  }

  @Test
  void create_withUnknownDataDisk_failsWithNotFoundAndTouchesNothing() throws IOException {
    var e = assertThrows(RaidvmException.class, () -> vms.create(spec("vm1", "d9")));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
    assertEquals("disk 'd9' does not exist", e.getMessage());
    assertEquals(List.of(), Fixtures.filesUnder(state));
  }

  @Test
  void create_withDiskListedTwice_failsWithInvalidArgument() {
    touch(state.resolve("disks/d1.qcow2"));
    var e = assertThrows(RaidvmException.class, () -> vms.create(spec("vm1", "d1", "d1")));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertFalse(Files.exists(state.resolve("vms")));
  }

  @Test
  void create_withUnknownImage_failsWithNotFoundAndTouchesNothing() throws IOException {
    var e = assertThrows(RaidvmException.class,
        () -> vms.create(spec("vm1").toBuilder().setImage("nope").build()));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
    assertEquals(List.of(), Fixtures.filesUnder(state));
  }

  @Test
  void create_whenOverlayFails_leavesNoFolderBehind() throws IOException {
    runner = new FakeCommandRunner().on("qemu-img", (c, lines) -> FakeCommandRunner.failed(c, 1,
        "qemu-img: Could not open '/images/abc123.qcow2': No such file or directory"));
    vms = newManager(ref -> image);
    var e = assertThrows(RaidvmException.class, () -> vms.create(spec("vm1")));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals(List.of(state.resolve("vms")), Fixtures.filesUnder(state));
  }

  @Test
  void create_whenNameTaken_failsWithAlreadyExists() {
    vms.create(spec("vm1"));
    var e = assertThrows(RaidvmException.class, () -> vms.create(spec("vm1")));
    assertEquals(RaidvmException.Kind.ALREADY_EXISTS, e.kind());
    assertEquals("VM 'vm1' already exists", e.getMessage());
  }

  @Test
  void get_unknownVm_failsWithNotFound() {
    var e = assertThrows(RaidvmException.class, () -> vms.get("nope"));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void start_unknownVm_failsWithNotFound() {
    var e = assertThrows(RaidvmException.class, () -> vms.start("nope", true, Duration.ZERO));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
    assertEquals("VM 'nope' does not exist", e.getMessage());
  }

  @Test
  void start_whenDataDiskWasDeleted_failsWithNotFoundBeforeLaunching() throws IOException {
    touch(state.resolve("disks/d1.qcow2"));
    vms.create(spec("vm1", "d1"));
    Files.delete(state.resolve("disks/d1.qcow2"));
    var e = assertThrows(RaidvmException.class, () -> vms.start("vm1", true, Duration.ZERO));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
    assertEquals(1, runner.calls().size());
  }

  @Test
  void start_whenQemuFailsWithLongOutput_quotesItsLastLinesOnly() {
    String stderr = IntStream.rangeClosed(1, 200).mapToObj(i -> "qemu: warning " + i)
        .collect(Collectors.joining("\n", "", "\nqemu: fatal: no\n"));
    runner.on("qemu-system-x86_64", (c, lines) -> FakeCommandRunner.failed(c, 1, stderr));
    vms.create(spec("vm1").toBuilder().setAccel(Accel.ACCEL_TCG).build());
    var e = assertThrows(RaidvmException.class, () -> vms.start("vm1", true, Duration.ZERO));
    assertTrue(e.getMessage().endsWith("qemu: warning 200\nqemu: fatal: no"), e.getMessage());
    assertFalse(e.getMessage().contains("warning 190\n"), e.getMessage());
  }

  @Test
  void start_whenQemuFailsWithEveryKvmCpu_triesEachThenFailsListingThem() {
    vms.create(spec("vm1").toBuilder().setAccel(Accel.ACCEL_AUTO).build());
    var e = assertThrows(RaidvmException.class, () -> vms.start("vm1", true, Duration.ZERO));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("QEMU did not start VM 'vm1': -accel kvm -cpu host: exit 1:"
        + " qemu-system-x86_64: error: failed to set MSR 0x10a to 0x0; -accel kvm -cpu"
        + " host,-arch-capabilities: exit 1: qemu-system-x86_64: error: failed to set MSR 0x10a"
        + " to 0x0", e.getMessage());
    List<List<String>> launches = runner.calls().subList(1, 3);
    assertEquals(List.of("host", "host,-arch-capabilities"), launches.stream()
        .map(a -> a.get(a.indexOf("-cpu") + 1)).toList());
    assertEquals(VmState.STOPPED, vms.get("vm1").state());
  }

  @Test
  void get_whenQemuIsGoneButVmShouldRun_reportsCrashed_andStopClearsIt() {
    vms.create(spec("vm1"));
    new VmStore(state).setDesiredRunning("vm1", true);
    assertEquals(VmState.CRASHED, vms.get("vm1").state());
    assertEquals(VmState.STOPPED, vms.stop("vm1", false, Duration.ZERO, false).state());
  }

  @Test
  void delete_stoppedVm_removesItsFolderButKeepsDataDisks() {
    touch(state.resolve("disks/d1.qcow2"));
    vms.create(spec("vm1", "d1"));
    vms.delete("vm1");
    assertFalse(Files.exists(state.resolve("vms/vm1")));
    assertTrue(Files.exists(state.resolve("disks/d1.qcow2")));
    assertEquals(List.of(), vms.list().vms());
  }

  @Test
  void list_skipsAVmWhoseSpecCannotBeRead_andStrayEntries_withAWarningEach() throws IOException {
    vms.create(spec("vm1"));
    vms.create(spec("vm2"));
    Files.writeString(state.resolve("vms/vm2/spec.textproto"), "memory_mib: lots\n");
    Files.writeString(state.resolve("vms/README"), "x");

    VmManager.Listing listing = vms.list();

    assertEquals(List.of("vm1"), listing.vms().stream().map(v -> v.spec().getName()).toList());
    assertEquals(2, listing.skipped().size(), listing.skipped().toString());
    assertTrue(listing.skipped().get(0).startsWith(state.resolve("vms/README") + ": "),
        listing.skipped().get(0));
    assertTrue(listing.skipped().get(1).startsWith(state.resolve("vms/vm2")
        + ": cannot read its spec"), listing.skipped().get(1));
    vms.reattachAll();
  }

  @Test
  void rotateConsoleLogs_rotatesEveryLogAboveTheLimit_andLeavesTheOthers() throws IOException {
    vms.create(spec("vm1"));
    vms.create(spec("vm2"));
    Files.write(state.resolve("vms/vm1/console.log"),
        new byte[(int) ConsoleLog.ROTATE_AT_BYTES + 1]);
    Files.writeString(state.resolve("vms/vm2/console.log"), "booted\n");

    vms.rotateConsoleLogs();

    assertEquals(0, Files.size(state.resolve("vms/vm1/console.log")));
    assertEquals(ConsoleLog.ROTATE_AT_BYTES + 1,
        Files.size(state.resolve("vms/vm1/console.log.1")));
    assertEquals("booted\n", Files.readString(state.resolve("vms/vm2/console.log")));
  }

  @Test
  void delete_unknownVm_failsWithNotFound() {
    var e = assertThrows(RaidvmException.class, () -> vms.delete("nope"));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void reboot_unknownVm_failsWithNotFound() {
    var e = assertThrows(RaidvmException.class, () -> vms.reboot("nope", Duration.ZERO, false));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void reboot_stoppedVm_failsWithFailedPrecondition_andRunsNothing() {
    vms.create(spec("vm1"));
    runner.clearCalls();
    var e = assertThrows(RaidvmException.class, () -> vms.reboot("vm1", Duration.ZERO, false));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("VM 'vm1' is STOPPED: only a VM whose agent answers can be rebooted (start it,"
        + " or wait until it is ready)", e.getMessage());
    assertEquals(List.of(), runner.calls());
    assertEquals(VmState.STOPPED, vms.get("vm1").state());
  }

  @Test
  void getAndList_ofAVmWhoseQemuRunsUnattached_reportUnreachable_andConnectToNothing()
      throws IOException {
    vms.create(spec("vm1"));
    FakeQemu qemu = fakeQemu("vm1");
    FakeQmp qmp = fake(FakeQmp.listening(paths("vm1").qmpSocket()));

    VmStatus got = vms.get("vm1");
    VmStatus listed = vms.list().vms().get(0);

    assertEquals(0, qmp.pendingConnections(), "a read connected to QMP");
    for (VmStatus vm : List.of(got, listed)) {
      assertEquals(VmState.UNREACHABLE, vm.state());
      assertEquals(qemu.pid(), vm.pid());
      assertEquals("QEMU runs (pid " + qemu.pid() + ") but this controller is not attached to"
          + " it: it was not re-attached (it started after this controller did?)",
          vm.stateReason());
    }
  }

  @Test
  void reattachAll_whenQmpRefuses_showsUnreachableWithTheReason_andStartStopDeleteRefuse()
      throws IOException {
    vms.create(spec("vm1"));
    new VmStore(state).setDesiredRunning("vm1", true);
    FakeQemu qemu = fakeQemu("vm1");
    FakeQmp.refusing(paths("vm1").qmpSocket());
    runner.clearCalls();

    vms.reattachAll();

    VmStatus vm = vms.get("vm1");
    assertEquals(VmState.UNREACHABLE, vm.state());
    assertEquals(qemu.pid(), vm.pid());
    assertTrue(vm.stateReason().startsWith("QEMU runs (pid " + qemu.pid() + ") but this"
        + " controller is not attached to it: cannot connect to QMP socket "
        + paths("vm1").qmpSocket()), vm.stateReason());
    var start = assertThrows(RaidvmException.class, () -> vms.start("vm1", true, Duration.ZERO));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, start.kind());
    assertTrue(start.getMessage().startsWith("cannot start VM 'vm1': its QEMU runs (pid "
        + qemu.pid() + ") but this controller cannot attach to it: cannot connect to QMP"),
        start.getMessage());
    assertTrue(start.getMessage().endsWith("or end that QEMU (kill " + qemu.pid() + ") and"
        + " start the VM again"), start.getMessage());
    var stop = assertThrows(RaidvmException.class, () -> vms.stop("vm1", true, Duration.ZERO, false));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, stop.kind());
    var delete = assertThrows(RaidvmException.class, () -> vms.delete("vm1"));
    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, delete.kind());
    assertEquals(List.of(), qemuLaunches());
    assertTrue(Files.exists(paths("vm1").pidFile()), "pidfile deleted");
    assertTrue(Files.exists(paths("vm1").qmpSocket()), "QMP socket deleted");
    assertTrue(new VmStore(state).desiredRunning("vm1"), "the refused stop changed the VM");
    assertEquals(VmState.UNREACHABLE, vms.get("vm1").state());
  }

  @Test
  void create_inAFolderWhereAQemuRuns_refusesAndDeletesNothing() throws IOException {
    FakeQemu qemu = fakeQemu("vm1");

    var e = assertThrows(RaidvmException.class, () -> vms.create(spec("vm1")));

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("a QEMU (pid " + qemu.pid() + ") runs from " + paths("vm1").dir() + ", which"
        + " holds no VM spec: nothing was changed; end that QEMU (kill " + qemu.pid() + ")"
        + " first", e.getMessage());
    assertTrue(Files.exists(paths("vm1").pidFile()));
    assertEquals(List.of(), runner.calls());
  }

  @Test
  void start_ofAVmWhoseQemuRunsUnattached_reattachesInsteadOfLaunching() throws IOException {
    vms.create(spec("vm1"));
    new VmStore(state).setDesiredRunning("vm1", true);
    FakeQemu qemu = fakeQemu("vm1");
    fake(FakeQmp.answering(paths("vm1").qmpSocket()));
    agents = (vm, paths) -> new SilentAgent();

    VmStatus vm = vms.start("vm1", true, Duration.ZERO);

    assertEquals(VmState.RUNNING_AGENT_NOT_READY, vm.state());
    assertEquals(qemu.pid(), vm.pid());
    assertEquals(List.of(), qemuLaunches());
  }

  @Test
  void endOf_aVmWhoseQemuIsKilled_namesTheVmHowQemuEndedAndTheLastTenConsoleLines()
      throws Exception {
    vms.create(spec("vm1"));
    new VmStore(state).setDesiredRunning("vm1", true);
    Files.writeString(paths("vm1").consoleLog(), IntStream.rangeClosed(1, 15)
        .mapToObj(i -> "console line " + i + "\n").collect(Collectors.joining()));
    FakeQemu qemu = fakeQemu("vm1");
    FakeQmp qmp = fake(FakeQmp.answering(paths("vm1").qmpSocket()));
    agents = (vm, paths) -> new SilentAgent();
    vms.reattachAll();
    assertEquals(VmState.RUNNING_AGENT_NOT_READY, vms.get("vm1").state());
    assertEquals(java.util.Optional.empty(), vms.endOf("vm1"), "QEMU still runs");

    qemu.kill();
    qmp.hangUp();

    String end = awaitEnd("vm1");
    assertEquals("VM 'vm1' stopped unexpectedly: QEMU ended without a QMP SHUTDOWN event: it was"
        + " killed (SIGKILL) or crashed; its exit status is unknown (it was started by an earlier"
        + " controller, which was its parent) (pid " + qemu.pid() + "). Last lines of "
        + paths("vm1").consoleLog() + ":\n" + IntStream.rangeClosed(6, 15)
            .mapToObj(i -> "console line " + i).collect(Collectors.joining("\n")), end);
    VmStatus vm = vms.get("vm1");
    assertEquals(VmState.CRASHED, vm.state());
    assertEquals(end, vm.stateReason());
  }

  @Test
  void endOf_aVmWhoseQemuShutDownOnASignal_saysSoFromTheQmpEvent() throws Exception {
    vms.create(spec("vm1"));
    new VmStore(state).setDesiredRunning("vm1", true);
    FakeQemu qemu = fakeQemu("vm1");
    FakeQmp qmp = fake(FakeQmp.answering(paths("vm1").qmpSocket()));
    agents = (vm, paths) -> new SilentAgent();
    vms.reattachAll();

    qmp.event("SHUTDOWN", "{\"guest\": false, \"reason\": \"host-signal\"}");
    qemu.kill();
    qmp.hangUp();

    assertTrue(awaitEnd("vm1").startsWith("VM 'vm1' stopped unexpectedly: QEMU shut down (QMP"
        + " SHUTDOWN event, reason host-signal (QEMU received SIGTERM, SIGINT or SIGHUP)) (pid "
        + qemu.pid() + "). Last lines of "), vms.endOf("vm1").orElse(""));
    assertEquals(List.of(), qemuLaunches(), "a QEMU ended by a signal is not started again");
  }

  @Test
  void aGuestRebootUnderAQemuThatEndsOnReboot_startsQemuAgain_andAFailureToStartIsTheVmsEnd()
      throws Exception {
    ColdQemu cold = runningUnderAQemuThatEndsOnReboot();
    assertEquals(List.of(), qemuLaunches());

    cold.guestResets();

    String end = awaitEnd("vm1");
    assertTrue(end.startsWith("VM 'vm1' stopped unexpectedly: its guest rebooted and QEMU could"
        + " not be started again: "), end);
    assertTrue(end.contains("failed to set MSR 0x10a"), "QEMU's own words: " + end);
    List<List<String>> launches = qemuLaunches();
    assertFalse(launches.isEmpty(), "QEMU was started again");
    launches.forEach(argv -> assertEquals("vm1", argv.get(argv.indexOf("-name") + 1)));
    assertEquals(VmState.CRASHED, vms.get("vm1").state());
  }

  @Test
  void aBootWait_whenTheGuestResets_waitsForTheQemuStartedInItsPlace_andSaysWhyNoneCame()
      throws Exception {
    ColdQemu cold = runningUnderAQemuThatEndsOnReboot();
    CompletableFuture<VmStatus> wait = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        wait.complete(vms.awaitReady("vm1", Duration.ofSeconds(30)));
      } catch (RuntimeException e) {
        wait.completeExceptionally(e);
      }
    });
    waiter.start();
    while (waiter.getState() != Thread.State.TIMED_WAITING && !wait.isDone()) {
      Thread.onSpinWait();  // until it polls for the agent
    }

    // The guest's kernel panicked and reset itself (panic=5) before its agent answered.
    cold.guestResets();

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> wait.get(20, TimeUnit.SECONDS));
    RaidvmException cause = (RaidvmException) e.getCause();
    assertEquals(RaidvmException.Kind.UNAVAILABLE, cause.kind());
    assertTrue(cause.getMessage().startsWith("VM 'vm1' stopped unexpectedly: its guest rebooted"
        + " and QEMU could not be started again: "), cause.getMessage());
    assertFalse(cause.getMessage().contains("before its agent answered"),
        "the reset is not taken for the end of the VM: " + cause.getMessage());
    assertFalse(qemuLaunches().isEmpty(), "QEMU was started again");
  }

  /** vm1's stand-in QEMU, which ends when its guest resets ({@code -no-reboot}). */
  private record ColdQemu(FakeQemu qemu, FakeQmp qmp) {
    void guestResets() throws Exception {
      qmp.event("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-reset\"}");
      qemu.kill();
      qmp.hangUp();
    }
  }

  /** vm1 runs under a {@link ColdQemu}, re-attached, with an agent that never answers. */
  private ColdQemu runningUnderAQemuThatEndsOnReboot() throws Exception {
    vms.create(spec("vm1"));
    new VmStore(state).setDesiredRunning("vm1", true);
    FakeQemu qemu = fake(FakeQemu.startRebootingCold(paths("vm1")));
    FakeQmp qmp = fake(FakeQmp.answering(paths("vm1").qmpSocket()));
    agents = (vm, paths) -> new SilentAgent();
    vms.reattachAll();
    return new ColdQemu(qemu, qmp);
  }

  private String awaitEnd(String vm) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() - deadline < 0) {
      var end = vms.endOf(vm);
      if (end.isPresent()) {
        return end.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the end of VM " + vm + " was not recorded within 10 s");
  }
}
