package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.controller.v1.BuildImageEvent;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.DeleteImageRequest;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.ListImagesRequest;
import io.raidvm.api.controller.v1.PruneImagesRequest;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGrpcServiceTest {

  @TempDir Path tmp;
  private InProcessGrpc grpc;
  private ImageServiceGrpc.ImageServiceBlockingStub stub;
  private final Map<String, Path> backings = new HashMap<>();

  @BeforeEach
  void setUp() throws IOException {
    Path jar = tmp.resolve("agent.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), new Manifest())) {
      out.flush();
    }
    // A runner that fails every tool: only the cache and validation paths are exercised here.
    FakeCommandRunner runner = FakeCommandRunner.succeeding()
        .on("mmdebstrap", (c, lines) -> FakeCommandRunner.failed(c, 1, "no network"));
    ImageManager images = new ImageManager(tmp.resolve("images"), runner,
        Path.of("src/test/resources/fixtures/apt/host"), AgentJar.from(jar.toUri().toURL()),
        () -> backings);
    grpc = InProcessGrpc.serveDirect(new ImageGrpcService(images));
    stub = ImageServiceGrpc.newBlockingStub(grpc.channel());
  }

  @AfterEach
  void tearDown() {
    grpc.close();
  }

  @Test
  void buildImage_whenAToolFails_streamsProgressThenFailsWithTheToolsError() {
    Iterator<BuildImageEvent> events = stub.buildImage(BuildImageRequest.getDefaultInstance());
    List<BuildImageEvent> seen = new ArrayList<>();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> events.forEachRemaining(seen::add));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("mmdebstrap failed (exit 1): no network"),
        e.getStatus().getDescription());
    assertEquals("rootfs", seen.get(0).getProgress().getStep());
  }

  @Test
  void buildImage_withBadSuite_failsWithInvalidArgument() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.buildImage(
        BuildImageRequest.newBuilder().setSuite("Bookworm!").build()).hasNext());

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void listImages_withNoImageDirectory_isEmpty() {
    assertEquals(0, stub.listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());
  }

  @Test
  void deleteImage_answersWithTheDeletedImage_orTheCodeOfWhyNot() throws IOException {
    Image used = Planted.image(tmp.resolve("images"), "0000000000000001", 1, "vm1's image");
    Image unused = Planted.image(tmp.resolve("images"), "0000000000000002", 2, "unused");
    backings.put("vm1", Path.of(used.getPath()));

    assertEquals(Status.Code.INVALID_ARGUMENT, deleteFails("../etc/passwd").getCode());
    assertEquals(Status.Code.NOT_FOUND, deleteFails("0123456789abcdef").getCode());
    Status refused = deleteFails(used.getId());
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getCode());
    assertTrue(refused.getDescription().contains("VM(s) vm1"), refused.getDescription());
    assertEquals(unused, stub.deleteImage(DeleteImageRequest.newBuilder()
        .setId(unused.getId()).build()).getDeleted());
    assertEquals(List.of(used), stub.listImages(ListImagesRequest.getDefaultInstance())
        .getImagesList());
  }

  private Status deleteFails(String id) {
    return assertThrows(StatusRuntimeException.class, () -> stub.deleteImage(
        DeleteImageRequest.newBuilder().setId(id).build()), id).getStatus();
  }

  @Test
  void pruneImages_dryRun_saysWhatWouldGo_andKeepsIt() throws IOException {
    Image old = Planted.image(tmp.resolve("images"), "0000000000000001", 1, "old");

    PruneImagesResponse r = stub.pruneImages(PruneImagesRequest.newBuilder().setDryRun(true)
        .build());

    assertEquals(List.of(old), r.getDeletedList());
    assertEquals(List.of(old), stub.listImages(ListImagesRequest.getDefaultInstance())
        .getImagesList());
    assertEquals(List.of(old), stub.pruneImages(PruneImagesRequest.getDefaultInstance())
        .getDeletedList());
    assertEquals(0, stub.listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());
  }
}
