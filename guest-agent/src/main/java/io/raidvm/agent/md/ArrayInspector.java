package io.raidvm.agent.md;

import io.raidvm.agent.block.SysfsBlock;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Member;
import io.raidvm.api.agent.v1.Progress;
import io.raidvm.api.agent.v1.SyncStatus;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Puts an {@link Array} together from the kernel's files: /proc/mdstat (level, size, delayed/
 * pending, bitmap) and sysfs (array_state, degraded, sync position, mismatch count, members),
 * with mdadm's words for them worked out as mdadm would ({@link KernelDetail}) and only the
 * superblock's UUID and name from mdadm, once per array ({@link ArrayIdentities}). So a status
 * call starts no process. {@link #getFromMdadm} builds the same answer from {@code mdadm
 * --detail} and its export, as the agent did before; tests and the e2e check compare the two.
 */
final class ArrayInspector {

  private static final long KIB = 1024;

  private final Mdadm mdadm;
  private final MdKernelFiles kernel;
  private final ArrayIdentities identities;
  private final SysfsBlock block;

  ArrayInspector(Mdadm mdadm, MdKernelFiles kernel, ArrayIdentities identities,
      SysfsBlock block) {
    this.mdadm = mdadm;
    this.kernel = kernel;
    this.identities = identities;
    this.block = block;
  }

  Mdstat mdstat() {
    return Mdstat.parse(kernel.mdstat());
  }

  /** The array as mdstat lists it; NOT_FOUND when it does not. */
  MdstatArray entry(String name) {
    return mdstat().array(name).orElseThrow(() -> RaidvmException.notFound(
        "no array %s: /proc/mdstat does not list it", name));
  }

  /** The array that runs with this UUID (any punctuation), by md/uuid: no process. */
  Optional<String> withUuid(String uuid) {
    String wanted = ExamineScan.hex(uuid);
    return mdstat().arrays().stream().map(MdstatArray::name)
        .filter(name -> kernel.uuid(name).map(ExamineScan::hex).filter(wanted::equals)
            .isPresent())
        .findFirst();
  }

  List<Array> list() {
    return mdstat().arrays().stream().map(this::inspect).toList();
  }

  Array get(String name) {
    return inspect(entry(name));
  }

  /** As {@link #get}, from {@code mdadm --detail} and its export (two process starts). */
  Array getFromMdadm(String name) {
    MdstatArray entry = entry(name);
    Path device = Path.of("/dev", name);
    MdadmDetail detail = MdadmDetail.parse(mdadm.detailExport(device), mdadm.detail(device));
    return array(entry, detail, kernel.sysfs(name));
  }

  private Array inspect(MdstatArray entry) {
    MdSysfs sysfs = kernel.sysfs(entry.name());
    MdadmDetail detail = KernelDetail.of(entry, sysfs, identities.of(entry, sysfs),
        block::exists);
    return array(entry, detail, sysfs);
  }

  /** The answer from mdstat's entry, mdadm's view (its own or worked out) and sysfs. */
  static Array array(MdstatArray entry, MdadmDetail detail, MdSysfs sysfs) {
    Path device = Path.of("/dev", entry.name());
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
        .setSummary(ArrayWords.describe(sysfs))
        .setSurvivableFailures(Survivability.tolerated(sysfs));
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
