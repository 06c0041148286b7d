package io.raidvm.agent.md;

import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts an {@link Array} together from what the kernel and mdadm say: /proc/mdstat (level,
 * delayed/pending, bitmap), {@code mdadm --detail} and its export (identity, state words, counts,
 * devices), sysfs (array_state, degraded, sync position, mismatch count, member flags).
 */
final class ArrayInspector {

  private static final long KIB = 1024;

  private final Mdadm mdadm;
  private final MdKernelFiles kernel;

  ArrayInspector(Mdadm mdadm, MdKernelFiles kernel) {
    this.mdadm = mdadm;
    this.kernel = kernel;
  }

  Mdstat mdstat() {
    return Mdstat.parse(kernel.mdstat());
  }

  /** The array as mdstat lists it; NOT_FOUND when it does not. */
  MdstatArray entry(String name) {
    return mdstat().array(name).orElseThrow(() -> RaidvmException.notFound(
        "no array %s: /proc/mdstat does not list it", name));
  }

  List<Array> list() {
    return mdstat().arrays().stream().map(this::inspect).toList();
  }

  Array get(String name) {
    return inspect(entry(name));
  }

  private Array inspect(MdstatArray entry) {
    Path device = Path.of("/dev", entry.name());
    MdadmDetail detail = MdadmDetail.parse(mdadm.detailExport(device), mdadm.detail(device));
    MdSysfs sysfs = kernel.sysfs(entry.name());
    Array.Builder array = Array.newBuilder()
        .setName(entry.name())
        .setDevice(device.toString())
        .setLevel(entry.level())
        .addAllStates(detail.states())
        .setArrayState(sysfs.arrayState())
        .setSizeBytes(detail.arraySizeKib() * KIB)
        .setChunkKib(detail.chunkKib())
        .setMetadata(detail.metadata())
        .setUuid(detail.uuid())
        .setMdName(detail.name())
        .setLayout(detail.layout())
        .setRaidDevices(detail.raidDevices())
        .setActiveDevices(detail.activeDevices())
        .setWorkingDevices(detail.workingDevices())
        .setFailedDevices(detail.failedDevices())
        .setSpareDevices(detail.spareDevices())
        .setDegraded(sysfs.degraded())
        .setSync(sync(entry, sysfs))
        .setBitmap(bitmap(entry))
        .setMismatchCount(sysfs.mismatchCount())
        .setSummary(ArrayWords.describe(sysfs));
    detail.devices().forEach(d -> array.addMembers(member(d, sysfs)));
    return array.build();
  }

  private static Member member(MdadmDetail.Device device, MdSysfs sysfs) {
    String kernelName = Path.of(device.path()).getFileName().toString();
    Member.Builder member = Member.newBuilder()
        .setDevice(device.path())
        .setRole(device.role())
        .setState(state(device.states()));
    sysfs.member(kernelName).ifPresent(m -> member.addAllFlags(m.flags()).setErrors(m.errors()));
    return member.build();
  }

  /** mdadm's words for a device ("spare rebuilding", "active sync writemostly") as one word. */
  static String state(List<String> words) {
    for (String word : List.of("faulty", "rebuilding", "spare", "active")) {
      if (words.contains(word)) {
        return word;
      }
    }
    return words.isEmpty() ? "" : words.get(0);
  }

  private static SyncStatus sync(MdstatArray entry, MdSysfs sysfs) {
    Progress progress = SyncFollower.progress(sysfs);
    return SyncStatus.newBuilder()
        .setAction(sysfs.syncAction())
        .setPercent(progress.getPercent())
        .setDoneSectors(progress.getDone())
        .setTotalSectors(progress.getTotal())
        .setSpeedKibPerS(progress.getSpeedKibPerS())
        .setEtaSeconds(progress.getEtaSeconds())
        .setDelayed(entry.delayed())
        .setPending(entry.pending())
        .build();
  }

  /** "internal", "none", or the bitmap file mdstat names. */
  private static String bitmap(MdstatArray entry) {
    if (entry.bitmap().isEmpty()) {
      return "none";
    }
    int file = entry.bitmap().indexOf(", file: ");
    return file < 0 ? "internal" : entry.bitmap().substring(file + ", file: ".length()).strip();
  }
}
