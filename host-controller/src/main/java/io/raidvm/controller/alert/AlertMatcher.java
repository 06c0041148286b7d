package io.raidvm.controller.alert;

import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.api.agent.v1.WatchEvent;
import io.raidvm.api.controller.v1.Alert;
import io.raidvm.api.controller.v1.AlertKind;
import io.raidvm.api.controller.v1.AlertRule;
import java.util.Optional;

/**
 * Which events of the stream are alerts, and which rules want which alert. Pure. The md kinds are
 * those mdadm --monitor mails about (Fail, FailSpare, DegradedArray, DeviceDisappeared, and a
 * check that ended with mismatches); the VM kinds are the controller's own.
 */
public final class AlertMatcher {

  private AlertMatcher() {}

  /** The alert an event of {@code vm} makes, unnumbered; empty when it is none. */
  public static Optional<Alert.Builder> alertOf(String vm, WatchEvent event) {
    Alert.Builder alert = Alert.newBuilder().setVm(vm).setTime(event.getTime());
    if (event.hasMd()) {
      MdEvent md = event.getMd();
      alert.setArray(md.getArray()).setDevice(md.getDevice());
      String on = md.getArray() + (md.getDevice().isEmpty() ? "" : " " + md.getDevice());
      switch (md.getKind()) {
        case FAIL, FAIL_SPARE -> alert.setKind(AlertKind.FAIL).setSummary(on + ": failed");
        case DEGRADED_ARRAY -> {
          if (md.getDegraded() == 0) {
            return Optional.empty();
          }
          alert.setKind(AlertKind.DEGRADED_ARRAY)
              .setSummary(md.getArray() + ": degraded, " + md.getDegraded() + " missing");
        }
        case DEVICE_DISAPPEARED -> alert.setKind(AlertKind.DEVICE_DISAPPEARED)
            .setSummary(on + ": disappeared");
        case REBUILD_FINISHED -> {
          boolean scrub = md.getSyncAction().equals("check") || md.getSyncAction().equals("repair");
          if (!scrub || md.getMismatchCount() == 0) {
            return Optional.empty();
          }
          alert.setKind(AlertKind.MISMATCHES).setMismatchCount(md.getMismatchCount())
              .setSummary(md.getArray() + ": " + md.getSyncAction() + " found "
                  + md.getMismatchCount() + " mismatched sectors");
        }
        default -> {
          return Optional.empty();
        }
      }
      return Optional.of(alert);
    }
    if (event.hasVm()) {
      VmEvent e = event.getVm();
      String detail = e.getDetail().isEmpty() ? "" : ": " + e.getDetail();
      switch (e.getKind()) {
        case AGENT_DISCONNECTED -> alert.setKind(AlertKind.AGENT_LOST)
            .setSummary("VM " + vm + ": agent connection lost" + detail);
        case CRASHED -> alert.setKind(AlertKind.VM_CRASHED)
            .setSummary("VM " + vm + " crashed" + detail);
        case DISK_IO_ERROR -> alert.setKind(AlertKind.DISK_IO_ERROR).setDevice(e.getDisk())
            .setSummary("VM " + vm + ": I/O error on disk " + e.getDisk() + detail);
        default -> {
          return Optional.empty();
        }
      }
      return Optional.of(alert);
    }
    return Optional.empty();
  }

  /** Whether the rule wants the alert: its VM (or any), its kinds (or any but TEST). */
  public static boolean wants(AlertRule rule, Alert alert) {
    if (!rule.getVm().isEmpty() && !rule.getVm().equals(alert.getVm())) {
      return false;
    }
    return rule.getKindsList().isEmpty() ? alert.getKind() != AlertKind.TEST
        : rule.getKindsList().contains(alert.getKind());
  }
}
