package io.raidvm.agent.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raidvm.agent.fs.FilesystemGrower;
import io.raidvm.agent.fs.MountTable;
import io.raidvm.agent.testing.Fixtures;
import io.raidvm.api.agent.v1.Array;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.GetMdstatRequest;
import io.raidvm.api.agent.v1.ListArraysRequest;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.SetSyncSpeedLimitRequest;
import io.raidvm.common.grpc.InProcessGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Raid service over gRPC's in-process transport, on a captured guest state. */
class RaidGrpcServiceTest {

  @TempDir
  Path root;

  private MdGuest guest;
  private InProcessGrpc grpc;
  private RaidGrpc.RaidBlockingStub raid;

  @BeforeEach
  void start() {
    guest = new MdGuest(root);
    MdContext md = guest.context();
    grpc = InProcessGrpc.serveDirect(guest.service(md));
    raid = RaidGrpc.newBlockingStub(grpc.channel());
  }

  @AfterEach
  void stop() {
    grpc.close();
  }

  @Test
  void getMdstat_isTheKernelsText() {
    guest.mdstat("14-raid1-partitions/mdstat-delayed");

    assertEquals(Fixtures.read("guest/14-raid1-partitions/mdstat-delayed.stdout"),
        raid.getMdstat(GetMdstatRequest.getDefaultInstance()).getText());
  }

  @Test
  void listArrays_eachArrayOfMdstat() {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");

    assertEquals(List.of("md127"), raid.listArrays(ListArraysRequest.getDefaultInstance())
        .getArraysList().stream().map(a -> a.getName()).toList());
  }

  @Test
  void setSyncSpeedLimit_writesSysfs_andAnswersWithTheArray() throws IOException {
    guest.mdstat("04-raid5-synced/mdstat").sysfs("04-raid5-synced/sysfs-md127")
        .detail("04-raid5-synced", "");

    Array array = raid.setSyncSpeedLimit(SetSyncSpeedLimitRequest.newBuilder().setArray("md127")
        .setMaxKibPerS(50_000).build());

    assertEquals("md127", array.getName());
    assertEquals("50000\n", Files.readString(root.resolve("sys/block/md127/md/sync_speed_max")));
  }

  @Test
  void createArray_refused_isInvalidArgumentWithTheReason() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> raid.createArray(CreateArrayRequest.newBuilder().setArray("md127")
            .setLevel("6").addDevices("sda1").build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("RAID 6 needs at least 4 devices, got 1", e.getStatus().getDescription());
  }
}
