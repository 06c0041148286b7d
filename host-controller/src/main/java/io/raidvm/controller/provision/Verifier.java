package io.raidvm.controller.provision;

import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.BootState;
import io.raidvm.api.agent.v1.GetUsageRequest;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.controller.v1.ProvisionArray;
import io.raidvm.api.controller.v1.ProvisionCheck;
import io.raidvm.api.controller.v1.ProvisionFilesystem;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.ProvisionSummary;
import io.raidvm.common.Sizes;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks after the last step: what a person would look at to call the job done, for every
 * array and filesystem of the spec. Checks are named by what they are about ("array md0
 * healthy", "md0 mounted on /mnt/md0"), so that a failed one says which.
 */
final class Verifier {

  private Verifier() {}

  static ProvisionSummary verify(ProvisionSpec spec, Guest guest, GuestSteps steps) {
    List<ProvisionCheck> checks = new ArrayList<>();
    ProvisionSummary.Builder summary = ProvisionSummary.newBuilder().setSpec(spec);
    for (ProvisionArray want : ProvisionSpecs.arrays(spec)) {
      Array a = steps.getArray(want.getName());
      summary.addArrays(a);
      boolean healthy = a.getLevel().equals(want.getLevel()) && a.getDegraded() == 0
          && a.getFailedDevices() == 0 && a.getActiveDevices() == want.getDisksCount()
          && !GuestState.syncing(a);
      checks.add(check("array " + want.getName() + " healthy", healthy, GuestState.describe(a)
          + ", " + a.getActiveDevices() + "/" + a.getRaidDevices() + " active"));
    }
    for (ProvisionFilesystem want : ProvisionSpecs.filesystems(spec)) {
      String name = want.getArray() + " mounted on " + want.getMountPoint();
      try {
        MountedFilesystem fs = guest.filesystems().getUsage(GetUsageRequest.newBuilder()
            .setTarget(want.getMountPoint()).build());
        summary.addFilesystems(fs);
        boolean ours = fs.getDevice().endsWith("/" + want.getArray());
        checks.add(check(name, ours && fs.getType().equals(want.getType()),
            String.format("%s (%s) on %s: %s used of %s", fs.getDevice(), fs.getType(),
                fs.getMountPoint(), Sizes.human(fs.getUsedBytes()),
                Sizes.human(fs.getSizeBytes()))));
      } catch (StatusRuntimeException e) {
        checks.add(check(name, false, e.getStatus().getDescription()));
      }
    }
    // The first of each, where clients of one array look.
    if (summary.getArraysCount() > 0) {
      summary.setArray(summary.getArrays(0));
    }
    if (summary.getFilesystemsCount() > 0) {
      summary.setFilesystem(summary.getFilesystems(0));
    }
    if (spec.getPersist()) {
      summary.addAllPersisted(steps.persisted());
      BootState boot = steps.bootState();
      int lines = ProvisionSpecs.arrays(spec).size() + ProvisionSpecs.filesystems(spec).size();
      checks.add(check("persisted", steps.persisted().size() == lines
          && !boot.getInitramfsStale(), String.format("%d mdadm.conf and fstab lines, %s%s",
              steps.persisted().size(), boot.getInitramfsPath(), boot.getInitramfsStale()
                  ? " is older than mdadm.conf" : " up to date")));
      if (spec.getVerifyByReboot()) {
        checks.add(check("survived a reboot", !boot.getChangedSinceBoot(),
            boot.getChangedSinceBoot() ? "the configuration changed after the last boot"
                : "booted with this configuration; the arrays and mounts came back"));
      }
    }
    return summary.addAllChecks(checks)
        .setVerified(checks.stream().allMatch(ProvisionCheck::getOk))
        .build();
  }

  private static ProvisionCheck check(String name, boolean ok, String detail) {
    return ProvisionCheck.newBuilder().setName(name).setOk(ok)
        .setDetail(detail == null ? "" : detail).build();
  }
}
