package io.raidvm.agent.fs;

import io.raidvm.common.error.RaidvmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The extra options of a mkfs call, read as mke2fs's getopt reads them (clustered flags such as
 * {@code -jb4096}, a value glued on or as the next entry) and checked against an allow-list of
 * what is safe and meaningful on a data array. Pure: the result is the argv to pass, each option
 * and its value as separate entries; anything else is refused with INVALID_ARGUMENT.
 */
public final class Mke2fsOptions {

  /** mke2fs 1.47's getopt string: a letter followed by ':' takes a value. */
  static final String GETOPT = "b:cd:e:g:i:jl:m:no:qr:s:t:vC:DE:FG:I:J:KL:M:N:O:R:ST:U:Vz:";

  private static final Pattern UINT = Pattern.compile("[1-9][0-9]{0,9}");
  private static final Pattern WORD = Pattern.compile("[a-z0-9_]+");
  private static final Pattern FEATURE = Pattern.compile("\\^?[a-z0-9_]+");
  private static final Pattern PERCENT = Pattern.compile("[0-9]{1,2}(\\.[0-9]{1,3})?");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
          + "|clear|random|time");
  private static final Pattern JOURNAL = Pattern.compile("size=[1-9][0-9]{0,6}");
  private static final Pattern EXTENDED = Pattern.compile(
      "(stride|stripe-width|stripe_width|resize)=[1-9][0-9]{0,9}"
          + "|(lazy_itable_init|lazy_journal_init)(=[01])?|discard|nodiscard"
          + "|root_owner(=[0-9]{1,10}:[0-9]{1,10})?");
  /** The allowed options in the order the refusals list them. */
  private static final String ALLOWED_ORDER = "bEmiINOjJTU";

  /** What each allowed option means and which values it takes. */
  private static final Map<Character, Allowed> ALLOWED = Map.ofEntries(
      allowed('b', "a block size: 1024, 2048 or 4096",
          v -> v.equals("1024") || v.equals("2048") || v.equals("4096")),
      allowed('E', "extended options: stride=N, stripe-width=N (or stripe_width=N), resize=N,"
          + " lazy_itable_init[=0|1], lazy_journal_init[=0|1], discard, nodiscard,"
          + " root_owner[=UID:GID], separated by commas", list(EXTENDED)),
      allowed('m', "a reserved-blocks percentage from 0 to 50",
          v -> PERCENT.matcher(v).matches() && Double.parseDouble(v) <= 50),
      allowed('i', "bytes per inode, from 1024 to 67108864",
          v -> isUint(v) && Long.parseLong(v) >= 1024 && Long.parseLong(v) <= 67_108_864),
      allowed('I', "an inode size: 128, 256, 512 or 1024",
          v -> List.of("128", "256", "512", "1024").contains(v)),
      allowed('N', "a number of inodes", v -> isUint(v) && Long.parseLong(v) <= 0xFFFF_FFFFL),
      allowed('O', "features separated by commas, '^' to clear one (e.g. ^has_journal)",
          list(FEATURE)),
      allowed('j', "", v -> true),
      allowed('J', "journal options: size=MiB", v -> JOURNAL.matcher(v).matches()),
      allowed('T', "usage types separated by commas (e.g. largefile)", list(WORD)),
      allowed('U', "a UUID, or clear, random or time", v -> UUID.matcher(v).matches()));

  /** Why the options mke2fs knows but raidvm does not pass are refused. */
  private static final Map<Character, String> REFUSED = Map.ofEntries(
      Map.entry('F', "set force instead: -F more than once makes mke2fs write over a mounted"
          + " device"),
      Map.entry('n', "a dry run is harmless, but the operation would report a filesystem that"
          + " was never made"),
      Map.entry('q', "the operation's progress and size come from mke2fs's output"),
      Map.entry('v', "the operation's progress comes from mke2fs's usual output"),
      Map.entry('V', "it prints the version and makes no filesystem"),
      Map.entry('c', "a bad-blocks scan of a virtual disk takes long and finds nothing"),
      Map.entry('l', "it reads a bad-blocks list from a file"),
      Map.entry('d', "it copies files from a directory into the new filesystem"),
      Map.entry('z', "it writes an undo file to a path"),
      Map.entry('S', "it writes superblocks and group descriptors only: the data is lost"),
      Map.entry('t', "the type is the request's type field"),
      Map.entry('L', "the label is the request's label field"),
      Map.entry('M', "it records a last-mounted directory (a path)"),
      Map.entry('e', "error behaviour is a mount or tune2fs setting"),
      Map.entry('g', "blocks per group are best left to mke2fs"),
      Map.entry('G', "flex group size is best left to mke2fs"),
      Map.entry('o', "the creator OS is Linux"),
      Map.entry('r', "revision 0 filesystems have no ext4 features"),
      Map.entry('C', "cluster size needs bigalloc, which RAID data does not want"),
      Map.entry('D', "direct I/O only slows mke2fs down"),
      Map.entry('K', "it is deprecated: use -E nodiscard"),
      Map.entry('R', "it is deprecated: use -E stride=N"),
      Map.entry('s', "it is deprecated: use -O sparse_super"));

  private Mke2fsOptions() {}

  /** The argv to pass to mke2fs: each allowed option, then its value as its own entry. */
  public static List<String> parse(List<String> options) {
    List<String> argv = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      String entry = options.get(i);
      requireOption(entry);
      for (int at = 1; at < entry.length(); at++) {
        char flag = entry.charAt(at);
        Allowed allowed = allowedOrRefuse(flag, entry);
        argv.add("-" + flag);
        if (!takesValue(flag)) {
          continue;
        }
        String value;
        if (at + 1 < entry.length()) {
          value = entry.substring(at + 1);
        } else if (i + 1 < options.size()) {
          value = options.get(++i);
        } else {
          throw RaidvmException.invalidArgument("mkfs option -%c needs a value: %s", flag,
              allowed.values());
        }
        requireValue(flag, value, allowed);
        argv.add(value);
        break;
      }
    }
    return List.copyOf(argv);
  }

  private static void requireOption(String entry) {
    if (entry.equals("--")) {
      throw RaidvmException.invalidArgument("mkfs option '--' is not allowed: it ends mke2fs's"
          + " options, so what follows would be read as the device; allowed: %s", allowedList());
    }
    if (entry.startsWith("--")) {
      throw RaidvmException.invalidArgument("mkfs option '%s' is not allowed: mke2fs has no long"
          + " options; allowed: %s", entry, allowedList());
    }
    if (!entry.startsWith("-") || entry.length() < 2) {
      throw RaidvmException.invalidArgument("mkfs option '%s' is not an option: a value"
          + " follows its option (e.g. [\"-b\", \"4096\"]), and a bare word would be read as the"
          + " device or its size; allowed: %s", entry, allowedList());
    }
  }

  private static Allowed allowedOrRefuse(char flag, String entry) {
    Allowed allowed = ALLOWED.get(flag);
    if (allowed != null) {
      return allowed;
    }
    String why = REFUSED.getOrDefault(flag, "mke2fs does not know it");
    String in = entry.length() > 2 ? " (in '" + entry + "')" : "";
    throw RaidvmException.invalidArgument("mkfs option -%c%s is not allowed: %s; allowed: %s",
        flag, in, why, allowedList());
  }

  private static boolean takesValue(char flag) {
    int at = GETOPT.indexOf(flag);
    return at + 1 < GETOPT.length() && GETOPT.charAt(at + 1) == ':';
  }

  private static void requireValue(char flag, String value, Allowed allowed) {
    if (allowed.accepts().test(value)) {
      return;
    }
    String item = allowed.bad(value);
    String part = item.equals(value) ? "" : " ('" + item + "')";
    throw RaidvmException.invalidArgument("mkfs option -%c '%s'%s is not valid: it takes %s",
        flag, value, part, allowed.values());
  }

  /** Items separated by commas, each one matching {@code item}. */
  private static Predicate<String> list(Pattern item) {
    return new CommaList(item);
  }

  private static boolean isUint(String value) {
    return UINT.matcher(value).matches();
  }

  static String allowedList() {
    return String.join(", ", ALLOWED_ORDER.chars().mapToObj(c -> "-" + (char) c).toList());
  }

  private static Map.Entry<Character, Allowed> allowed(char flag, String values,
      Predicate<String> accepts) {
    return Map.entry(flag, new Allowed(values, accepts));
  }

  private record Allowed(String values, Predicate<String> accepts) {

    /** The first item of a comma list that is not accepted; the whole value otherwise. */
    String bad(String value) {
      return accepts instanceof CommaList items ? items.firstBad(value) : value;
    }
  }

  private record CommaList(Pattern item) implements Predicate<String> {

    @Override
    public boolean test(String value) {
      return firstBad(value) == null;
    }

    String firstBad(String value) {
      for (String part : value.split(",", -1)) {
        if (!item.matcher(part).matches()) {
          return part;
        }
      }
      return null;
    }
  }
}
