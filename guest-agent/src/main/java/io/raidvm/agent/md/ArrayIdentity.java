package io.raidvm.agent.md;

/**
 * What only an array's superblock says, never the kernel's files: its UUID as mdadm prints it
 * ("ec44b2e5:884eb3e1:44fa02b1:fed4abc8") and its name ("raidvm:127"); "" when mdadm names none.
 */
record ArrayIdentity(String uuid, String name) {

  /** From {@code mdadm --detail --export}'s MD_UUID and MD_NAME. */
  static ArrayIdentity of(MdadmDetail export) {
    return new ArrayIdentity(export.uuid(), export.name());
  }
}
