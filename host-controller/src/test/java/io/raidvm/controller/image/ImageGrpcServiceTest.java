package io.raidvm.controller.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.api.controller.v1.BuildImageEvent;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.ListImagesRequest;
import io.raidvm.common.grpc.InProcessGrpc;
import io.raidvm.common.process.FakeCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
        Path.of("src/test/resources/fixtures/apt/host"), AgentJar.from(jar.toUri().toURL()));
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
}
