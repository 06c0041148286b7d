package io.raidvm.controller.image;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.BuildImageEvent;
import io.raidvm.api.controller.v1.BuildImageRequest;
import io.raidvm.api.controller.v1.DeleteImageRequest;
import io.raidvm.api.controller.v1.DeleteImageResponse;
import io.raidvm.api.controller.v1.Image;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.ListImagesRequest;
import io.raidvm.api.controller.v1.ListImagesResponse;
import io.raidvm.api.controller.v1.PruneImagesRequest;
import io.raidvm.api.controller.v1.PruneImagesResponse;
import io.raidvm.common.grpc.CancelOnClose;
import io.raidvm.common.grpc.Rpc;
import io.raidvm.common.grpc.Statuses;

/** The ImageService API over an {@link ImageManager}. A client that cancels stops its build. */
public final class ImageGrpcService extends ImageServiceGrpc.ImageServiceImplBase {

  private final ImageManager images;

  public ImageGrpcService(ImageManager images) {
    this.images = images;
  }

  @Override
  public void buildImage(BuildImageRequest request, StreamObserver<BuildImageEvent> observer) {
    ServerCallStreamObserver<BuildImageEvent> call =
        (ServerCallStreamObserver<BuildImageEvent>) observer;
    Image image;
    try (CancelOnClose cancel = new CancelOnClose()) {
      image = images.build(request, progress -> {
        if (!call.isCancelled()) {
          call.onNext(BuildImageEvent.newBuilder().setProgress(progress).build());
        }
      });
    } catch (RuntimeException e) {
      call.onError(Statuses.toStatus(e));
      return;
    }
    call.onNext(BuildImageEvent.newBuilder().setImage(image).build());
    call.onCompleted();
  }

  @Override
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> observer) {
    Rpc.unary(observer, () -> ListImagesResponse.newBuilder().addAllImages(images.list()).build());
  }

  @Override
  public void deleteImage(DeleteImageRequest request,
      StreamObserver<DeleteImageResponse> observer) {
    Rpc.unary(observer, () -> images.delete(request.getId()));
  }

  @Override
  public void pruneImages(PruneImagesRequest request,
      StreamObserver<PruneImagesResponse> observer) {
    Rpc.unary(observer, () -> images.prune(request.getDryRun()));
  }
}
