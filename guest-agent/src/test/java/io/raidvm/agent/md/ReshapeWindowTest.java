package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reshape's window, from the members' offsets and the chunks as md shows them during the
 * reshapes captured in the guest (fixtures/guest-reshape, 64 MiB members, mdadm 4.2).
 */
class ReshapeWindowTest {

  private static final String R2 = "guest-reshape/r2-grow-4/sysfs-md127-reshape";
  private static final String R3 = "guest-reshape/r3-raid6/sysfs-md127-reshape";
  private static final String R5 = "guest-reshape/r5-chunk/sysfs-md127-reshape";

  @TempDir
  Path root;

  private MdKernelFiles captured(String capture) {
    new MdGuest(root).sysfs(capture);
    return new MdKernelFiles(root);
  }

  @Test
  void growingOntoAFourthMember_movesTheOffsetsBy3072_soTheWindowIsTwoChunks() {
    MdKernelFiles md = captured(R2);

    assertEquals(new ReshapeWindow.MemberOffsets("sdb1", 4096, 1024),
        md.memberOffsets("md127").get(0));
    assertEquals(1024, md.reshapeUnit("md127"));
    assertEquals(3072, ReshapeWindow.move(md.memberOffsets("md127")));
    assertEquals(Optional.of(new ReshapeWindow(1024, 2048)),
        ReshapeWindow.of(md.reshapeUnit("md127"), md.memberOffsets("md127")));
  }

  /** Two members keep their offset; the three that move, move by one chunk: no room. */
  @Test
  void raid5To6_movesBy1024Only_whichLeavesNoWindowForA512KibChunk() {
    MdKernelFiles md = captured(R3);

    assertEquals(List.of(1024L, 1024L, 1024L, 0L, 0L), md.memberOffsets("md127").stream()
        .map(ReshapeWindow.MemberOffsets::move).toList());
    assertEquals(1024, ReshapeWindow.move(md.memberOffsets("md127")));
    assertEquals(Optional.empty(), ReshapeWindow.of(1024, md.memberOffsets("md127")));
  }

  @Test
  void aChunkChange_takesTheLargerChunkAsTheUnit() {
    MdKernelFiles md = captured(R5);

    assertEquals(1024, md.reshapeUnit("md127"), "512 KiB before, 256 KiB after");
    assertEquals(Optional.of(new ReshapeWindow(1024, 1024)),
        ReshapeWindow.of(1024, md.memberOffsets("md127")));
  }

  @Test
  void noMemberMoves_noWindow() {
    assertEquals(0, ReshapeWindow.move(List.of(new ReshapeWindow.MemberOffsets("sdb1", 2048,
        2048))));
    assertEquals(Optional.empty(), ReshapeWindow.of(128, List.of(
        new ReshapeWindow.MemberOffsets("sdb1", 2048, 2048))));
  }

  /** trixie's 64 MiB members, 64 → 128 KiB: offsets 2048 → 1024 (measured). */
  @Test
  void next_isTheWindowAheadInWholeUnits_andNeverLowersSyncMax() {
    ReshapeWindow w = ReshapeWindow.of(ReshapeWindow.unit(65536, 131072), List.of(
        new ReshapeWindow.MemberOffsets("sdb", 2048, 1024))).orElseThrow();
    assertEquals(new ReshapeWindow(256, 768), w);

    assertEquals(768, w.next(0, 256));
    assertEquals(1024, w.next(300, 768));
    assertEquals(1024, w.next(100, 1024), "never below what md has");
    assertEquals(123904 + 768, w.next(123904, 1024));
  }
}
