package io.raidvm.controller.alert;

import com.google.protobuf.TextFormat;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.Alert;
import io.raidvm.api.controller.v1.AlertBook;
import io.raidvm.api.controller.v1.AlertDelivery;
import io.raidvm.api.controller.v1.AlertKind;
import io.raidvm.api.controller.v1.AlertRule;
import io.raidvm.common.Names;
import io.raidvm.common.audit.JsonLines;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.fs.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Alerts: the events that rules look at, numbered and kept in {@code <state>/alerts.jsonl}
 * (forced to disk before delivery; 1 MiB, then {@code .1}), and the rules in {@code
 * <state>/alerts.textproto} (written atomically), each with the sequence of the last alert it
 * was delivered (or given up on). The controller's event journal lives in memory only (a new
 * epoch each start), so this file is what a restarted controller replays from: every kept alert
 * after a rule's sequence is delivered again — at least once, never lost while it is kept.
 *
 * <p>Each rule gets its alerts in order, one at a time. A failed attempt is retried after 1 s,
 * 2 s, 4 s, … (at most 5 min between), {@link #MAX_ATTEMPTS} attempts in all, then given up
 * and the rule moves on. Every attempt is recorded with the rule (the last 20). {@link
 * #deliverDue} does the work and says when it is next needed; the controller's delivery thread
 * calls it, tests with a clock of their own.
 */
public final class Alerter implements BiConsumer<String, WatchEvent> {

  private static final Logger LOG = Logger.getLogger(Alerter.class.getName());

  static final int MAX_ATTEMPTS = 10;
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LONGEST_RETRY = Duration.ofMinutes(5);
  static final int KEPT_DELIVERIES = 20;
  static final long JOURNAL_ROTATE_AT = 1 << 20;

  private final Path bookFile;
  private final JsonLines<Alert> journal;
  private final AlertSender sender;
  private final Clock clock;
  private final Map<String, AlertRule> rules = new LinkedHashMap<>();
  private final Map<String, Deque<Alert>> pending = new LinkedHashMap<>();
  private final Map<String, Retry> retries = new LinkedHashMap<>();
  private long lastSequence;

  /** The next attempt of a rule's oldest pending alert. */
  private record Retry(int attempts, Instant at) {}

  /** Reads the rules and the kept alerts; the ones not yet delivered are pending again. */
  public Alerter(Path stateDir, AlertSender sender, Clock clock) {
    this.bookFile = stateDir.resolve("alerts.textproto");
    this.journal = new JsonLines<>(stateDir.resolve("alerts.jsonl"), JOURNAL_ROTATE_AT,
        Alert::newBuilder);
    this.sender = sender;
    this.clock = clock;
    readBook().getRulesList().forEach(r -> rules.put(r.getName(), r));
    List<Alert> kept = new ArrayList<>();
    try {
      journal.scan(a -> {
        kept.add(a);
        return true;
      });
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + journal.file() + ": " + e.getMessage(), e);
    }
    for (Alert alert : kept) {
      lastSequence = Math.max(lastSequence, alert.getSequence());
    }
    for (AlertRule rule : rules.values()) {
      Deque<Alert> queue = new ArrayDeque<>();
      kept.stream().filter(a -> a.getSequence() > rule.getDeliveredSequence()
          && AlertMatcher.wants(rule, a)).forEach(queue::add);
      pending.put(rule.getName(), queue);
      if (!queue.isEmpty()) {
        LOG.info(() -> "alert rule " + rule.getName() + ": " + queue.size()
            + " alert(s) not yet delivered, delivering again");
      }
    }
  }

  /** Takes one event of a VM's stream: an alert is numbered, kept and queued for its rules. */
  @Override
  public void accept(String vm, WatchEvent event) {
    AlertMatcher.alertOf(vm, event).ifPresent(this::raise);
  }

  synchronized Alert raise(Alert.Builder unnumbered) {
    Alert alert = unnumbered.setSequence(++lastSequence).build();
    journal.append(alert);
    rules.values().stream().filter(r -> AlertMatcher.wants(r, alert))
        .forEach(r -> pending.get(r.getName()).add(alert));
    notifyAll();
    return alert;
  }

  /** Adds a rule; it gets the alerts raised from now on. */
  public synchronized AlertRule add(AlertRule rule) {
    Names.require("alert rule", rule.getName());
    if (rules.containsKey(rule.getName())) {
      throw RaidvmException.alreadyExists("alert rule '%s' already exists; remove it first",
          rule.getName());
    }
    if (!rule.getVm().isEmpty()) {
      Names.require("VM", rule.getVm());
    }
    if (rule.getKindsList().contains(AlertKind.ALERT_KIND_UNSPECIFIED)) {
      throw RaidvmException.invalidArgument("alert kind unspecified: name one of FAIL,"
          + " DEGRADED_ARRAY, DEVICE_DISAPPEARED, MISMATCHES, AGENT_LOST, VM_CRASHED,"
          + " DISK_IO_ERROR");
    }
    switch (rule.getTargetCase()) {
      case WEBHOOK -> requireUrl(rule.getWebhook());
      case PROGRAM -> requireProgram(rule.getProgram().getArgvList());
      default -> throw RaidvmException.invalidArgument("alert rule '%s' has no target: give a"
          + " webhook URL or a program", rule.getName());
    }
    AlertRule added = rule.toBuilder().setDeliveredSequence(lastSequence).clearDeliveries()
        .build();
    rules.put(added.getName(), added);
    pending.put(added.getName(), new ArrayDeque<>());
    saveBook();
    return added;
  }

  public synchronized List<AlertRule> list() {
    return List.copyOf(rules.values());
  }

  public synchronized void remove(String name) {
    if (rules.remove(name) == null) {
      throw RaidvmException.notFound("alert rule '%s' does not exist", name);
    }
    pending.remove(name);
    retries.remove(name);
    saveBook();
  }

  /** One attempt of a test alert to the rule, now, recorded; not retried. */
  public AlertDelivery test(String name) {
    AlertRule rule;
    synchronized (this) {
      rule = rules.get(name);
      if (rule == null) {
        throw RaidvmException.notFound("alert rule '%s' does not exist", name);
      }
    }
    Alert alert = Alert.newBuilder().setKind(AlertKind.TEST).setTime(ts(clock.instant()))
        .setVm(rule.getVm()).setSummary("test alert of rule " + name).build();
    AlertSender.Outcome outcome = sender.send(rule, alert);
    synchronized (this) {
      AlertDelivery delivery = delivery(alert, 1, outcome, false);
      record(name, delivery, Optional.empty());
      return delivery;
    }
  }

  /**
   * Makes every attempt that is due now (one alert after another, per rule, while they succeed);
   * returns when the next one is due, or empty when nothing is pending.
   */
  public Optional<Instant> deliverDue() {
    while (true) {
      Optional<Work> work = nextDue();
      if (work.isEmpty()) {
        return nextTime();
      }
      Work w = work.get();
      AlertSender.Outcome outcome = sender.send(w.rule(), w.alert());
      finish(w, outcome);
    }
  }

  /** Waits until an attempt is due or an alert comes, at most {@code max}. */
  public synchronized void awaitWork(Duration max) throws InterruptedException {
    Optional<Instant> next = nextTime();
    long wait = next.map(t -> Duration.between(clock.instant(), t).toMillis())
        .orElse(max.toMillis());
    if (wait > 0) {
      wait(Math.min(wait, max.toMillis()));
    }
  }

  private record Work(AlertRule rule, Alert alert, int attempt) {}

  private synchronized Optional<Work> nextDue() {
    Instant now = clock.instant();
    for (AlertRule rule : rules.values()) {
      Alert head = pending.get(rule.getName()).peek();
      Retry retry = retries.get(rule.getName());
      if (head != null && (retry == null || !retry.at().isAfter(now))) {
        return Optional.of(new Work(rule, head, retry == null ? 1 : retry.attempts() + 1));
      }
    }
    return Optional.empty();
  }

  private synchronized Optional<Instant> nextTime() {
    Instant now = clock.instant();
    return rules.keySet().stream().filter(n -> !pending.get(n).isEmpty())
        .map(n -> retries.containsKey(n) ? retries.get(n).at() : now).min(Instant::compareTo);
  }

  private synchronized void finish(Work w, AlertSender.Outcome outcome) {
    String name = w.rule().getName();
    Deque<Alert> queue = pending.get(name);
    if (queue == null || queue.peek() != w.alert()) {
      return; // removed meanwhile
    }
    boolean gaveUp = !outcome.ok() && w.attempt() >= MAX_ATTEMPTS;
    if (outcome.ok() || gaveUp) {
      queue.poll();
      retries.remove(name);
    } else {
      retries.put(name, new Retry(w.attempt(), clock.instant().plus(backoff(w.attempt()))));
    }
    AlertDelivery delivery = delivery(w.alert(), w.attempt(), outcome, gaveUp);
    record(name, delivery, outcome.ok() || gaveUp ? Optional.of(w.alert().getSequence())
        : Optional.empty());
    if (!outcome.ok()) {
      LOG.warning(() -> "alert " + w.alert().getSequence() + " to rule " + name + ": attempt "
          + w.attempt() + " failed (" + outcome.outcome() + ")"
          + (gaveUp ? "; given up" : "; retrying"));
    }
  }

  /** The wait after the {@code attempt}th failed attempt: 1 s, 2 s, 4 s, … at most 5 min. */
  static Duration backoff(int attempt) {
    Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 20));
    return d.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : d;
  }

  private AlertDelivery delivery(Alert alert, int attempt, AlertSender.Outcome outcome,
      boolean gaveUp) {
    return AlertDelivery.newBuilder().setSequence(alert.getSequence()).setKind(alert.getKind())
        .setTime(ts(clock.instant())).setAttempt(attempt).setOk(outcome.ok())
        .setOutcome(outcome.outcome()).setGaveUp(gaveUp).build();
  }

  private void record(String name, AlertDelivery delivery, Optional<Long> delivered) {
    AlertRule rule = rules.get(name);
    if (rule == null) {
      return;
    }
    AlertRule.Builder b = rule.toBuilder().addDeliveries(delivery);
    while (b.getDeliveriesCount() > KEPT_DELIVERIES) {
      b.removeDeliveries(0);
    }
    delivered.ifPresent(b::setDeliveredSequence);
    rules.put(name, b.build());
    saveBook();
  }

  private AlertBook readBook() {
    try {
      return TextFormat.parse(Files.readString(bookFile), AlertBook.class);
    } catch (NoSuchFileException e) {
      return AlertBook.getDefaultInstance();
    } catch (IOException e) {
      throw RaidvmException.internal("cannot read " + bookFile + ": " + e.getMessage(), e);
    }
  }

  private void saveBook() {
    AtomicFiles.write(bookFile, TextFormat.printer().printToString(
        AlertBook.newBuilder().addAllRules(rules.values()).build()));
  }

  private static void requireUrl(String url) {
    try {
      URI uri = new URI(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return;
      }
    } catch (URISyntaxException e) {
      // said below
    }
    throw RaidvmException.invalidArgument("webhook '%s' is not an http:// or https:// URL with"
        + " a host", url);
  }

  private static void requireProgram(List<String> argv) {
    if (argv.isEmpty() || !Path.of(argv.get(0)).isAbsolute()
        || !Files.isExecutable(Path.of(argv.get(0)))) {
      throw RaidvmException.invalidArgument("program %s must start with the absolute path of an"
          + " executable file on the controller's host (it runs without a shell)", argv);
    }
  }

  private static Timestamp ts(Instant t) {
    return Timestamps.fromMillis(t.toEpochMilli());
  }
}
