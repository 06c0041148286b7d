package io.raidvm.agent.md;

import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.md.ArraySpec;
import io.raidvm.common.md.RaidLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a grow asks of md, judged from the array's sysfs before anything changes: the shape the
 * array should have (level, member count, chunk) and the {@code mdadm --grow} options that get
 * it there. Pure. Refuses, FAILED_PRECONDITION with the reason, what md cannot do in place and
 * what raidvm does not do (shrink), so that a refused grow has run nothing.
 *
 * <p>What md reshapes in place (kernel 6.1, mdadm 4.2): raid4/5/6 and raid10 (near and offset
 * layouts) onto more members; raid5 to raid6 with one more member and back to raid5 with one
 * fewer; raid4 to raid5; the chunk of raid4/5/6. raid1 grows by mirrors: a member more is a copy
 * more, the size stays. raid0 has no redundancy to reshape with and is refused.
 *
 * @param level the level after the reshape
 * @param raidDevices the member count after it
 * @param chunkKib the chunk after it; 0 for raid1
 * @param options mdadm's options for the change ("--level=6", "--raid-devices=5",
 *     "--chunk=256"); empty when the array has this shape already
 */
public record ReshapePlan(RaidLevel level, int raidDevices, int chunkKib,
    List<String> options) {

  /** array_state words of an array that runs read-write. */
  private static final Set<String> RUNNING = Set.of("clean", "active", "active-idle",
      "write-pending");

  public ReshapePlan {
    options = List.copyOf(options);
  }

  /**
   * What was asked, checked: {@code raidDevices} 0 means the count now plus {@code adding}
   * (one fewer for raid6 to raid5), {@code level} "" keeps it, {@code chunkKib} 0 keeps it.
   * Only the input, not the array: INVALID_ARGUMENT.
   */
  public record Request(String level, int raidDevices, int chunkKib) {
    public Request {
      if (!level.isEmpty()) {
        RaidLevel.parse(level);
      }
      if (raidDevices < 0) {
        throw RaidvmException.invalidArgument("raid_devices must not be negative");
      }
      if (chunkKib != 0) {
        ArraySpec.requireChunk(RaidLevel.RAID5, chunkKib);
      }
    }
  }

  /** The shape of the array now, from its sysfs. */
  static ReshapePlan current(MdSysfs md) {
    RaidLevel level = RaidLevel.parse(md.level());
    return new ReshapePlan(level, md.raidDisks(), chunkKib(md), List.of());
  }

  /** Whether the array has this shape already (the reshape may still run towards it). */
  public boolean reached() {
    return options.isEmpty();
  }

  /**
   * The plan for {@code array}: refuses an array that does not run read-write, is degraded or
   * syncing, and any change md cannot make in place.
   *
   * @param adding members the caller adds before the reshape (0 or 1)
   * @param spares members of the array now that serve no slot (spares, not faulty)
   */
  public static ReshapePlan of(String array, MdSysfs md, Request request, int adding,
      int spares) {
    RaidLevel now = known(array, md);
    requireReady(array, md);
    RaidLevel to = request.level().isEmpty() ? now : RaidLevel.parse(request.level());
    int devicesNow = md.raidDisks();
    int devices = request.raidDevices() != 0 ? request.raidDevices()
        : devicesNow + adding - (now == RaidLevel.RAID6 && to == RaidLevel.RAID5 ? 1 : 0);
    int chunkNow = chunkKib(md);
    int chunk = request.chunkKib() == 0 ? chunkNow : request.chunkKib();
    requireLevelChange(array, now, to);
    requireMemberCount(array, md, now, to, devicesNow, devices, adding, spares);
    requireChunkChange(array, now, chunkNow, chunk);
    List<String> options = new ArrayList<>();
    if (to != now) {
      options.add("--level=" + to.number());
    }
    if (devices != devicesNow || to != now) {
      options.add("--raid-devices=" + devices);
    }
    if (chunk != chunkNow) {
      options.add("--chunk=" + chunk);
    }
    return new ReshapePlan(to, devices, to.hasChunk() ? chunk : 0, options);
  }

  /** "raid6 of 5 members, chunk 512 KiB". */
  public String describe() {
    return level + " of " + raidDevices + " members" + (chunkKib == 0 ? ""
        : ", chunk " + chunkKib + " KiB");
  }

  /** How many members' worth of data the array holds (what its size is a multiple of). */
  static int dataMembers(RaidLevel level, int devices, int layout) {
    return switch (level) {
      case RAID0 -> devices;
      case RAID1 -> 1;
      case RAID4, RAID5 -> devices - 1;
      case RAID6 -> devices - 2;
      case RAID10 -> devices / Math.max(1, raid10Copies(layout));
    };
  }

  /** md's raid10 layout number: near copies in the low byte, far copies in the next. */
  static int raid10Copies(int layout) {
    return (layout & 0xff) * ((layout >> 8) & 0xff);
  }

  /** raid10's far layout ("f2", without the offset bit): md cannot change its member count. */
  static boolean raid10Far(int layout) {
    return ((layout >> 8) & 0xff) > 1 && (layout & 0x10000) == 0;
  }

  private static RaidLevel known(String array, MdSysfs md) {
    try {
      return RaidLevel.parse(md.level());
    } catch (RaidvmException e) {
      throw RaidvmException.failedPrecondition("cannot grow %s: its level is '%s', which raidvm"
          + " does not reshape", array, md.level());
    }
  }

  private static void requireReady(String array, MdSysfs md) {
    if (!RUNNING.contains(md.arrayState())) {
      throw RaidvmException.failedPrecondition("cannot grow %s: it does not run read-write"
          + " (array_state %s); start it first (raidctl raid resume VM %s)", array,
          md.arrayState(), array);
    }
    if (md.degraded() > 0) {
      throw RaidvmException.failedPrecondition("cannot grow %s: it is degraded (%d member"
          + " slot(s) missing); a reshape rewrites every stripe and needs every member: replace"
          + " the missing one and let it rebuild first", array, md.degraded());
    }
    if (md.syncing() || !md.resyncStart().equals("none")) {
      throw RaidvmException.failedPrecondition("cannot grow %s: a %s runs or is due (%s); wait"
          + " for it (raidctl raid wait VM %s)", array,
          md.syncing() ? md.syncAction() : "resync", md.syncCompleted(), array);
    }
  }

  private static void requireLevelChange(String array, RaidLevel now, RaidLevel to) {
    if (now == to) {
      if (now == RaidLevel.RAID0) {
        throw RaidvmException.failedPrecondition("cannot grow %s: it is raid0, which md can"
            + " only reshape by turning it into raid4 for the time of the reshape, with no"
            + " redundancy throughout; make a new array and copy the data", array);
      }
      return;
    }
    boolean possible = (now == RaidLevel.RAID5 && to == RaidLevel.RAID6)
        || (now == RaidLevel.RAID6 && to == RaidLevel.RAID5)
        || (now == RaidLevel.RAID4 && to == RaidLevel.RAID5);
    if (!possible) {
      throw RaidvmException.failedPrecondition("cannot turn %s from %s into %s: md reshapes"
          + " raid5 into raid6 (with one more member), raid6 into raid5 and raid4 into raid5 in"
          + " place, nothing else%s; make a new %s array and copy the data", array, now, to,
          reason(now, to), to);
    }
  }

  /** Why md cannot, in the cases people ask for. */
  private static String reason(RaidLevel now, RaidLevel to) {
    if (now == RaidLevel.RAID10) {
      return " (raid10 keeps copies, not parity: md converts it only to raid0)";
    }
    if (to == RaidLevel.RAID0) {
      return " (raid0 would drop all redundancy)";
    }
    if (now == RaidLevel.RAID1 || to == RaidLevel.RAID1) {
      return " (md converts between raid1 and raid5 only with two members, which raidvm does"
          + " not offer)";
    }
    return "";
  }

  private static void requireMemberCount(String array, MdSysfs md, RaidLevel now, RaidLevel to,
      int devicesNow, int devices, int adding, int spares) {
    if (devices < to.minDevices()) {
      throw RaidvmException.invalidArgument("%s needs at least %d members, not %d", to,
          to.minDevices(), devices);
    }
    boolean raid6To5 = now == RaidLevel.RAID6 && to == RaidLevel.RAID5;
    if (devices < devicesNow && !(raid6To5 && devices == devicesNow - 1)) {
      throw RaidvmException.failedPrecondition("cannot shrink %s from %d to %d members: md"
          + " needs the array's size reduced first and the filesystem with it, which raidvm"
          + " does not do", array, devicesNow, devices);
    }
    if (now == RaidLevel.RAID5 && to == RaidLevel.RAID6 && devices != devicesNow + 1) {
      throw RaidvmException.failedPrecondition("raid5 becomes raid6 with exactly one member"
          + " more: %d, not %d (the new member holds the second parity)", devicesNow + 1,
          devices);
    }
    if (now == RaidLevel.RAID10 && devices != devicesNow && raid10Far(md.layout())) {
      throw RaidvmException.failedPrecondition("cannot grow %s: it is raid10 with a far layout,"
          + " whose member count md cannot change (near and offset layouts it can)", array);
    }
    int dataNow = dataMembers(now, devicesNow, md.layout());
    int dataAfter = dataMembers(to, devices, md.layout());
    if (dataAfter < dataNow) {
      throw RaidvmException.failedPrecondition("cannot make %s %s of %d members: it would hold"
          + " %d members' worth of data, now it holds %d; raidvm does not shrink an array",
          array, to, devices, dataAfter, dataNow);
    }
    int available = devicesNow + spares + adding;
    if (devices > available) {
      throw RaidvmException.failedPrecondition("%s of %d members needs %d device(s) more than"
          + " %s has (%d members, %d spare(s)%s): give a new disk or partition", to, devices,
          devices - available, array, devicesNow, spares,
          adding == 0 ? "" : ", " + adding + " being added");
    }
  }

  private static void requireChunkChange(String array, RaidLevel now, int chunkNow,
      int chunk) {
    if (chunk == chunkNow) {
      return;
    }
    if (now != RaidLevel.RAID4 && now != RaidLevel.RAID5 && now != RaidLevel.RAID6) {
      throw RaidvmException.failedPrecondition("cannot change the chunk of %s: it is %s; raidvm"
          + " changes the chunk of raid4, raid5 and raid6 only", array, now);
    }
  }

  private static int chunkKib(MdSysfs md) {
    return (int) (md.chunkBytes() / 1024);
  }
}
