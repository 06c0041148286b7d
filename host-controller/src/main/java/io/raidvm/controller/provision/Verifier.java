package io.raidvm.controller.provision;

import io.grpc.StatusRuntimeException;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.GetUsageRequest;
import io.raidvm.api.agent.v1.MountedFilesystem;
import io.raidvm.api.controller.v1.ProvisionCheck;
import io.raidvm.api.controller.v1.ProvisionSpec;
import io.raidvm.api.controller.v1.ProvisionSummary;
import io.raidvm.common.Sizes;
import java.util.ArrayList;
import java.util.List;

/** The checks after the last step: what a person would look at to call the job done. */
final class Verifier {

  private Verifier() {}

  static ProvisionSummary verify(ProvisionSpec spec, Guest guest, GuestSteps steps) {
    List<ProvisionCheck> checks = new ArrayList<>();
    ProvisionSummary.Builder summary = ProvisionSummary.newBuilder().setSpec(spec);
    Array a = steps.getArray();
    summary.setArray(a);
    boolean healthy = a.getLevel().equals(spec.getLevel()) && a.getDegraded() == 0
        && a.getFailedDevices() == 0 && a.getActiveDevices() == spec.getDiskCount()
        && !GuestState.syncing(a);
    checks.add(check("array healthy", healthy, GuestState.describe(a) + ", "
        + a.getActiveDevices() + "/" + a.getRaidDevices() + " active"));
    try {
      MountedFilesystem fs = guest.filesystems().getUsage(GetUsageRequest.newBuilder()
          .setTarget(spec.getMountPoint()).build());
      summary.setFilesystem(fs);
      boolean ours = fs.getDevice().endsWith("/" + spec.getArray());
      checks.add(check("mounted", ours && fs.getType().equals(spec.getFilesystem()),
          String.format("%s (%s) on %s: %s used of %s", fs.getDevice(), fs.getType(),
              fs.getMountPoint(), Sizes.human(fs.getUsedBytes()),
              Sizes.human(fs.getSizeBytes()))));
    } catch (StatusRuntimeException e) {
      checks.add(check("mounted", false, e.getStatus().getDescription()));
    }
    if (spec.getPersist()) {
      summary.addAllPersisted(steps.persisted());
      var boot = steps.bootState();
      checks.add(check("persisted", steps.persisted().size() == 2 && !boot.getInitramfsStale(),
          "mdadm.conf and fstab lines, " + boot.getInitramfsPath()
              + (boot.getInitramfsStale() ? " is older than mdadm.conf" : " up to date")));
      if (spec.getVerifyByReboot()) {
        checks.add(check("survived a reboot", !boot.getChangedSinceBoot(),
            boot.getChangedSinceBoot() ? "the configuration changed after the last boot"
                : "booted with this configuration; the array and the mount came back"));
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
