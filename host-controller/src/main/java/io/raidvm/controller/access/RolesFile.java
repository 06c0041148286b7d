package io.raidvm.controller.access;

import io.raidvm.common.access.Role;
import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The roles of TLS clients ({@code --roles FILE}): one line per name, {@code NAME ROLE}, where
 * NAME is {@code CN=<common name>} (the certificate's subject), {@code DNS:<name>} or
 * {@code URI:<uri>} (a subject alternative name), compared exactly; ROLE is viewer, operator or
 * admin. Blank lines and lines starting with # are ignored. A certificate takes the role of the
 * first line that matches one of its names; a certificate that matches none has no role.
 */
public final class RolesFile {

  /** One line: a name and its role. */
  record Entry(String name, Role role) {}

  private final List<Entry> entries;

  private RolesFile(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Nobody has a role: every TLS client is refused. */
  public static RolesFile empty() {
    return new RolesFile(List.of());
  }

  /**
   * Reads {@code file}.
   *
   * @throws RaidvmException INVALID_ARGUMENT naming the file, the line and what is wrong
   */
  public static RolesFile read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw RaidvmException.invalidArgument("cannot read the roles file %s: %s", file, e);
    }
    return parse(text, file.toString());
  }

  /** Parses the text of a roles file; {@code source} names it in errors. */
  static RolesFile parse(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      String[] fields = line.split("\\s+");
      if (fields.length != 2) {
        throw RaidvmException.invalidArgument("%s: expected 'NAME ROLE' (e.g. 'CN=ops-bot"
            + " operator'), got '%s'", where, line);
      }
      String name = fields[0];
      if (!(name.startsWith("CN=") || name.startsWith("DNS:") || name.startsWith("URI:"))
          || name.endsWith("=") || name.endsWith(":")) {
        throw RaidvmException.invalidArgument("%s: '%s' is not CN=<name>, DNS:<name> or"
            + " URI:<uri>", where, name);
      }
      Role role;
      try {
        role = Role.parse(fields[1]);
      } catch (RaidvmException e) {
        throw RaidvmException.invalidArgument("%s: %s", where, e.getMessage());
      }
      for (Entry entry : entries) {
        if (entry.name().equals(name)) {
          throw RaidvmException.invalidArgument("%s: %s is given a role twice", where, name);
        }
      }
      entries.add(new Entry(name, role));
    }
    return new RolesFile(entries);
  }

  /**
   * The caller with {@code names} — its subject as "CN=…" first, then its SANs as "DNS:…" and
   * "URI:…" — and the role of the first line that names one of them.
   */
  public Caller callerOf(List<String> names) {
    String shown = names.isEmpty() ? "a certificate without a name" : names.get(0);
    for (Entry entry : entries) {
      if (names.contains(entry.name())) {
        return Caller.of(entry.name(), entry.role());
      }
    }
    return Caller.withoutRole(shown);
  }

  /** What the file maps, in its order. */
  List<Entry> entries() {
    return entries;
  }
}
