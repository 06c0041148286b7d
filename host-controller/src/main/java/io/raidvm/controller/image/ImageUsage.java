package io.raidvm.controller.image;

import java.nio.file.Path;
import java.util.Map;

/** Which image each VM boots from: told by whoever keeps the VMs. */
public interface ImageUsage {

  /**
   * Each VM whose OS disk is an overlay, by name, with the file that overlay reads through to.
   * Fails when a VM's OS disk cannot be read: no answer is better than one that misses a VM.
   */
  Map<String, Path> backingFiles();
}
