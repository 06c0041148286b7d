package io.raidvm.cli.raid;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.controller.v1.AttachDiskRequest;
import io.raidvm.api.controller.v1.AttachDiskResponse;
import io.raidvm.api.controller.v1.CreateDiskRequest;
import io.raidvm.api.controller.v1.GetDiskRequest;
import io.raidvm.api.controller.v1.GetVmRequest;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.common.error.RaidvmException;
import java.util.function.Consumer;

/**
 * The new disk of a replace or a grow, brought to the VM: created when it does not exist and a
 * size is given, attached when the VM does not have it (or has it pulled). Each step looks first
 * and does only what is missing, so a command run again after it stopped goes on where it was.
 */
final class NewDisk {

  private NewDisk() {}

  /** Says each step it takes through {@code note}. */
  static void bring(ControllerClient client, String vm, String disk, String createSize,
      Consumer<String> note) {
    if (!exists(client, disk)) {
      if (createSize.isEmpty()) {
        throw RaidvmException.notFound("disk '%s' does not exist: create it (raidctl disk"
            + " create %s --size SIZE), or give --create-size SIZE", disk, disk);
      }
      client.disks().createDisk(CreateDiskRequest.newBuilder().setName(disk)
          .setSize(createSize).build());
      note.accept("created disk " + disk + " (" + createSize + ")");
    }
    VmSpec spec = client.vms().getVm(GetVmRequest.newBuilder().setName(vm).build()).getSpec();
    if (spec.getDataDisksList().contains(disk) && !spec.getPulledDisksList().contains(disk)) {
      return;
    }
    AttachDiskResponse attached = client.vms().attachDisk(AttachDiskRequest.newBuilder()
        .setName(vm).setDisk(disk).build());
    if (!attached.getHotPlugged() || attached.getGuestDevice().isEmpty()) {
      throw RaidvmException.failedPrecondition("disk '%s' is in VM %s's spec now, but the"
          + " guest does not have it (is the VM running and its agent answering?); run the"
          + " same command again once it runs", disk, vm);
    }
    note.accept("attached disk " + disk + " to VM " + vm + ": the guest sees it as "
        + attached.getGuestDevice());
  }

  private static boolean exists(ControllerClient client, String disk) {
    try {
      client.disks().getDisk(GetDiskRequest.newBuilder().setName(disk).build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
