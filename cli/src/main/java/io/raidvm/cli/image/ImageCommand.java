package io.raidvm.cli.image;

import io.raidvm.api.controller.v1.BuildImageEvent;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.ListImagesRequest;
import io.raidvm.cli.support.ClientCommand;
import io.raidvm.cli.support.ControllerClient;
import io.raidvm.cli.support.Printer;
import io.raidvm.common.Sizes;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** raidctl image: the bootable guest image with the agent inside. */
@Command(name = "image", description = "Build and list guest images.",
    subcommands = {ImageCommand.Build.class, ImageCommand.ListImages.class},
    footer = {"", "Examples:", "  raidctl image build", "  raidctl image list"})
public final class ImageCommand {

  static void print(Printer printer, List<Image> images) {
    printer.table(List.of("ID", "SUITE", "AGENT", "SIZE", "ALLOCATED", "PATH"),
        images.stream().map(i -> List.of(i.getId().substring(0, Math.min(12, i.getId().length())),
            i.getSuite(), i.getAgentVersion(), Sizes.human(i.getVirtualSizeBytes()),
            Sizes.human(i.getActualSizeBytes()), i.getPath())).toList());
  }

  @Command(name = "build", description = "Build the guest image, or find it in the cache.",
      footer = {"", "Example:", "  raidctl image build"})
  static final class Build extends ClientCommand {
    @Option(names = "--suite", description = "Debian suite (default: bookworm).")
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
}
