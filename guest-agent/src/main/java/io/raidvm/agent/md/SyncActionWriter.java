package io.raidvm.agent.md;

/** Writes an array's {@code /sys/block/NAME/md/sync_action}: check, repair, idle or frozen. */
interface SyncActionWriter {

  void writeSyncAction(String array, String action);
}
