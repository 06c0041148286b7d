package io.raidvm.agent.block;

import io.raidvm.api.agent.v1.BlockDevice;
import io.raidvm.common.process.CommandRunner;
import java.nio.file.Path;
import java.util.List;

/** The guest's block devices: lsblk's view, completed with holders and by-id links. */
public final class BlockDevices {

  private final CommandRunner runner;
  private final DeviceLinks links;

  /** {@code root} is "/" in the guest; tests pass a directory laid out like sysfs and /dev. */
  public BlockDevices(CommandRunner runner, Path root) {
    this(runner, new SysfsDeviceLinks(root));
  }

  BlockDevices(CommandRunner runner, DeviceLinks links) {
    this.runner = runner;
    this.links = links;
  }

  /** Disks, loop devices and md arrays at top level, each with its partitions. */
  public List<BlockDevice> list() {
    String json = runner.run(Lsblk.LIST).orThrow().stdout();
    return BlockDeviceTree.build(Lsblk.parse(json), links);
  }
}
