package io.raidvm.cli.image;

import io.raidvm.api.controller.v1.BuildImageEvent;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.DeleteImageRequest;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.KeptImage;
import io.raidvm.api.controller.v1.ListImagesRequest;
import io.raidvm.api.controller.v1.PruneImagesRequest;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.Confirmation;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** raidctl image: the bootable guest image with the agent inside. */
@Command(name = "image", description = "Build, list and delete guest images.",
    subcommands = {ImageCommand.Build.class, ImageCommand.ListImages.class,
        ImageCommand.Delete.class, ImageCommand.Prune.class},
    footer = {"", "Examples:", "  raidctl image build", "  raidctl image list",
        "  raidctl image prune --dry-run"})
public final class ImageCommand {

  static void print(Printer printer, List<Image> images) {
    printer.table(List.of("ID", "SUITE", "AGENT", "SIZE", "ALLOCATED", "PATH"),
        images.stream().map(i -> List.of(i.getId(), i.getSuite(), i.getAgentVersion(), Sizes.human(i.getVirtualSizeBytes()),
            Sizes.human(i.getActualSizeBytes()), i.getPath())).toList());
  }

  @Command(name = "build", description = "Build the guest image, or find it in the cache.",
      footer = {"", "Example:", "  raidctl image build"})
  static final class Build extends ClientCommand {
    @Option(names = "--suite", description = "Debian suite: trixie (the default) or bookworm.")
    String suite = "";

    @Option(names = "--rebuild", description = "Build even when a cached image matches.")
    boolean rebuild;

    @Override
    protected Duration defaultTimeout() {
      return Duration.ofHours(1);
    }

    @Override
    protected void run(ControllerClient client, Printer printer) {
      Iterator<BuildImageEvent> events = client.images().buildImage(
          BuildImageRequest.newBuilder().setSuite(suite).setRebuild(rebuild).build());
      while (events.hasNext()) {
        BuildImageEvent e = events.next();
        if (output.json()) {
          printer.jsonLine(e);
        } else if (e.hasProgress()) {
          printer.line("[" + e.getProgress().getStep() + "] " + e.getProgress().getMessage()
              + (e.getProgress().getCached() ? " (cached)" : ""));
        } else if (e.hasImage()) {
          print(printer, List.of(e.getImage()));
        }
      }
    }
  }

  @Command(name = "list", description = "List built images.",
      footer = {"", "Example:", "  raidctl image list"})
  static final class ListImages extends ClientCommand {
    @Override
    protected void run(ControllerClient client, Printer printer) {
      output.print(printer, client.images().listImages(ListImagesRequest.getDefaultInstance()),
          r -> print(printer, r.getImagesList()));
    }
  }

  @Command(name = "delete", description = "Delete an image that no VM boots from.",
      footer = {"", "Examples:", "  raidctl image delete 0123456789abcdef",
          "  raidctl image delete 0123456789abcdef --yes      (without asking)"})
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The image's id, as `raidctl image list` shows.")
    String id;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      confirmation.confirm("Delete image " + id + "? Building it again takes minutes.");
      output.print(printer, client.images().deleteImage(DeleteImageRequest.newBuilder()
          .setId(id).build()), r -> printer.line("deleted image " + describe(r.getDeleted())));
    }
  }

  @Command(name = "prune",
      description = {"Delete the images that neither the current build nor a VM of this"
          + " controller uses, and the rootfs tarballs the current recipe does not use.",
          "VMs of other controllers (another state directory) sharing the image directory are"
              + " not seen."},
      footer = {"", "Examples:", "  raidctl image prune --dry-run",
          "  raidctl image prune --yes      (without asking)"})
  static final class Prune extends ClientCommand {
    @Option(names = "--dry-run", description = "Only say what would be deleted and what kept.")
    boolean dryRun;

    @Mixin
    Confirmation confirmation;

    @Override
    protected void run(ControllerClient client, Printer printer) {
      if (!dryRun) {
        confirmation.confirm("Delete the images that neither the current build nor a VM of this"
            + " controller uses, and the unused rootfs tarballs? (--dry-run lists them)");
      }
      output.print(printer, client.images().pruneImages(PruneImagesRequest.newBuilder()
          .setDryRun(dryRun).build()), r -> printPruned(printer, r));
    }

    private void printPruned(Printer printer, PruneImagesResponse r) {
      String deleted = say("deleted", "delete");
      r.getDeletedList().forEach(i -> printer.line(deleted + " image " + describe(i)));
      r.getDeletedRootfsList().forEach(t -> printer.line(deleted + " rootfs " + t));
      for (KeptImage kept : r.getKeptList()) {
        List<String> why = new ArrayList<>();
        if (kept.getCurrent()) {
          why.add("the current build's");
        }
        if (kept.getUsedByCount() > 0) {
          why.add("used by " + String.join(", ", kept.getUsedByList()));
        }
        printer.line(say("kept", "keep") + " image " + kept.getImage().getId() + ": "
            + String.join("; ", why));
      }
      printer.line(say("freed", "free") + " " + Sizes.human(r.getFreedBytes()));
    }

    /** What was done, or with --dry-run what would be. */
    private String say(String done, String wouldDo) {
      return dryRun ? "would " + wouldDo : done;
    }
  }

  private static String describe(Image image) {
    return image.getId() + " (" + image.getSuite() + ", agent " + image.getAgentVersion() + ", "
        + Sizes.human(image.getActualSizeBytes()) + ")";
  }
}
