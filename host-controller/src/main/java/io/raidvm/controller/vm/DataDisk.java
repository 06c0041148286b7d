package io.raidvm.controller.vm;

import java.nio.file.Path;

/** A data disk as QEMU gets it: the guest sees {@code name} as the disk's serial. */
public record DataDisk(String name, Path path) {}
