package io.raidvm.cli.scrub;

import com.google.protobuf.Timestamp;
import io.raidvm.api.controller.v1.ListScrubHistoryRequest;
import io.raidvm.api.controller.v1.ListScrubHistoryResponse;
import io.raidvm.api.controller.v1.ListScrubSchedulesRequest;
import io.raidvm.api.controller.v1.ListScrubSchedulesResponse;
import io.raidvm.api.controller.v1.RunScrubRequest;
import io.raidvm.api.controller.v1.ScrubRun;
import io.raidvm.api.controller.v1.ScrubSchedule;
import io.raidvm.api.controller.v1.SetScrubScheduleRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl scrub: scheduled checks of md arrays, kept by the controller, and their history. */
@Command(name = "scrub", description = "Scheduled scrubs (md check) of a VM's arrays and their"
    + " history. Every array the controller has seen has a schedule: by default the first"
    + " Sunday of each month at 01:06 local time, like Debian's checkarray.",
    subcommands = {ScrubCommand.Schedule.class, ScrubCommand.History.class,
        ScrubCommand.Run.class},
    footer = {"", "Examples:", "  raidctl scrub schedule vm1",
        "  raidctl scrub schedule vm1 md127 --cron '30 2 * * sat' --tz UTC",
        "  raidctl scrub run vm1 md127", "  raidctl scrub history vm1 md127"})
public final class ScrubCommand {

  private ScrubCommand() {}

  /** A scrub command on one array: VM ARRAY. */
  abstract static class OnArray extends ClientCommand {
    @Parameters(index = "0", paramLabel = "VM")
    String vm;

    @Parameters(index = "1", paramLabel = "ARRAY", description = "e.g. md127")
    String array;
  }

  @Command(name = "schedule", description = "Show the schedules (VM alone, or none for every"
      + " VM), or set one array's (VM ARRAY with --cron, --tz, --speed-max; no option: the"
      + " default again).",
      footer = {"", "CRON is five fields, MIN HOUR DOM MONTH DOW, read as Debian's cron reads"
          + " them (when both DOM and DOW are restricted, either matches); DOW may be sun#1,"
          + " the first Sunday of the month. 'off' never runs.", "", "Examples:",
          "  raidctl scrub schedule", "  raidctl scrub schedule vm1",
          "  raidctl scrub schedule vm1 md127 --cron '30 2 * * sat' --tz Europe/Berlin",
          "  raidctl scrub schedule vm1 md127 --speed-max 20000",
          "  raidctl scrub schedule vm1 md127 --cron off"})
  static final class Schedule extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "VM")
    String vm = "";

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARRAY", description = "e.g. md127")
    String array = "";

    @Option(names = "--cron", paramLabel = "CRON", arity = "1..5",
        description = "When (one quoted argument, or five); default 6 1 * * sun#1.")
    List<String> cron = new java.util.ArrayList<>();

    @Option(names = "--tz", paramLabel = "ZONE",
        description = "IANA time zone of CRON; default the controller's local time.")
    String timeZone = "";

    @Option(names = "--speed-max", paramLabel = "KiB/s",
        description = "Cap md's speed while it runs (at least 1000); default none.")
    long speedMax;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      if (array.isEmpty()) {
        ListScrubSchedulesResponse list = client.scrubs().listScrubSchedules(
            ListScrubSchedulesRequest.newBuilder().setVm(vm).build());
        output.print(printer, list, l -> printSchedules(printer, l.getSchedulesList()));
        return;
      }
      ScrubSchedule set = client.scrubs().setScrubSchedule(SetScrubScheduleRequest.newBuilder()
          .setVm(vm).setArray(array).setCron(String.join(" ", cron)).setTimeZone(timeZone)
          .setSpeedLimitKibPerS(speedMax).build());
      output.print(printer, set, s -> printSchedules(printer, List.of(s)));
    }
  }

  @Command(name = "history", description = "An array's last scrubs (50 are kept), oldest"
      + " first: start, end, duration, mismatches, result and why.",
      footer = {"", "Examples:", "  raidctl scrub history vm1 md127",
          "  raidctl scrub history vm1 md127 --limit 5 -o json"})
  static final class History extends OnArray {
    @Option(names = "--limit", paramLabel = "N", description = "Only the newest N.")
    int limit;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      ListScrubHistoryResponse history = client.scrubs().listScrubHistory(
          ListScrubHistoryRequest.newBuilder().setVm(vm).setArray(array)
              .setLimit(Math.max(0, limit)).build());
      output.print(printer, history, h -> printer.table(List.of("STARTED", "ENDED", "SECONDS",
          "MISMATCHES", "RESULT", "BY", "REASON"), h.getRunsList().stream()
          .map(ScrubCommand::row).toList()));
    }
  }

  @Command(name = "run", description = "Check an array now (the controller follows it to its"
      + " end and records it in the history); says why when it cannot start.",
      footer = {"", "Examples:", "  raidctl scrub run vm1 md127",
          "  raidctl scrub run vm1 md127 --speed-max 50000"})
  static final class Run extends OnArray {
    @Option(names = "--speed-max", paramLabel = "KiB/s",
        description = "Cap md's speed while it runs; default the schedule's.")
    long speedMax;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      ScrubRun run = client.scrubs().runScrub(RunScrubRequest.newBuilder().setVm(vm)
          .setArray(array).setSpeedLimitKibPerS(speedMax).build());
      output.print(printer, run, r -> printer.line(r.getResult() == ScrubRun.Result.RUNNING
          ? "started a check of " + r.getArray() + " in VM " + r.getVm() + " (operation "
              + r.getOperationId() + "); see raidctl scrub history " + r.getVm() + " "
              + r.getArray()
          : r.getResult().name().toLowerCase(java.util.Locale.ROOT) + ": " + r.getReason()));
    }
  }

  private static void printSchedules(Printer printer, List<ScrubSchedule> schedules) {
    printer.table(List.of("VM", "ARRAY", "CRON", "ZONE", "SPEED-MAX", "NEXT"),
        schedules.stream().map(s -> List.of(s.getVm(), s.getArray(),
            s.getCron() + (s.getIsDefault() ? " (default)" : ""),
            s.getTimeZone().isEmpty() ? "local" : s.getTimeZone(),
            s.getSpeedLimitKibPerS() == 0 ? "-" : s.getSpeedLimitKibPerS() + " KiB/s",
            s.hasNextRun() ? time(s.getNextRun()) : "-")).toList());
  }

  private static List<String> row(ScrubRun r) {
    return List.of(time(r.getStarted()), r.hasEnded() ? time(r.getEnded()) : "-",
        r.hasEnded() ? Long.toString(r.getDurationMs() / 1000) : "-",
        r.getResult() == ScrubRun.Result.CLEAN || r.getResult() == ScrubRun.Result.MISMATCHES
            ? Long.toString(r.getMismatchCount()) : "-",
        r.getResult().name(), r.getTrigger(), r.getReason().isEmpty() ? "-" : r.getReason());
  }

  private static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds()).toString();
  }
}
