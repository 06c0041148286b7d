package io.raidvm.controller.access;

import io.raidvm.common.error.RaidvmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Users and groups as {@code /etc/passwd} and {@code /etc/group} list them: a user's name, a
 * group's id, and the groups a user belongs to (its primary group and those that list it as a
 * member — what login gives it). Pure over the two files' text.
 */
public final class UnixAccounts {

  private final Map<Integer, String> userNames = new HashMap<>();
  private final Map<String, Integer> groupIds = new HashMap<>();
  private final Map<String, Set<Integer>> memberships = new HashMap<>();

  UnixAccounts(String passwd, String group) {
    for (String line : passwd.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && !line.startsWith("#")) {
        parseInt(f[2]).ifPresent(uid -> userNames.putIfAbsent(uid, f[0]));
      }
    }
    for (String line : group.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && !line.startsWith("#")) {
        OptionalInt gid = parseInt(f[2]);
        if (gid.isPresent()) {
          groupIds.putIfAbsent(f[0], gid.getAsInt());
          for (String member : f[3].split(",")) {
            if (!member.isBlank()) {
              memberships.computeIfAbsent(member.strip(), m -> new HashSet<>())
                  .add(gid.getAsInt());
            }
          }
        }
      }
    }
  }

  /** Reads {@code <etc>/passwd} and {@code <etc>/group} (a missing one counts as empty). */
  public static UnixAccounts read(Path etc) {
    return new UnixAccounts(readOrEmpty(etc.resolve("passwd")), readOrEmpty(etc.resolve("group")));
  }

  /** The user's name, if passwd has one for {@code uid}. */
  public Optional<String> userName(int uid) {
    return Optional.ofNullable(userNames.get(uid));
  }

  /**
   * The id of {@code group}, a name or a number.
   *
   * @throws RaidvmException INVALID_ARGUMENT when there is no such group
   */
  public int groupId(String group) {
    OptionalInt number = parseInt(group);
    if (number.isPresent()) {
      return number.getAsInt();
    }
    Integer gid = groupIds.get(group);
    if (gid == null) {
      throw RaidvmException.invalidArgument("no group '%s' in /etc/group", group);
    }
    return gid;
  }

  /** The groups of user {@code uid} whose primary group is {@code gid}. */
  public Set<Integer> groupsOf(int uid, int gid) {
    Set<Integer> groups = new HashSet<>(List.of(gid));
    userName(uid).map(memberships::get).ifPresent(groups::addAll);
    return groups;
  }

  private static OptionalInt parseInt(String text) {
    try {
      return OptionalInt.of(Integer.parseInt(text));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw RaidvmException.failedPrecondition("cannot read %s: %s", file, e);
    }
  }
}
