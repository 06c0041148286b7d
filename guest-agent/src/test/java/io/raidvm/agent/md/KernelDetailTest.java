package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.agent.testing.CapturedSysfs;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.agent.testing.GuestSuites;
import io.raidvm.api.agent.v1.Array;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answer worked out from /proc/mdstat and md sysfs equals the one built from mdadm's own
 * {@code --detail} and {@code --detail --export}, on every captured state that has all four
 * taken together (the mdstat first, then mdadm, then sysfs, with nothing changing the array in
 * between): creation and its recovery, healthy, a check, a failed member, a removed one, a
 * recovery, a raid1 with a write-mostly member, a raid1 with a spare and a bitmap whose resync is
 * DELAYED, a raid0, an auto-read-only raid1 with a PENDING resync, and an inactive array.
 */
class KernelDetailTest {

  /**
   * One captured moment of one array.
   *
   * @param staticFrom a full sysfs copy of the same array earlier in the same scenario, for the
   *     files a snapshot taken while a sync ran left out (level, raid_disks, chunk_size, layout,
   *     metadata_version, uuid: none of them changes without a reshape or a new array); "" when
   *     the snapshot is complete
   * @param arrayStateForMdadm the array_state mdadm found when it was not the sysfs copy's (the
   *     array changed between the two reads, see {@link #CHECK_STARTED}); "" when they agree
   */
  record Moment(String array, String mdstat, String detail, String sysfs, String staticFrom,
      String arrayStateForMdadm) {
    Moment(String array, String mdstat, String detail, String sysfs, String staticFrom) {
      this(array, mdstat, detail, sysfs, staticFrom, "");
    }

    @Override
    public String toString() {
      return detail + "detail of " + array;
    }
  }

  /**
   * The check just started (06), md127 mounted since 05: the sysfs copy caught array_state
   * {@code active} (md says so while the array is written to, until safe_mode_delay, 0.204 s,
   * passes without writes), and mdadm, run right after the copy, found it {@code clean}. The
   * copy is checked as it is in {@link #anArrayBeingWrittenTo_isActive}; here it stands with the
   * array_state mdadm read.
   */
  private static final Moment CHECK_STARTED = new Moment("md127", "06-check/mdstat-checking",
      "06-check/checking-", "06-check/sysfs-md127-checking", "", "clean");

