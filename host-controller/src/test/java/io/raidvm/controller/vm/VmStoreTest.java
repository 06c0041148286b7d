package io.raidvm.controller.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.controller.v1.Accel;
import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmStoreTest {

  @TempDir
  Path state;

  @Test
  void writeSpec_thenRead_givesTheSameSpecBackFromTextproto() throws Exception {
    VmStore store = new VmStore(state);
    VmSpec spec = VmSpec.newBuilder().setName("vm1").setMemoryMib(512).addDataDisks("d1")
        .setAccel(Accel.ACCEL_TCG).build();
    store.createFolder("vm1");
    store.writeSpec(spec);
    assertEquals(spec, store.read("vm1"));
    assertEquals("name: \"vm1\"\nmemory_mib: 512\ndata_disks: \"d1\"\naccel: ACCEL_TCG\n",
        Files.readString(state.resolve("vms/vm1/spec.textproto")));
    assertEquals(List.of("vm1"), store.names());
  }

  @Test
  void scan_skipsFilesFoldersWithoutASpecAndBadNames_sayingWhy() throws Exception {
    VmStore store = new VmStore(state);
    store.createFolder("vm1");
    store.writeSpec(VmSpec.newBuilder().setName("vm1").build());
    Files.createDirectories(state.resolve("vms/half-made"));
    Files.createDirectories(state.resolve("vms/Backup"));
    Files.writeString(state.resolve("vms/Backup/spec.textproto"), "name: \"Backup\"\n");
    Files.writeString(state.resolve("vms/notes.txt"), "x");

    VmStore.Listing listing = store.scan();

    assertEquals(List.of("vm1"), listing.names());
    assertEquals(List.of(
        state.resolve("vms/Backup") + ": not a VM name, skipped",
        state.resolve("vms/half-made") + ": no spec.textproto, skipped",
        state.resolve("vms/notes.txt") + ": not a folder, skipped"), listing.skipped());
    assertEquals(List.of("vm1"), store.names());
  }

  @Test
  void read_unknownVm_failsWithNotFound() {
    var e = assertThrows(RaidvmException.class, () -> new VmStore(state).read("nope"));
    assertEquals(RaidvmException.Kind.NOT_FOUND, e.kind());
    assertEquals("VM 'nope' does not exist", e.getMessage());
  }

  @Test
  void requireSocketPathsFit_nameTooLongForStateDir_failsSayingTheLimit() {
    Path deep = state.resolve("a".repeat(40));
    VmStore store = new VmStore(deep);
    String name = "v".repeat(63);
    var e = assertThrows(RaidvmException.class, () -> store.requireSocketPathsFit(name));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("Unix socket paths hold at most 107"), e.getMessage());
  }

  @Test
  void desiredRunning_isAMarkerFileInTheVmFolder() {
    VmStore store = new VmStore(state);
    store.createFolder("vm1");
    store.setDesiredRunning("vm1", true);
    assertTrue(Files.exists(state.resolve("vms/vm1/desired-running")));
    store.setDesiredRunning("vm1", false);
    assertEquals(false, store.desiredRunning("vm1"));
  }
}
