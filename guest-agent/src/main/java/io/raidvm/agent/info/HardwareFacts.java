package io.raidvm.agent.info;

/** What the guest's kernel reports about its (virtual) hardware and uptime. */
public record HardwareFacts(String cpuModel, int logicalCpus, long memoryTotalBytes,
    long memoryAvailableBytes, long uptimeSeconds) {}
