package io.raidvm.controller.vm;

/** Opens the link to a VM's agent over the VM's agent port. */
public interface AgentConnector {

  AgentSession open(String vm, VmPaths paths);
}
