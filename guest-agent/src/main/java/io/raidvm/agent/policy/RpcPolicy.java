package io.raidvm.agent.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which agent RPCs this guest answers, as qemu-ga's {@code --allow-rpcs}/{@code --block-rpcs}:
 * read from a file in the image ({@code /etc/raidvm-agent/rpcs.conf}). One rule a line,
 * {@code allow NAME} or {@code block NAME}; NAME is {@code Service/Method} ("Raid/ZeroSuperblock",
 * the package may be given too) or {@code Service/*}; {@code #} starts a comment. With any allow
 * line only what an allow line names is answered; a block line refuses what it names whatever
 * the allow lines say. No file, or no rules: everything is answered. A file that cannot be read
 * as rules refuses everything, saying which line is wrong — the guest's owner meant to restrict.
 */
public record RpcPolicy(List<String> allowed, List<String> blocked, String error) {

  public static final RpcPolicy OPEN = new RpcPolicy(List.of(), List.of(), "");

  private static final String PACKAGE = "raidvm.agent.v1.";

  public RpcPolicy {
    allowed = List.copyOf(allowed);
    blocked = List.copyOf(blocked);
  }

  /** Parses the file's text; {@code where} names the file in messages. */
  public static RpcPolicy parse(String text, String where) {
    List<String> allow = new ArrayList<>();
    List<String> block = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].replaceAll("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] words = line.split("\\s+");
      if (words.length != 2 || !(words[0].equals("allow") || words[0].equals("block"))
          || !words[1].matches("(" + PACKAGE.replace(".", "\\.") + ")?[A-Za-z]+/([A-Za-z]+|\\*)")) {
        return new RpcPolicy(List.of(), List.of(), String.format("%s line %d is not a rule:"
            + " '%s' (write 'allow Service/Method' or 'block Service/*'); every call is refused"
            + " until it is fixed", where, i + 1, line));
      }
      String name = words[1].startsWith(PACKAGE) ? words[1].substring(PACKAGE.length())
          : words[1];
      (words[0].equals("allow") ? allow : block).add(name);
    }
    return new RpcPolicy(allow, block, "");
  }

  /**
   * Why a call is refused, or empty when it is answered.
   *
   * @param fullMethod e.g. "raidvm.agent.v1.Raid/ZeroSuperblock"
   */
  public Optional<String> refusal(String fullMethod, String where) {
    if (!error.isEmpty()) {
      return Optional.of(error);
    }
    String name = fullMethod.startsWith(PACKAGE) ? fullMethod.substring(PACKAGE.length())
        : fullMethod;
    if (blocked.stream().anyMatch(rule -> matches(rule, name))) {
      return Optional.of(name + " is blocked in this guest by " + where);
    }
    if (!allowed.isEmpty() && allowed.stream().noneMatch(rule -> matches(rule, name))) {
      return Optional.of(name + " is not among the calls " + where + " allows in this guest");
    }
    return Optional.empty();
  }

  private static boolean matches(String rule, String name) {
    return rule.endsWith("/*") ? name.startsWith(rule.substring(0, rule.length() - 1))
        : rule.equals(name);
  }
}
