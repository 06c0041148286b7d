package io.raidvm.controller.agent;

import io.raidvm.controller.access.AgentAuditCatchUp;
import io.raidvm.controller.access.AuditLog;
import io.raidvm.controller.events.VmEventHubs;
import io.raidvm.controller.vm.AgentConnector;
import io.raidvm.controller.vm.VmPaths;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The open agent links, by VM name. */
public final class AgentLinks implements AgentConnector, AgentAuditCatchUp {

  private final Map<String, AgentLink> links = new ConcurrentHashMap<>();
  private final VmEventHubs events;
  private final AuditLog audit;

  /** {@code audit} receives the agents' audit lines. */
  public AgentLinks(VmEventHubs events, AuditLog audit) {
    this.events = events;
    this.audit = audit;
  }

  @Override
  public AgentLink open(String vm, VmPaths paths) {
    AgentLink link = AgentLink.open(vm, paths, events.hub(vm), audit,
        closed -> links.remove(vm, closed));
    AgentLink previous = links.put(vm, link);
    if (previous != null) {
      previous.close();
    }
    return link;
  }

  public Optional<AgentLink> get(String vm) {
    return Optional.ofNullable(links.get(vm));
  }

  @Override
  public void catchUp(String vm) {
    if (vm.isEmpty()) {
      links.values().forEach(AgentLink::catchUpAudit);
    } else {
      get(vm).ifPresent(AgentLink::catchUpAudit);
    }
  }
}
