package io.raidvm.controller.vm;

import java.nio.file.Path;

/** Finds the image file a VM's OS disk is made from; empty means the current default image. */
public interface ImageResolver {

  Path resolve(String imageRef);
}
