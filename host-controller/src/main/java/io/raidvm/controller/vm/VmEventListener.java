package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.VmEvent;

/** Hears what happens to VMs: started, stopped, crashed, agent came or went, disk I/O errors. */
public interface VmEventListener {

  /**
   * @param disk the disk concerned (DISK_IO_ERROR), else empty
   * @param detail a short explanation, possibly empty
   */
  void vmEvent(String vm, VmEvent.Kind kind, String disk, String detail);
}
