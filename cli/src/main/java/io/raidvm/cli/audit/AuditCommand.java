package io.raidvm.cli.audit;

import com.google.protobuf.Timestamp;
import io.raidvm.api.controller.v1.AuditEntry;
import io.raidvm.api.controller.v1.ListAuditRequest;
import io.raidvm.api.controller.v1.ListAuditResponse;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** raidctl audit: who changed what, from the controller's audit trail. */
@Command(name = "audit", description = "Who changed what: the controller's audit trail (every"
    + " call above viewer, refused ones too) and the lines it copied from the VMs' agents (FROM"
    + " agent: the call as the guest answered it, kept after the VM is deleted), oldest first.",
    footer = {"", "Examples:", "  raidctl audit --vm vm1 --since 1h",
        "  raidctl audit --since 2026-12-01T08:00:00Z -o json"})
public final class AuditCommand extends ClientCommand {

  @Option(names = "--vm", paramLabel = "VM", description = "Only calls about this VM.")
  String vm = "";

  @Option(names = "--since", paramLabel = "DURATION|TIME", converter = Since.class,
      description = "Only calls since then: a duration back from now (30m, 2h, 7d) or an ISO"
          + " time (2026-12-01T08:00:00Z).")
  Instant since;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "At most the newest N (1 to 10000, default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  protected void run(ControllerClient client, Printer printer) {
    if (limit < 1 || limit > 10_000) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--limit must be 1 to 10000, got " + limit);
    }
    ListAuditRequest.Builder request = ListAuditRequest.newBuilder().setVm(vm).setLimit(limit);
    if (since != null) {
      request.setSince(Timestamp.newBuilder().setSeconds(since.getEpochSecond())
          .setNanos(since.getNano()));
    }
    ListAuditResponse response = client.audit().listAudit(request.build());
    if (output.json()) {
      response.getEntriesList().forEach(printer::jsonLine);
      return;
    }
    printer.table(List.of("TIME", "FROM", "CALLER", "ROLE", "VM", "RPC", "RESULT", "MS"),
        response.getEntriesList().stream().map(AuditCommand::row).toList());
  }

  private static List<String> row(AuditEntry e) {
    String rpc = e.getRpc().substring(e.getRpc().lastIndexOf('.') + 1);
    return List.of(Instant.ofEpochSecond(e.getTime().getSeconds()).toString(),
        e.getOrigin().isEmpty() ? "controller" : e.getOrigin(), e.getCaller(),
        e.getRole().isEmpty() ? "-" : e.getRole(), e.getVm().isEmpty() ? "-" : e.getVm(), rpc,
        e.getCode(), Long.toString(e.getDurationMs()));
  }

  /** "30m", "2h", "7d", "45s" back from now, or an ISO-8601 instant. */
  static final class Since implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String text) {
      if (text.matches("\\d+[smhd]")) {
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        Duration back = switch (text.charAt(text.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
        return Instant.now().minus(back);
      }
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + text + "' is neither a duration (30m, 2h, 7d)"
            + " nor an ISO time (2026-12-01T08:00:00Z)");
      }
    }
  }
}