  static Stream<Arguments> moments() {
    return Stream.of(
        new Moment("md127", "03-raid5-create/mdstat", "03-raid5-create/",
            "03-raid5-create/sysfs-md127", ""),
        new Moment("md127", "03-raid5-create/mdstat-p4", "03-raid5-create/p4-",
            "03-raid5-create/sysfs-md127-p4", "03-raid5-create/sysfs-md127"),
        new Moment("md127", "04-raid5-synced/mdstat", "04-raid5-synced/",
            "04-raid5-synced/sysfs-md127", ""),
        CHECK_STARTED,
        new Moment("md127", "07-fail/mdstat", "07-fail/", "07-fail/sysfs-md127", ""),
        new Moment("md127", "08-remove/mdstat", "08-remove/", "08-remove/sysfs-md127", ""),
        new Moment("md127", "10-recovery/mdstat", "10-recovery/", "10-recovery/sysfs-md127",
            ""),
        new Moment("md127", "10-recovery/mdstat-p2", "10-recovery/p2-",
            "10-recovery/sysfs-md127-p2", "10-recovery/sysfs-md127"),
        new Moment("md127", "11-remove-busy/mdstat-after-fail", "11-remove-busy/after-fail-",
            "11-remove-busy/sysfs-md127-after-fail", ""),
        new Moment("md127", "12-readd/mdstat-healthy", "12-readd/healthy-",
            "12-readd/sysfs-md127-healthy", "10-recovery/sysfs-md127"),
        new Moment("md125", "14-raid1-partitions/mdstat-delayed", "14-raid1-partitions/md125-",
            "14-raid1-partitions/sysfs-md125", ""),
        new Moment("md124", "14-raid1-partitions/mdstat-delayed", "14-raid1-partitions/md124-",
            "14-raid1-partitions/sysfs-md124", ""),
        new Moment("md123", "14-raid1-partitions/mdstat-delayed", "14-raid1-partitions/md123-",
            "14-raid1-partitions/sysfs-md123", ""),
        new Moment("md124", "15-auto-read-only/mdstat-auto-read-only",
            "15-auto-read-only/md124-", "15-auto-read-only/sysfs-md124", ""),
        new Moment("md127", "18-inactive/mdstat-inactive-incremental", "18-inactive/inactive-",
            "18-inactive/sysfs-inactive", "")
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moments")
  void theKernelsAnswer_isMdadms(Moment moment) {
    MdstatArray entry = Mdstat.parse(Fixtures.read("guest/" + moment.mdstat() + ".stdout"))
        .array(moment.array()).orElseThrow();
    MdSysfs sysfs = sysfs(moment);
    MdadmDetail mdadm = MdadmDetail.parse(
        Fixtures.read("guest/" + moment.detail() + "detail-export.stdout"),
        Fixtures.read("guest/" + moment.detail() + "detail.stdout"));

    MdadmDetail kernel = KernelDetail.of(entry, sysfs, ArrayIdentity.of(mdadm), name -> true);

    assertEquals(sysfs.raidDisks() == 0 ? withoutLevel(mdadm) : mdadm, kernel);
    assertEquals(ArrayInspector.array(entry, mdadm, sysfs),
        ArrayInspector.array(entry, kernel, sysfs));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moments")
  void aMemberWhoseDeviceIsGone_isNotListed_asMdadmCannotOpenIt(Moment moment) {
    MdstatArray entry = Mdstat.parse(Fixtures.read("guest/" + moment.mdstat() + ".stdout"))
        .array(moment.array()).orElseThrow();
    MdSysfs sysfs = sysfs(moment);
    String gone = sysfs.members().get(0).name();

    Array array = ArrayInspector.array(entry, KernelDetail.of(entry, sysfs,
        new ArrayIdentity("u", "n"), name -> !name.equals(gone)), sysfs);

    assertEquals(sysfs.members().size() - 1, array.getMembersCount());
    assertEquals(List.of(), array.getMembersList().stream()
        .filter(m -> m.getDevice().equals("/dev/" + gone)).toList());
  }

  @Test
  void anArrayBeingWrittenTo_isActive() {
    Moment moment = CHECK_STARTED;
    MdstatArray entry = Mdstat.parse(Fixtures.read("guest/" + moment.mdstat() + ".stdout"))
        .array(moment.array()).orElseThrow();
    MdSysfs copy = MdSysfs.parse(CapturedSysfs.files(moment.sysfs()));
    MdadmDetail mdadm = MdadmDetail.parse(
        Fixtures.read("guest/" + moment.detail() + "detail-export.stdout"),
        Fixtures.read("guest/" + moment.detail() + "detail.stdout"));

    assertEquals("active", copy.arrayState());
    assertEquals(List.of("active", "checking"),
        KernelDetail.of(entry, copy, ArrayIdentity.of(mdadm), name -> true).states());
    assertEquals(List.of("clean", "checking"), mdadm.states());
  }

  /**
   * mdadm names an inactive array's level from a member's superblock ("raid5"); the kernel has
   * none yet. The answer takes the level from /proc/mdstat (none), so both answers agree.
   */
  private static MdadmDetail withoutLevel(MdadmDetail d) {
    return new MdadmDetail("", d.raidDevices(), d.metadata(), d.uuid(), d.name(), d.states(),
        d.arraySizeKib(), d.chunkKib(), d.layout(), d.activeDevices(), d.workingDevices(),
        d.failedDevices(), d.spareDevices(), d.devices());
  }

  private static MdSysfs sysfs(Moment moment) {
    Map<String, String> files = new HashMap<>();
    if (!moment.staticFrom().isEmpty()) {
      Map<String, String> full = CapturedSysfs.files(moment.staticFrom());
      for (String name : List.of("level", "raid_disks", "chunk_size", "layout",
          "metadata_version", "uuid")) {
        files.put(name, full.get(name));
      }
    }
    files.putAll(CapturedSysfs.files(moment.sysfs()));
    if (!moment.arrayStateForMdadm().isEmpty()) {
      files.put("array_state", moment.arrayStateForMdadm() + "\n");
    }
    return MdSysfs.parse(files);
  }

  /**
   * The arrays that stood still on every suite (04 healthy, 07 a member failed, 08 removed):
   * the answer from mdstat and sysfs is mdadm's, mdadm 4.2 on kernel 6.1 and 4.4 on 6.12 alike.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("stillMomentsOnEverySuite")
  void theKernelsAnswer_isMdadms_onEverySuite(String folder, String step) {
    MdstatArray entry = Mdstat.parse(GuestSuites.read(folder, step + "/mdstat.stdout"))
        .array("md127").orElseThrow();
    MdSysfs sysfs = MdSysfs.parse(CapturedSysfs.files(
        GuestSuites.capture(folder, step + "/sysfs-md127")));
    MdadmDetail mdadm = GuestSuites.detail(folder, step + "/");

    assertEquals(mdadm, KernelDetail.of(entry, sysfs, ArrayIdentity.of(mdadm), name -> true));
  }

  static Stream<Arguments> stillMomentsOnEverySuite() {
    return GuestSuites.folders().flatMap(folder -> Stream.of("04-raid5-synced", "07-fail",
        "08-remove").map(step -> Arguments.of(folder, step)));
  }
}
