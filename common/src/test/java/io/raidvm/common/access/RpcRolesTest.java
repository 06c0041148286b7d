package io.raidvm.common.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.raidvm.api.agent.v1.BootGrpc;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.EventsGrpc;
import io.raidvm.api.agent.v1.FilesGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.OperationsGrpc;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.controller.v1.AlertServiceGrpc;
import io.raidvm.api.controller.v1.AuditServiceGrpc;
import io.raidvm.api.controller.v1.ControllerServiceGrpc;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.DrillServiceGrpc;
import io.raidvm.api.controller.v1.ProvisionServiceGrpc;
import io.raidvm.api.controller.v1.ScrubServiceGrpc;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RpcRolesTest {

  /** Every service of proto/: a new service must be added here and to the table. */
  private static final List<ServiceDescriptor> ALL_SERVICES = List.of(
      DiskServiceGrpc.getServiceDescriptor(), ImageServiceGrpc.getServiceDescriptor(),
      VmServiceGrpc.getServiceDescriptor(), ProvisionServiceGrpc.getServiceDescriptor(),
      AuditServiceGrpc.getServiceDescriptor(), ScrubServiceGrpc.getServiceDescriptor(),
      AlertServiceGrpc.getServiceDescriptor(), DrillServiceGrpc.getServiceDescriptor(),
      ControllerServiceGrpc.getServiceDescriptor(),
      GuestAgentGrpc.getServiceDescriptor(), EventsGrpc.getServiceDescriptor(),
      DisksGrpc.getServiceDescriptor(), RaidGrpc.getServiceDescriptor(),
      FilesystemsGrpc.getServiceDescriptor(), FilesGrpc.getServiceDescriptor(),
      BootGrpc.getServiceDescriptor(), OperationsGrpc.getServiceDescriptor());

  @Test
  void table_namesEveryMethodOfEveryService_andNothingElse() {
    Set<String> declared = new TreeSet<>();
    for (ServiceDescriptor service : ALL_SERVICES) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        declared.add(method.getFullMethodName());
      }
    }
    Set<String> missing = new TreeSet<>(declared);
    missing.removeAll(RpcRoles.table().keySet());
    assertEquals(Set.of(), missing, "methods without a role in RpcRoles");
    Set<String> unknown = new TreeSet<>(RpcRoles.table().keySet());
    unknown.removeAll(declared);
    assertEquals(Set.of(), unknown, "RpcRoles names methods that proto/ does not declare");
  }

  @Test
  void destructiveAndPowerCalls_needAdmin() {
    for (String method : List.of("raidvm.agent.v1.Raid/FailMember",
        "raidvm.agent.v1.Raid/ReplaceMember", "raidvm.agent.v1.Raid/ZeroSuperblock",
        "raidvm.agent.v1.Raid/CreateArray", "raidvm.agent.v1.Disks/Partition",
        "raidvm.agent.v1.Filesystems/MakeFilesystem",
        "raidvm.agent.v1.Filesystems/CheckFilesystem", "raidvm.agent.v1.GuestAgent/Shutdown",
        "raidvm.agent.v1.GuestAgent/RestartAgent", "raidvm.controller.v1.VmService/DeleteVm",
        "raidvm.controller.v1.VmService/StopVm", "raidvm.controller.v1.DiskService/DeleteDisk",
        "raidvm.controller.v1.ImageService/BuildImage",
        "raidvm.controller.v1.ImageService/PruneImages")) {
      assertEquals(Role.ADMIN, RpcRoles.needed(method).orElseThrow(), method);
    }
  }

  @Test
  void readsNeedViewer_andScrubsNeedOperator() {
    assertEquals(Role.VIEWER, RpcRoles.needed("raidvm.agent.v1.Raid/GetArray").orElseThrow());
    assertEquals(Role.VIEWER,
        RpcRoles.needed("raidvm.controller.v1.VmService/ReadConsole").orElseThrow());
    assertEquals(Role.OPERATOR,
        RpcRoles.needed("raidvm.agent.v1.Raid/SetSyncAction").orElseThrow());
    assertEquals(Role.OPERATOR,
        RpcRoles.needed("raidvm.controller.v1.ProvisionService/Provision").orElseThrow());
    assertEquals(Role.OPERATOR,
        RpcRoles.needed("raidvm.controller.v1.ScrubService/RunScrub").orElseThrow());
    assertEquals(Role.ADMIN,
        RpcRoles.needed("raidvm.controller.v1.AlertService/AddAlertRule").orElseThrow());
  }

  @Test
  void aMethodTheTableDoesNotKnow_hasNoRole() {
    assertTrue(RpcRoles.needed("raidvm.agent.v1.Raid/SelfDestruct").isEmpty());
  }

  @Test
  void eachRole_allowsWhatTheRolesBelowItMay() {
    assertTrue(Role.ADMIN.allows(Role.OPERATOR));
    assertTrue(Role.OPERATOR.allows(Role.VIEWER));
    assertTrue(!Role.VIEWER.allows(Role.OPERATOR));
    assertEquals(Role.OPERATOR, Role.parse("operator"));
  }
}
