package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.SystemState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuestBootTest {

  private static Optional<SystemState> state(String word, String... failed) {
    return Optional.of(SystemState.newBuilder().setState(word)
        .addAllFailedUnits(List.of(failed)).build());
  }

  @Test
  void running_orAnAgentThatCannotTell_leaveNoWarning() {
    assertEquals(List.of(), GuestBoot.warnings(state("running")));
    assertEquals(List.of(), GuestBoot.warnings(Optional.empty()));
  }

  @Test
  void degraded_namesItsFailedUnits_orSaysThatSystemdNamedNone() {
    assertEquals(List.of("the guest's boot finished degraded: failed units mnt-md127.mount"),
        GuestBoot.warnings(state("degraded", "mnt-md127.mount")));
    assertEquals(List.of("the guest's boot finished degraded: systemd names no failed unit"),
        GuestBoot.warnings(state("degraded")));
  }

  @Test
  void anyOtherWord_isSaidAsSystemdSaysIt() {
    assertEquals(List.of("the guest's boot ended with systemd in state 'maintenance'"),
        GuestBoot.warnings(state("maintenance")));
  }
}
