package io.raidvm.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestTree;
import io.raidvm.api.agent.v1.BootState;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.RaidvmException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootTimesTest {

  /** The capture guest's kernel (fixtures/guest/00-boot/uname). */
  private static final String INITRAMFS = "/boot/initrd.img-6.1.0-50-amd64";
  private static final long BTIME = 1_795_611_600L;
  private static final Instant BOOTED = Instant.ofEpochSecond(BTIME);

  @TempDir
  Path dir;

  private GuestTree tree;

  @BeforeEach
  void guest() {
    tree = new GuestTree(dir);
    tree.write("proc/stat", "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\n"
        + "cpu0 1132 34 1441 11311718 3675 127 438 0 0 0\n"
        + "intr 114930548 113199788 3 0 5 263 0 4\n"
        + "ctxt 1990473\n"
        + "btime " + BTIME + "\n"
        + "processes 2915\n"
        + "procs_running 1\n"
        + "procs_blocked 0\n");
    tree.write("proc/sys/kernel/osrelease", "6.1.0-50-amd64\n");
  }

  /** Writes a guest file modified {@code secondsAfterBoot} after the boot (negative: before). */
  private Instant file(String path, String content, long secondsAfterBoot) throws Exception {
    tree.write(path.substring(1), content);
    Instant modified = BOOTED.plusSeconds(secondsAfterBoot).plusMillis(250);
    Files.setLastModifiedTime(dir.resolve(path.substring(1)), FileTime.from(modified));
    return modified;
  }

  private Instant mdadmConf(long secondsAfterBoot) throws Exception {
    return file(BootConfig.MDADM_CONF, Fixtures.read("guest/00-boot/mdadm.conf.stdout"),
        secondsAfterBoot);
  }

  private Instant fstab(long secondsAfterBoot) throws Exception {
    return file(BootConfig.FSTAB, Fixtures.read("guest/00-boot/fstab.stdout"), secondsAfterBoot);
  }

  private Instant initramfs(long secondsAfterBoot) throws Exception {
    return file(INITRAMFS, "initramfs", secondsAfterBoot);
  }

  private void bootFiles(long conf, long fstab, long initramfs) throws Exception {
    mdadmConf(conf);
    fstab(fstab);
    initramfs(initramfs);
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private BootState state() {
    return new BootTimes(dir).state();
  }

  @Test
  void everythingOlderThanTheBoot_isNeitherStaleNorChanged_andSaysEveryTime() throws Exception {
    Instant conf = mdadmConf(-86_400);
    Instant fstab = fstab(-3_600);
    Instant initramfs = initramfs(-600);

    BootState state = state();

    assertEquals(BootState.newBuilder()
        .setBootedAt(Timestamp.newBuilder().setSeconds(BTIME))
        .setInitramfsPath(INITRAMFS)
        .setInitramfsModifiedAt(timestamp(initramfs))
        .setMdadmConfModifiedAt(timestamp(conf))
        .setFstabModifiedAt(timestamp(fstab))
        .setInitramfsStale(false)
        .setChangedSinceBoot(false)
        .build(), state);
  }

  @Test
  void mdadmConfEditedAfterTheInitramfs_isStale_andChangedSinceBoot() throws Exception {
    bootFiles(120, -3_600, -600);

    BootState state = state();

    assertTrue(state.getInitramfsStale());
    assertTrue(state.getChangedSinceBoot());
  }

  @Test
  void initramfsUpdatedAfterTheEdit_isNotStale_butChangedSinceBoot() throws Exception {
    bootFiles(120, -3_600, 180);

    BootState state = state();

    assertFalse(state.getInitramfsStale());
    assertTrue(state.getChangedSinceBoot());
  }

  @Test
  void onlyFstabChangedSinceBoot_isChanged_butNotStale() throws Exception {
    bootFiles(-86_400, 60, -600);

    BootState state = state();

    assertFalse(state.getInitramfsStale());
    assertTrue(state.getChangedSinceBoot());
  }

  @Test
  void onlyTheInitramfsRebuiltSinceBoot_isChanged_butNotStale() throws Exception {
    bootFiles(-86_400, -3_600, 30);

    BootState state = state();

    assertFalse(state.getInitramfsStale());
    assertTrue(state.getChangedSinceBoot());
  }

  @Test
  void mdadmConfNewerThanAnInitramfsThatIsAlsoOlderThanTheBoot_isStale_butUnchanged()
      throws Exception {
    bootFiles(-60, -3_600, -600);

    BootState state = state();

    assertTrue(state.getInitramfsStale());
    assertFalse(state.getChangedSinceBoot());
  }

  @Test
  void missingMdadmConfAndFstab_haveNoTime_andNothingIsStale() throws Exception {
    initramfs(-600);

    BootState state = state();

    assertFalse(state.hasMdadmConfModifiedAt());
    assertFalse(state.hasFstabModifiedAt());
    assertTrue(state.hasInitramfsModifiedAt());
    assertFalse(state.getInitramfsStale());
    assertFalse(state.getChangedSinceBoot());
  }

  @Test
  void missingInitramfs_hasNoTime_andIsNotStale() throws Exception {
    mdadmConf(60);

    BootState state = state();

    assertEquals(INITRAMFS, state.getInitramfsPath());
    assertFalse(state.hasInitramfsModifiedAt());
    assertFalse(state.getInitramfsStale());
    assertTrue(state.getChangedSinceBoot());
  }

  @Test
  void procStatWithoutBtime_isInternal() {
    tree.write("proc/stat", "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\nctxt 1990473\n");

    RaidvmException e = assertThrows(RaidvmException.class, this::state);

    assertEquals(Kind.INTERNAL, e.kind());
    assertEquals("/proc/stat has no btime line: cannot tell when the guest booted",
        e.getMessage());
  }
}
