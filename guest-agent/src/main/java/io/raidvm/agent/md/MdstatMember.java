package io.raidvm.agent.md;

import java.util.Set;

/**
 * One member as /proc/mdstat lists it: {@code sdb1[1](W)(F)}.
 *
 * @param name the kernel name ("sdb1")
 * @param number md's descriptor number in brackets (not the role: a spare also has one)
 * @param flags the parenthesised letters after it
 */
public record MdstatMember(String name, int number, Set<Flag> flags) {

  /** The kernel's letters after a member, in md.c's order. */
  public enum Flag {
    WRITE_MOSTLY('W'),
    JOURNAL('J'),
    FAULTY('F'),
    SPARE('S'),
    REPLACEMENT('R');

    private final char letter;

    Flag(char letter) {
      this.letter = letter;
    }

    static Flag of(char letter) {
      for (Flag flag : values()) {
        if (flag.letter == letter) {
          return flag;
        }
      }
      throw new IllegalArgumentException("unknown mdstat member flag (" + letter + ")");
    }
  }

  public MdstatMember {
    flags = Set.copyOf(flags);
  }

  public boolean has(Flag flag) {
    return flags.contains(flag);
  }
}
