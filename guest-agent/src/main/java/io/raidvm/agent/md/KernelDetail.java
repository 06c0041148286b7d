package io.raidvm.agent.md;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What {@code mdadm --detail} would say about an array, worked out from /proc/mdstat and md sysfs
 * the way mdadm 4.2's Detail.c works it out from the kernel (GET_ARRAY_INFO and GET_DISK_INFO
 * are the same md fields sysfs shows), so that a status read starts no process. Pure. Only the
 * superblock's identity (UUID, name) is not in the kernel's files: it comes in as an
 * {@link ArrayIdentity}. Tests hold the result against mdadm's own answer on every captured
 * state.
 */
final class KernelDetail {

  /** mdadm's maps.c: raid5 and raid6 layouts by number ({@code r5layout}, {@code r6layout}). */
  private static final Map<Integer, String> PARITY_LAYOUTS = Map.ofEntries(
      Map.entry(0, "left-asymmetric"), Map.entry(1, "right-asymmetric"),
      Map.entry(2, "left-symmetric"), Map.entry(3, "right-symmetric"),
      Map.entry(4, "parity-first"), Map.entry(5, "parity-last"));
  private static final Map<Integer, String> RAID6_ONLY_LAYOUTS = Map.ofEntries(
      Map.entry(8, "ddf-zero-restart"), Map.entry(9, "ddf-N-restart"),
      Map.entry(10, "ddf-N-continue"), Map.entry(16, "left-asymmetric-6"),
      Map.entry(17, "right-asymmetric-6"), Map.entry(18, "left-symmetric-6"),
      Map.entry(19, "right-symmetric-6"), Map.entry(20, "parity-first-6"));
  private static final Map<Integer, String> RAID0_LAYOUTS =
      Map.of(1, "original", 2, "alternate");
  private static final Set<String> CHUNKED = Set.of("raid0", "raid4", "raid5", "raid6", "raid10");
  /** array_state words of an array md keeps in sync (MD_SB_CLEAN in GET_ARRAY_INFO). */
  private static final Set<String> IN_SYNC = Set.of("clean", "read-auto", "readonly", "broken");
  private static final Map<String, String> SYNC_WORDS = Map.of("recovery", "recovering",
      "resync", "resyncing", "reshape", "reshaping", "check", "checking");

  private KernelDetail() {}

  /**
   * @param present whether a member's block device ("sdb1") still exists: mdadm lists only those
   */
  static MdadmDetail of(MdstatArray entry, MdSysfs md, ArrayIdentity identity,
      Predicate<String> present) {
    List<MdSysfs.Member> members = md.members().stream().filter(m -> present.test(m.name()))
        .toList();
    boolean inactive = md.raidDisks() == 0;
    // An active array's counts are the kernel's, over every member it holds; an inactive one's
    // are mdadm's own count of the members it can open.
    List<MdSysfs.Member> counted = inactive ? members : md.members();
    long working = counted.stream().filter(m -> !m.has("faulty")).count();
    long active = counted.stream().filter(m -> !m.has("faulty") && m.has("in_sync")).count();
    long spare = counted.stream()
        .filter(m -> !m.has("faulty") && !m.has("in_sync") && !m.has("journal")).count();
    return new MdadmDetail(md.level(), inactive ? md.members().size() : md.raidDisks(),
        md.metadataVersion(), identity.uuid(), identity.name(),
        inactive ? List.of("inactive") : states(entry, md, members),
        inactive ? 0 : entry.blocks(),
        CHUNKED.contains(md.level()) ? (int) (md.chunkBytes() / 1024) : 0,
        layout(md.level(), md.layout()),
        inactive ? 0 : (int) active, (int) working,
        inactive ? 0 : (int) (counted.size() - working), inactive ? 0 : (int) spare,
        devices(entry, md, members));
  }

  /** The words of mdadm's State line: "clean", "degraded", "recovering", … */
  private static List<String> states(MdstatArray entry, MdSysfs md,
      List<MdSysfs.Member> members) {
    boolean[] avail = new boolean[md.raidDisks()];
    for (MdSysfs.Member m : members) {
      if (m.has("in_sync") && !m.has("faulty") && !m.has("journal") && m.slot() >= 0
          && m.slot() < avail.length) {
        avail[m.slot()] = true;
      }
    }
    String arrayState;
    if (!IN_SYNC.contains(md.arrayState())) {
      arrayState = "active";
    } else {
      arrayState = md.level().equals("raid0") || md.level().equals("linear")
          ? md.arrayState() : "clean";
    }
    String line = arrayState + health(md, avail) + sync(entry)
        + (entry.blocks() == 0 ? ", Not Started" : "")
        + (entry.delayed() && entry.progress().isEmpty() ? " (DELAYED)" : "")
        + (entry.pending() && entry.progress().isEmpty() ? " (PENDING)" : "");
    return MdadmDetail.stateWords(line);
  }

  private static String health(MdSysfs md, boolean[] avail) {
    int count = 0;
    for (boolean a : avail) {
      count += a ? 1 : 0;
    }
    if (count == avail.length) {
      return "";
    }
    return enough(md.level(), md.layout(), avail, count) ? ", degraded" : ", FAILED";
  }

  /** mdadm's word for the sync mdstat shows (a repair shows as a resync there). */
  private static String sync(MdstatArray entry) {
    if (entry.progress().isPresent()) {
      return ", " + SYNC_WORDS.getOrDefault(entry.progress().get().action(), "recovering");
    }
    return entry.delayed() || entry.pending() ? ", resyncing" : "";
  }

