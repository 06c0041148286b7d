package io.raidvm.controller.disk;

import java.nio.file.Path;
import java.util.List;

/** A disk as the controller reports it. The guest sees {@code serial} (the disk's name). */
public record DiskInfo(String name, Path path, String format, long virtualSize, long actualSize,
    List<String> usedBy, String serial) {

  public DiskInfo {
    usedBy = List.copyOf(usedBy);
  }
}
