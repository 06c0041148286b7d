package io.raidvm.controller.vm;

import io.raidvm.api.agent.v1.VmEvent;
import io.raidvm.controller.fault.DiskCorruptor;

/**
 * A corruption of a stopped VM's md member from the host, as the Fault call and the drill both
 * make it: under the VM's lock, written by {@link DiskCorruptor}, told as a DISK_CORRUPTED event.
 */
public final class MemberCorruption {

  private final VmManager vms;
  private final DiskCorruptor corruptor;

  public MemberCorruption(VmManager vms, DiskCorruptor corruptor) {
    this.vms = vms;
    this.corruptor = corruptor;
  }

  /** What was written, and the same in words. */
  public record Done(DiskCorruptor.Corruption corruption, String detail) {}

  /**
   * Writes {@code length} pseudo-random bytes (from {@code seed}) {@code offset} bytes into the
   * data area of {@code disk}'s member; FAILED_PRECONDITION while the VM runs.
   */
  public Done corrupt(String vm, String disk, long offset, long length, long seed) {
    DiskCorruptor.Corruption c = vms.onStoppedVmDisk(vm, disk, "corrupted",
        path -> corruptor.corrupt(disk, path, offset, length, seed));
    String detail = String.format("wrote %d pseudo-random bytes (seed %d) at byte %d of disk"
        + " '%s' (%d into the md data area of its member, metadata %s, bytes %d to %d of the"
        + " disk): md cannot tell them from data; raidctl raid check finds them as mismatches",
        c.range().length(), seed, c.range().offset(), disk,
        c.range().offset() - c.layout().dataStart(), c.layout().metadata(),
        c.layout().dataStart(), c.layout().dataStart() + c.layout().dataLength());
    vms.faultEvent(vm, VmEvent.Kind.DISK_CORRUPTED, disk, detail);
    return new Done(c, detail);
  }
}
