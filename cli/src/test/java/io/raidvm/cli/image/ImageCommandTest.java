package io.raidvm.cli.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.DeleteImageRequest;
import io.raidvm.api.controller.v1.DeleteImageResponse;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.KeptImage;
import io.raidvm.api.controller.v1.PruneImagesRequest;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.cli.FakeTerminal;
import io.raidvm.cli.Raidctl;
import io.raidvm.cli.StandIn;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raidctl image delete and prune against a stand-in ImageService on a real Unix socket. */
class ImageCommandTest {

  private static final Image OLD = Image.newBuilder().setId("0000000000000001")
      .setSuite("bookworm").setAgentVersion("0.9").setActualSizeBytes(3L << 29).build();
  private static final Image CURRENT = Image.newBuilder().setId("cccccccccccccccc").build();
  private static final Image TRIXIE = Image.newBuilder().setId("aaaaaaaaaaaaaaaa").build();
  private static final PruneImagesResponse PRUNED = PruneImagesResponse.newBuilder()
      .addDeleted(OLD)
      .addDeletedRootfs("/var/cache/raidvm/images/rootfs/2222222222222222.tar")
      .setFreedBytes((3L << 29) + (1L << 28))
      .addKept(KeptImage.newBuilder().setImage(CURRENT).setCurrent(true).addUsedBy("vm1"))
      .addKept(KeptImage.newBuilder().setImage(TRIXIE).addUsedBy("vm2").addUsedBy("vm3"))
      .build();

  @TempDir
  Path dir;
  private StandIn controller;
  private final List<PruneImagesRequest> prunes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    controller = new StandIn(dir.resolve("c.sock"), new ImageServiceGrpc.ImageServiceImplBase() {
      @Override
      public void deleteImage(DeleteImageRequest req, StreamObserver<DeleteImageResponse> obs) {
        if (req.getId().equals(TRIXIE.getId())) {
          obs.onError(Status.FAILED_PRECONDITION.withDescription("image aaaaaaaaaaaaaaaa is"
              + " under the OS disk of VM(s) vm2, vm3: delete them first (raidctl vm delete"
              + " NAME)").asRuntimeException());
          return;
        }
        obs.onNext(DeleteImageResponse.newBuilder()
            .setDeleted(OLD.toBuilder().setId(req.getId())).setFreedBytes(3L << 29).build());
        obs.onCompleted();
      }

      @Override
      public void pruneImages(PruneImagesRequest req, StreamObserver<PruneImagesResponse> obs) {
        prunes.add(req);
        obs.onNext(PRUNED);
        obs.onCompleted();
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @Test
  void delete_saysWhatItDeleted_orPrintsTheResponseAsJson() throws Exception {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));
    assertEquals(0, raidctl.run("image", "delete", "0000000000000001"));
    assertEquals("deleted image 0000000000000001 (bookworm, agent 0.9, 1.5 GiB)\n",
        raidctl.out.toString());

    Raidctl json = new Raidctl(dir.resolve("c.sock"));
    assertEquals(0, json.run("image", "delete", "0000000000000001", "-o", "json"));
    DeleteImageResponse.Builder printed = DeleteImageResponse.newBuilder();
    JsonFormat.parser().merge(json.out.toString(), printed);
    assertEquals(3L << 29, printed.getFreedBytes());
  }

  @Test
  void delete_ofAnImageAVmUses_exits4_withTheControllersReason() {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));
    assertEquals(4, raidctl.run("image", "delete", TRIXIE.getId()));
    assertEquals("raidctl: FAILED_PRECONDITION: image aaaaaaaaaaaaaaaa is under the OS disk of"
        + " VM(s) vm2, vm3: delete them first (raidctl vm delete NAME)\n", raidctl.err.toString());
    assertEquals("", raidctl.out.toString());
  }

  @Test
  void prune_saysWhatItDeletedAndWhyTheRestStays() {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));
    assertEquals(0, raidctl.run("image", "prune"));
    assertEquals(List.of(PruneImagesRequest.getDefaultInstance()), prunes);
    assertEquals("""
        deleted image 0000000000000001 (bookworm, agent 0.9, 1.5 GiB)
        deleted rootfs /var/cache/raidvm/images/rootfs/2222222222222222.tar
        kept image cccccccccccccccc: the current build's; used by vm1
        kept image aaaaaaaaaaaaaaaa: used by vm2, vm3
        freed 1.8 GiB
        """, raidctl.out.toString());
  }

  @Test
  void prune_dryRun_atATerminal_asksNothing_andSaysWhatWouldHappen() {
    FakeTerminal terminal = FakeTerminal.answering();
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"), terminal);
    assertEquals(0, raidctl.run("image", "prune", "--dry-run"), raidctl.err.toString());
    assertEquals(List.of(), terminal.prompts);
    assertEquals(List.of(PruneImagesRequest.newBuilder().setDryRun(true).build()), prunes);
    String out = raidctl.out.toString();
    assertTrue(out.startsWith("would delete image 0000000000000001 "), out);
    assertTrue(out.contains("\nwould delete rootfs /var/cache/raidvm/images/rootfs/"), out);
    assertTrue(out.contains("\nwould keep image aaaaaaaaaaaaaaaa: used by vm2, vm3\n"), out);
    assertTrue(out.endsWith("\nwould free 1.8 GiB\n"), out);
  }

  @Test
  void prune_withJsonOutput_printsTheResponse() throws Exception {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));
    assertEquals(0, raidctl.run("image", "prune", "--dry-run", "-o", "json"));
    PruneImagesResponse.Builder printed = PruneImagesResponse.newBuilder();
    JsonFormat.parser().merge(raidctl.out.toString(), printed);
    assertEquals(PRUNED, printed.build());
  }
}