  /** mdadm's util.c {@code enough()} for a clean array: can it serve all its data? */
  static boolean enough(String level, int layout, boolean[] avail, int count) {
    int disks = avail.length;
    return switch (level) {
      case "raid10" -> raid10Enough(layout, avail);
      case "multipath", "raid1" -> count >= 1;
      case "linear", "raid0" -> count == disks;
      case "raid4" -> count >= disks - 1;
      case "raid5" -> count >= disks - 1;
      case "raid6" -> count >= disks - 2;
      default -> false;
    };
  }

  /** Every group of 'copies' consecutive slots, stepping by the near copies, has one member. */
  private static boolean raid10Enough(int layout, boolean[] avail) {
    int disks = avail.length;
    int copies = (layout & 255) * ((layout >> 8) & 255);
    int first = 0;
    do {
      int found = 0;
      for (int n = 0, at = first; n < copies; n++, at = (at + 1) % disks) {
        found += avail[at] ? 1 : 0;
      }
      if (found == 0) {
        return false;
      }
      first = (first + (layout & 255)) % disks;
    } while (first != 0);
    return true;
  }

  /** The Layout line: raid5/6 algorithms by name, raid10 copies, a raid0 zone layout. */
  static String layout(String level, int layout) {
    return switch (level) {
      case "raid5" -> PARITY_LAYOUTS.getOrDefault(layout, "-unknown-");
      case "raid6" -> PARITY_LAYOUTS.getOrDefault(layout,
          RAID6_ONLY_LAYOUTS.getOrDefault(layout, "-unknown-"));
      case "raid0" -> layout == 0 ? "" : RAID0_LAYOUTS.getOrDefault(layout, "-unknown-");
      case "raid10" -> raid10Layout(layout);
      default -> "";
    };
  }

  private static String raid10Layout(int layout) {
    int near = layout & 255;
    int far = (layout >> 8) & 255;
    StringBuilder text = new StringBuilder();
    if (near != 1) {
      text.append("near=").append(near);
    }
    if (far != 1) {
      text.append(text.length() == 0 ? "" : ", ")
          .append((layout & 0x10000) != 0 ? "offset" : "far").append('=').append(far);
    }
    return near * far == 1 ? text + "NO REDUNDANCY" : text.toString();
  }

  /**
   * mdadm's device table: the member of each slot in slot order (a replacement right after the
   * member it replaces), then the others by md's descriptor number (mdstat's {@code sdb1[N]}).
   */
  private static List<MdadmDetail.Device> devices(MdstatArray entry, MdSysfs md,
      List<MdSysfs.Member> members) {
    boolean inactive = md.raidDisks() == 0;
    Comparator<MdSysfs.Member> byNumber = Comparator.comparingInt(m -> entry.member(m.name())
        .map(MdstatMember::number).orElse(Integer.MAX_VALUE));
    List<MdSysfs.Member> inSlots = new ArrayList<>();
    List<MdSysfs.Member> others = new ArrayList<>();
    for (MdSysfs.Member m : members.stream().sorted(byNumber).toList()) {
      boolean slotted = !inactive && m.slot() >= 0 && m.slot() < md.raidDisks()
          && !m.has("journal")
          && inSlots.stream().filter(s -> s.slot() == m.slot()).count() < 2;
      (slotted ? inSlots : others).add(m);
    }
    List<MdadmDetail.Device> devices = new ArrayList<>();
    inSlots.stream().sorted(Comparator.comparingInt(MdSysfs.Member::slot))
        .forEach(m -> devices.add(device(m, md, inactive)));
    others.forEach(m -> devices.add(device(m, md, inactive)));
    return devices;
  }

  private static MdadmDetail.Device device(MdSysfs.Member m, MdSysfs md, boolean inactive) {
    int role = m.slot() >= 0 && !m.has("faulty") ? m.slot() : -1;
    return new MdadmDetail.Device("/dev/" + m.name(), role,
        inactive ? List.of() : words(m, md));
  }

  /** The State column: mdadm's words for the md_disk_info flags the kernel derives. */
  private static List<String> words(MdSysfs.Member m, MdSysfs md) {
    List<String> words = new ArrayList<>();
    boolean faulty = m.has("faulty");
    boolean inSync = !faulty && m.has("in_sync");
    if (faulty) {
      words.add("faulty");
    }
    if (inSync) {
      words.addAll(Arrays.asList("active", "sync"));
      raid10Set(m, md).ifPresent(words::add);
    }
    if (m.has("write_mostly")) {
      words.add("writemostly");
    }
    if (m.has("failfast")) {
      words.add("failfast");
    }
    if (m.has("journal")) {
      words.add("journal");
    }
    if (!faulty && !inSync && !m.has("journal")) {
      words.add("spare");
      if (m.slot() >= 0 && m.slot() < md.raidDisks()) {
        words.add("rebuilding");
      }
    }
    return words;
  }

  /** raid10 near layouts name the copy set of a member: "set-A", "set-B", … */
  private static Optional<String> raid10Set(MdSysfs.Member m, MdSysfs md) {
    int layout = md.layout();
    if (!md.level().equals("raid10") || (layout & ~0x1FFFF) != 0) {
      return Optional.empty();
    }
    int copies = (layout & 0xff) * ((layout >> 8) & 0xff);
    if (((layout >> 8) & 0xff) != 1 || copies == 0 || md.raidDisks() % copies != 0
        || copies > 26) {
      return Optional.empty();
    }
    return Optional.of("set-" + (char) ('A' + m.slot() % copies));
  }
}
