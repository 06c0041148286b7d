package io.raidvm.agent.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.common.error.RaidvmException;
import io.raidvm.common.error.ToolException;
import io.raidvm.common.process.FakeCommandRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockDevicesTest {

  @Test
  void list_runsLsblkOnce_andBuildsTheTree() {
    FakeCommandRunner runner = new FakeCommandRunner()
        .answer(Lsblk.LIST.argv(), 0, Fixtures.read("lsblk/raid-members-constructed.json"), "");

    List<BlockDevice> devices = new BlockDevices(runner, FakeDeviceLinks.NONE).list();

    assertEquals(9, devices.size());
    assertEquals(List.of(Lsblk.LIST.argv()), runner.calls());
  }

  @Test
  void list_whenLsblkFails_failsWithItsStderr() {
    FakeCommandRunner runner = new FakeCommandRunner()
        .answer(Lsblk.LIST.argv(), 32, "", "lsblk: unknown column: MOUNTPOINTS");

    ToolException e = assertThrows(ToolException.class,
        () -> new BlockDevices(runner, FakeDeviceLinks.NONE).list());

    assertEquals(RaidvmException.Kind.FAILED_PRECONDITION, e.kind());
    assertEquals("lsblk failed (exit 32): lsblk: unknown column: MOUNTPOINTS [command: lsblk -J -b"
        + " -o NAME,KNAME,PATH,SIZE,TYPE,VENDOR,MODEL,SERIAL,FSTYPE,UUID,LABEL,MOUNTPOINTS,RO,"
        + "PKNAME,HCTL]", e.getMessage());
  }
}
