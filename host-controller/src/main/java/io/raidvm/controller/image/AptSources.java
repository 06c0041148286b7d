package io.raidvm.controller.image;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the host's apt configuration to find the Debian archive mirror the image is built from.
 * The mirror is never hard-coded: the host already knows which one it may reach.
 */
public final class AptSources {

  private AptSources() {}

  /**
   * The URI of the first enabled {@code deb} entry for exactly {@code suite} with component
   * {@code main} (so {@code -security} and {@code -updates} entries never match); failing that,
   * the one for {@code hostSuite}, the host's own release (os-release's VERSION_CODENAME, empty
   * when unknown): a Debian archive serves every suite, and a bookworm host that builds a trixie
   * guest names only bookworm. Neither is FAILED_PRECONDITION.
   */
  public static String mirrorFor(String suite, String hostSuite, List<AptSource> sources) {
    return archiveOf(suite, sources)
        .or(() -> hostSuite.isEmpty() ? Optional.empty() : archiveOf(hostSuite, sources))
        .orElseThrow(() -> RaidvmException.failedPrecondition("the host's apt configuration has no"
            + " Debian archive for suite '%s'%s: add an entry of type deb for suite %s with"
            + " component main to /etc/apt/sources.list or /etc/apt/sources.list.d/", suite,
            hostSuite.isEmpty() ? "" : " nor for the host's own suite '" + hostSuite + "'",
            suite));
  }

  private static Optional<String> archiveOf(String suite, List<AptSource> sources) {
    return sources.stream()
        .filter(s -> s.type().equals("deb") && s.suite().equals(suite))
        .filter(s -> s.components().contains("main"))
        .filter(s -> isFetchable(s.uri()))
        .map(AptSource::uri)
        .findFirst();
  }

  /**
   * All entries of {@code aptDir}'s {@code sources.list} and {@code sources.list.d/*.list} and
   * {@code *.sources}, in apt's order; files whose name contains {@code .disabled} are skipped.
   */
  public static List<AptSource> read(Path aptDir) {
    List<AptSource> all = new ArrayList<>();
    Path main = aptDir.resolve("sources.list");
    if (Files.isRegularFile(main)) {
      all.addAll(parseOneLine(text(main)));
    }
    Path parts = aptDir.resolve("sources.list.d");
    if (Files.isDirectory(parts)) {
      try (Stream<Path> files = Files.list(parts)) {
        for (Path file : files.sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.contains(".disabled")) {
            continue;
          }
          if (name.endsWith(".list")) {
            all.addAll(parseOneLine(text(file)));
          } else if (name.endsWith(".sources")) {
            all.addAll(parseDeb822(text(file)));
          }
        }
      } catch (IOException e) {
        throw unreadable(parts, e);
      }
    }
    return all;
  }

  /** Parses the one-line format: {@code deb [opt=val ...] uri suite [component ...]}. */
  public static List<AptSource> parseOneLine(String text) {
    List<AptSource> sources = new ArrayList<>();
    for (String raw : text.split("\n")) {
      List<String> words = words(stripComment(raw));
      if (words.size() < 3) {
        continue;
      }
      int next = 1;
      if (words.get(1).startsWith("[")) {
        while (next < words.size() && !words.get(next).endsWith("]")) {
          next++;
        }
        next++;
      }
      if (words.size() < next + 2) {
        continue;
      }
      sources.add(new AptSource(words.get(0), words.get(next), words.get(next + 1),
          words.subList(next + 2, words.size())));
    }
    return sources;
  }

  /** Parses the deb822 format of {@code *.sources}: stanzas of Types, URIs, Suites, Components. */
  public static List<AptSource> parseDeb822(String text) {
    List<AptSource> sources = new ArrayList<>();
    for (Map<String, String> stanza : stanzas(text)) {
      if (stanza.getOrDefault("enabled", "yes").strip().equalsIgnoreCase("no")) {
        continue;
      }
      List<String> components = words(stanza.getOrDefault("components", ""));
      for (String type : words(stanza.getOrDefault("types", ""))) {
        for (String uri : words(stanza.getOrDefault("uris", ""))) {
          for (String suite : words(stanza.getOrDefault("suites", ""))) {
            sources.add(new AptSource(type, uri, suite, components));
          }
        }
      }
    }
    return sources;
  }

  private static List<Map<String, String>> stanzas(String text) {
    List<Map<String, String>> stanzas = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String field = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          stanzas.add(current);
          current = new LinkedHashMap<>();
        }
        field = null;
      } else if (Character.isWhitespace(line.charAt(0)) && field != null) {
        current.merge(field, line.strip(), (a, b) -> a + " " + b);
      } else if (line.indexOf(':') > 0) {
        field = line.substring(0, line.indexOf(':')).strip().toLowerCase(Locale.ROOT);
        current.put(field, line.substring(line.indexOf(':') + 1).strip());
      }
    }
    if (!current.isEmpty()) {
      stanzas.add(current);
    }
    return stanzas;
  }

  /** Splits on blanks, keeping a bracketed part such as {@code cdrom:[Debian 12 DVD]/} whole. */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int depth = 0;
    for (char c : line.strip().toCharArray()) {
      if (Character.isWhitespace(c) && depth == 0) {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
        continue;
      }
      if (c == '[' && word.length() > 0) {
        depth++;
      } else if (c == ']' && depth > 0) {
        depth--;
      }
      word.append(c);
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }

  private static boolean isFetchable(String uri) {
    return Arrays.stream(new String[] {"http://", "https://", "file:/"}).anyMatch(uri::startsWith);
  }

  private static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static RaidvmException unreadable(Path path, IOException e) {
    return RaidvmException.failedPrecondition("cannot read the host's apt configuration %s: %s",
        path, e.getMessage());
  }
}
