package io.raidvm.controller.image;

import com.google.protobuf.Timestamp;
import io.raidvm.api.controller.v1.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Images and rootfs tarballs put straight into an image directory, as a build leaves them. */
final class Planted {

  private Planted() {}

  /** A complete image: {@code <id>.qcow2} holding {@code content}, then its metadata. */
  static Image image(Path imageDir, String id, long createdAtSeconds, String content)
      throws IOException {
    ImageStore store = new ImageStore(imageDir);
    Files.createDirectories(imageDir);
    Files.writeString(store.image(id), content);
    store.saveMetadata(Image.newBuilder().setId(id).setSuite("bookworm").setAgentVersion("1.0")
        .setCreatedAt(Timestamp.newBuilder().setSeconds(createdAtSeconds)).build());
    return store.find(id).orElseThrow();
  }

  /** {@code rootfs/<key>.tar} holding {@code content}. */
  static Path rootfs(Path imageDir, String key, String content) throws IOException {
    Path tarball = new ImageStore(imageDir).rootfs(key);
    Files.createDirectories(tarball.getParent());
    Files.writeString(tarball, content);
    return tarball;
  }
}
