package io.raidvm.controller.disk;

import java.util.List;

/** Which VMs use a disk: told by whoever keeps the VMs. */
public interface DiskUsage {

  /** VMs whose spec lists the disk, sorted. */
  List<String> vmsListing(String disk);

  /** Of those, the VMs whose QEMU runs now. */
  List<String> runningVmsListing(String disk);
}
