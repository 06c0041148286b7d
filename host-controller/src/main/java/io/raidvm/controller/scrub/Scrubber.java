package io.raidvm.controller.scrub;

import com.google.protobuf.TextFormat;
import com.google.protobuf.Timestamp;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.controller.v1.ScrubBook;
import io.raidvm.api.controller.v1.ScrubRun;
import io.raidvm.api.controller.v1.ScrubSchedule;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.Names;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import io.raidvm.common.md.ArrayNames;
import io.raidvm.controller.vm.VmStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scheduled scrubs: per VM and array a cron schedule (the default: Debian's monthly check, the
 * first Sunday at 01:06 local time), a check started when it is due, and the history of the
 * array's runs. Everything lives in the VM's {@code scrubs.textproto} (written atomically on
 * every change), so schedules, due times and runs survive a controller restart, and go with
 * {@code vm delete}.
 *
 * <p>{@link #tick} does the scheduling; the controller calls it every few seconds, tests with a
 * clock of their own. A run that cannot start is recorded as SKIPPED with the reason; one that
 * was due while no controller ran is recorded as SKIPPED too ("missed"), not started late.
 */
public final class Scrubber {

  private static final Logger LOG = Logger.getLogger(Scrubber.class.getName());

  /** Debian's checkarray: a check on the first Sunday of each month, 01:06 local time. */
  public static final String DEFAULT_CRON = "6 1 * * sun#1";
  /** Runs kept per array. */
  static final int KEPT_RUNS = 50;
  /** A due time older than this when first seen was missed (no controller ran then). */
  static final Duration MISSED_AFTER = Duration.ofMinutes(5);
  /** md refuses a per-array cap below this (sync_speed_min's floor). */
  static final long MIN_SPEED = 1000;

  private final VmStore store;
  private final ScrubGuest guest;
  private final Function<String, VmState> states;
  private final Function<String, List<String>> arraysSeen;
  private final Clock clock;
  private final ZoneId localZone;
  private final Executor workers;
  private final Map<String, ScrubBook> books = new HashMap<>();

  /**
   * @param states the state of a VM by name
   * @param arraysSeen the arrays the controller knows of in a VM (from its events); each gets
   *     the default schedule until one is set
   * @param workers where checks are started and followed to their end
   */
  public Scrubber(VmStore store, ScrubGuest guest, Function<String, VmState> states,
      Function<String, List<String>> arraysSeen, Clock clock, ZoneId localZone,
      Executor workers) {
    this.store = store;
    this.guest = guest;
    this.states = states;
    this.arraysSeen = arraysSeen;
    this.clock = clock;
    this.localZone = localZone;
    this.workers = workers;
  }

  /** Sets one array's schedule; empty cron: the default. */
  public synchronized ScrubSchedule set(String vm, String array, String cron, String timeZone,
      long speedLimit) {
    requireVm(vm);
    String name = ArrayNames.require(array);
    String expression = cron.isBlank() ? DEFAULT_CRON : cron.strip();
    Optional<CronSchedule> parsed = parse(expression);
    ZoneId zone = zone(timeZone);
    requireSpeed(speedLimit);
    ScrubSchedule.Builder schedule = ScrubSchedule.newBuilder().setVm(vm).setArray(name)
        .setCron(parsed.map(CronSchedule::text).orElse(CronSchedule.OFF))
        .setTimeZone(timeZone.strip()).setSpeedLimitKibPerS(speedLimit)
        .setIsDefault(cron.isBlank() && timeZone.isBlank() && speedLimit == 0);
    parsed.flatMap(p -> p.next(clock.instant(), zone)).ifPresent(t -> schedule.setNextRun(ts(t)));
    ScrubBook.Builder book = book(vm).toBuilder();
    int at = indexOf(book.getSchedulesList(), name);
    if (at >= 0) {
      book.setSchedules(at, schedule);
    } else {
      book.addSchedules(schedule);
    }
    save(vm, book.build());
    return schedule.build();
  }

  /** The schedules of a VM's arrays (every VM's when {@code vm} is empty), arrays seen included. */
  public synchronized List<ScrubSchedule> list(String vm) {
    List<ScrubSchedule> out = new ArrayList<>();
    for (String name : vm.isEmpty() ? store.names() : List.of(requireVm(vm))) {
      adoptArraysSeen(name);
      out.addAll(book(name).getSchedulesList());
    }
    return out;
  }

  /** The array's last runs, oldest first; at most {@code limit} (0: all kept). */
  public synchronized List<ScrubRun> history(String vm, String array, int limit) {
    requireVm(vm);
    String name = ArrayNames.require(array);
    List<ScrubRun> runs = book(vm).getRunsList().stream()
        .filter(r -> r.getArray().equals(name)).toList();
    return limit <= 0 || runs.size() <= limit ? runs : runs.subList(runs.size() - limit,
        runs.size());
  }

  /**
   * Every array's newest run that is no longer RUNNING (ended, failed or skipped), over all VMs:
   * what the metrics show as the last scrub.
   */
  public synchronized List<ScrubRun> lastRuns() {
    Map<String, ScrubRun> last = new LinkedHashMap<>();
    for (String vm : store.names()) {
      book(vm).getRunsList().stream().filter(r -> r.getResult() != ScrubRun.Result.RUNNING)
          .forEach(r -> last.put(vm + "/" + r.getArray(), r));
    }
    return List.copyOf(last.values());
  }

  /**
   * Starts a check now: RUNNING (followed to its end by a worker), or SKIPPED with the reason.
   *
   * @param speedLimit KiB/s while it runs; 0: the schedule's
   */
  public ScrubRun runNow(String vm, String array, long speedLimit) {
    String name;
    long speed;
    synchronized (this) {
      requireVm(vm);
      name = ArrayNames.require(array);
      requireSpeed(speedLimit);
      speed = speedLimit > 0 ? speedLimit : schedule(vm, name)
          .map(ScrubSchedule::getSpeedLimitKibPerS).orElse(0L);
    }
    return begin(vm, name, "manual", speed);
  }

  /**
   * Gives every array seen a default schedule, then starts (on a worker) each scrub that is due,
   * or records it as missed when it was due long before; moves each due schedule to its next
   * time. Failures are logged: a thrown one would end the periodic task.
   */
  public void tick() {
    Instant now = clock.instant();
    List<ScrubSchedule> due = new ArrayList<>();
    synchronized (this) {
      books.keySet().retainAll(store.names());
      for (String vm : store.names()) {
        try {
          adoptArraysSeen(vm);
          due.addAll(takeDue(vm, now));
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "scrub schedules of VM " + vm + ": cannot read or update", e);
        }
      }
    }
    for (ScrubSchedule schedule : due) {
      Instant at = instant(schedule.getNextRun());
      if (Duration.between(at, now).compareTo(MISSED_AFTER) > 0) {
        record(schedule.getVm(), skipped(schedule.getVm(), schedule.getArray(), "schedule",
            "missed: it was due at " + at + ", when no controller ran"));
      } else {
        workers.execute(() -> begin(schedule.getVm(), schedule.getArray(), "schedule",
            schedule.getSpeedLimitKibPerS()));
      }
    }
  }

  /**
   * Follows again, on workers, the runs a previous controller left RUNNING (its checks went on in
   * the guest); called once at start.
   */
  public void resumeRunning() {
    List<ScrubRun> running = new ArrayList<>();
    synchronized (this) {
      for (String vm : store.names()) {
        book(vm).getRunsList().stream().filter(r -> r.getResult() == ScrubRun.Result.RUNNING)
            .forEach(running::add);
      }
    }
    running.forEach(run -> workers.execute(() -> follow(run)));
  }

  private List<ScrubSchedule> takeDue(String vm, Instant now) {
    ScrubBook.Builder book = book(vm).toBuilder();
    List<ScrubSchedule> due = new ArrayList<>();
    for (int i = 0; i < book.getSchedulesCount(); i++) {
      ScrubSchedule s = book.getSchedules(i);
      if (!s.hasNextRun() || instant(s.getNextRun()).isAfter(now)) {
        continue;
      }
      due.add(s);
      ScrubSchedule.Builder moved = s.toBuilder().clearNextRun();
      parse(s.getCron()).flatMap(c -> c.next(now, zone(s.getTimeZone())))
          .ifPresent(t -> moved.setNextRun(ts(t)));
      book.setSchedules(i, moved);
    }
    if (!due.isEmpty()) {
      save(vm, book.build());
    }
    return due;
  }

  private void adoptArraysSeen(String vm) {
    List<String> seen = arraysSeen.apply(vm);
    ScrubBook.Builder book = book(vm).toBuilder();
    boolean added = false;
    for (String array : seen) {
      if (indexOf(book.getSchedulesList(), array) < 0) {
        ScrubSchedule.Builder s = ScrubSchedule.newBuilder().setVm(vm).setArray(array)
            .setCron(DEFAULT_CRON).setIsDefault(true);
        CronSchedule.parse(DEFAULT_CRON).next(clock.instant(), localZone)
            .ifPresent(t -> s.setNextRun(ts(t)));
        book.addSchedules(s);
        added = true;
      }
    }
    if (added) {
      save(vm, book.build());
    }
  }

  /** Checks what would stop a check, then starts it; records the run either way. */
  private ScrubRun begin(String vm, String array, String trigger, long speed) {
    String why = obstacle(vm, array);
    if (why != null) {
      return record(vm, skipped(vm, array, trigger, why));
    }
    ScrubRun.Builder run = ScrubRun.newBuilder().setVm(vm).setArray(array).setTrigger(trigger)
        .setStarted(ts(clock.instant()));
    Operation op;
    try {
      if (speed > 0) {
        guest.capSpeed(vm, array, speed);
      }
      op = guest.startCheck(vm, array);
    } catch (RuntimeException e) {
      RaidvmException.Kind kind = kindOf(e);
      boolean refused = kind == RaidvmException.Kind.ABORTED
          || kind == RaidvmException.Kind.FAILED_PRECONDITION
          || kind == RaidvmException.Kind.UNAVAILABLE;
      return record(vm, run.setResult(refused ? ScrubRun.Result.SKIPPED : ScrubRun.Result.FAILED)
          .setEnded(ts(clock.instant())).setReason(message(e)).build());
    }
    ScrubRun started = record(vm, run.setResult(ScrubRun.Result.RUNNING)
        .setOperationId(op.getId()).setReason(speed > 0 ? "capped at " + speed + " KiB/s" : "")
        .build());
    workers.execute(() -> follow(started));
    return started;
  }

  /** Why a check cannot start now, or null. */
  private String obstacle(String vm, String array) {
    synchronized (this) {
      Optional<ScrubRun> ours = book(vm).getRunsList().stream()
          .filter(r -> r.getArray().equals(array) && r.getResult() == ScrubRun.Result.RUNNING)
          .findFirst();
      if (ours.isPresent()) {
        return "a scrub of " + array + " already runs (started "
            + instant(ours.get().getStarted()) + ")";
      }
    }
    VmState state = states.apply(vm);
    if (state != VmState.READY) {
      return switch (state) {
        case STOPPED -> "VM " + vm + " is stopped";
        case STARTING, RUNNING_AGENT_NOT_READY -> "the agent of VM " + vm + " is not connected";
        default -> "VM " + vm + " is " + state.name().toLowerCase(java.util.Locale.ROOT);
      };
    }
    Array a;
    try {
      a = guest.array(vm, array);
    } catch (RuntimeException e) {
      return kindOf(e) == RaidvmException.Kind.NOT_FOUND ? "VM " + vm + " has no array " + array
          : "cannot read " + array + ": " + message(e);
    }
    String action = a.getSync().getAction();
    if (!action.isEmpty() && !action.equals("idle")) {
      return String.format("a %s of %s already runs (%.1f %%)", action, array,
          a.getSync().getPercent());
    }
    return null;
  }

  private void follow(ScrubRun run) {
    ScrubRun.Builder ended = run.toBuilder();
    try {
      Operation op = guest.follow(run.getVm(), run.getOperationId());
      if (op.getState() == Operation.State.SUCCEEDED) {
        long mismatches = op.getArray().getMismatchCount();
        ended.setMismatchCount(mismatches).setResult(mismatches == 0 ? ScrubRun.Result.CLEAN
            : ScrubRun.Result.MISMATCHES);
      } else {
        ended.setResult(ScrubRun.Result.FAILED).setReason(op.getState().name().toLowerCase(
            java.util.Locale.ROOT) + ": " + op.getErrorMessage());
      }
      if (!run.getReason().isEmpty()) {
        guest.capSpeed(run.getVm(), run.getArray(), 0);
      }
    } catch (RuntimeException e) {
      ended.setResult(ScrubRun.Result.FAILED).setReason("lost sight of the check (operation "
          + run.getOperationId() + "): " + message(e));
    }
    Instant end = clock.instant();
    record(run.getVm(), ended.setEnded(ts(end))
        .setDurationMs(Duration.between(instant(run.getStarted()), end).toMillis()).build());
  }

  private ScrubRun skipped(String vm, String array, String trigger, String reason) {
    Instant now = clock.instant();
    return ScrubRun.newBuilder().setVm(vm).setArray(array).setTrigger(trigger)
        .setStarted(ts(now)).setEnded(ts(now)).setResult(ScrubRun.Result.SKIPPED)
        .setReason(reason).build();
  }

  /** Adds the run, or replaces the one it continues (same start and array); keeps the last. */
  private synchronized ScrubRun record(String vm, ScrubRun run) {
    if (!store.exists(vm)) {
      return run;
    }
    ScrubBook.Builder book = book(vm).toBuilder();
    List<ScrubRun> runs = new ArrayList<>(book.getRunsList());
    runs.removeIf(r -> r.getArray().equals(run.getArray()) && r.getStarted().equals(
        run.getStarted()) && r.getResult() == ScrubRun.Result.RUNNING);
    runs.add(run);
    long excess = runs.stream().filter(r -> r.getArray().equals(run.getArray())).count()
        - KEPT_RUNS;
    for (int i = 0; excess > 0 && i < runs.size(); ) {
      if (runs.get(i).getArray().equals(run.getArray())) {
        runs.remove(i);
        excess--;
      } else {
        i++;
      }
    }
    save(vm, book.clearRuns().addAllRuns(runs).build());
    if (run.getResult() != ScrubRun.Result.RUNNING) {
      LOG.info(() -> "scrub of " + vm + "/" + run.getArray() + ": " + run.getResult()
          + (run.getReason().isEmpty() ? "" : " (" + run.getReason() + ")"));
    }
    return run;
  }

  private Optional<ScrubSchedule> schedule(String vm, String array) {
    return book(vm).getSchedulesList().stream().filter(s -> s.getArray().equals(array))
        .findFirst();
  }

  private ScrubBook book(String vm) {
    return books.computeIfAbsent(vm, this::load);
  }

  private ScrubBook load(String vm) {
    Path file = store.paths(vm).scrubBook();
    try {
      return TextFormat.parse(Files.readString(file), ScrubBook.class);
    } catch (NoSuchFileException e) {
      return ScrubBook.getDefaultInstance();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private void save(String vm, ScrubBook book) {
    AtomicFiles.write(store.paths(vm).scrubBook(), TextFormat.printer().printToString(book));
    books.put(vm, book);
  }

  private String requireVm(String vm) {
    if (!store.exists(Names.require("VM", vm))) {
      throw RaidvmException.notFound("VM '%s' does not exist", vm);
    }
    return vm;
  }

  private static int indexOf(List<ScrubSchedule> schedules, String array) {
    for (int i = 0; i < schedules.size(); i++) {
      if (schedules.get(i).getArray().equals(array)) {
        return i;
      }
    }
    return -1;
  }

  /** Empty for "off". */
  private static Optional<CronSchedule> parse(String cron) {
    return cron.strip().equalsIgnoreCase(CronSchedule.OFF) ? Optional.empty()
        : Optional.of(CronSchedule.parse(cron));
  }

  private ZoneId zone(String timeZone) {
    if (timeZone.isBlank()) {
      return localZone;
    }
    try {
      return ZoneId.of(timeZone.strip());
    } catch (DateTimeException e) {
      throw RaidvmException.invalidArgument("time zone '%s' is unknown; use an IANA name such"
          + " as Europe/Berlin or UTC, or none for the controller's local time", timeZone);
    }
  }

  private static void requireSpeed(long speed) {
    if (speed != 0 && speed < MIN_SPEED) {
      throw RaidvmException.invalidArgument("speed limit %d KiB/s is below md's floor of %d;"
          + " give at least %d, or 0 for none", speed, MIN_SPEED, MIN_SPEED);
    }
  }

  private static RaidvmException.Kind kindOf(RuntimeException e) {
    if (e instanceof RaidvmException r) {
      return r.kind();
    }
    try {
      return RaidvmException.Kind.valueOf(io.grpc.Status.fromThrowable(e).getCode().name());
    } catch (IllegalArgumentException unknown) {
      return RaidvmException.Kind.INTERNAL;
    }
  }

  private static String message(RuntimeException e) {
    if (e instanceof RaidvmException) {
      return e.getMessage();
    }
    io.grpc.Status status = io.grpc.Status.fromThrowable(e);
    return status.getCode() + (status.getDescription() == null ? ""
        : ": " + status.getDescription());
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
