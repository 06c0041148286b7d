package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.raidvm.common.grpc.UnixSocketChannels;
import io.raidvm.common.grpc.UnixSocketServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** raidctl runs the real controller itself when none answers on the socket (no VM needed). */
class EmbeddedControllerTest {

  @TempDir
  Path dir;

  private Path state() {
    return dir.resolve("state");
  }

  private Path socket() {
    return state().resolve("controller.sock");
  }

  private Raidctl diskList() {
    Raidctl raidctl = new Raidctl(socket());
    assertEquals(0, raidctl.run("disk", "list", "--state-dir", state().toString()),
        raidctl.err.toString());
    return raidctl;
  }

  private String embeddedLine() {
    return "raidctl: no controller at " + socket() + "; running one inside this raidctl (state "
        + state() + ") until it exits\n";
  }

  @Test
  void noControllerAnswering_runsOneInsideRaidctl_forTheCommand() throws Exception {
    Raidctl raidctl = diskList();
    assertEquals(embeddedLine(), raidctl.err.toString());
    assertTrue(raidctl.out.toString().startsWith("NAME  SIZE"), raidctl.out.toString());
    assertEquals("rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(state())));
    assertFalse(Files.exists(socket()), "the embedded controller stopped with the command");
  }

  @Test
  void withoutSocketFlag_theSocketIsTheStateDirs() {
    assumeTrue(System.getenv("RAIDVM_SOCKET") == null, "RAIDVM_SOCKET names another socket");
    StringWriter err = new StringWriter();
    CommandLine cli = RaidctlMain.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertEquals(0, cli.execute("disk", "list", "--state-dir", state().toString()));
    assertEquals(embeddedLine(), err.toString());
  }

  @Test
  void aStaleSocketFile_isReplaced() throws Exception {
    Files.createDirectories(state());
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(socket()));
    }
    assertEquals(embeddedLine(), diskList().err.toString());
  }

  @Test
  void aLiveController_isUsed_andItsSocketLeftAlone() throws Exception {
    UnixSocketServer live = new UnixSocketServer(socket(),
        List.of(DiskListStandIn.listing("from-the-live-one")), Duration.ofSeconds(10)).start();
    try {
      Raidctl raidctl = diskList();
      assertEquals("", raidctl.err.toString());
      assertTrue(raidctl.out.toString().contains("from-the-live-one"), raidctl.out.toString());
      assertTrue(UnixSocketChannels.answers(socket()));
    } finally {
      live.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void noEmbedded_withNoControllerAnswering_exits5_andRunsNone() {
    Raidctl raidctl = new Raidctl(socket());
    assertEquals(5, raidctl.run("disk", "list", "--state-dir", state().toString(),
        "--no-embedded"));
    assertTrue(raidctl.err.toString().startsWith("raidctl: no controller at " + socket()),
        raidctl.err.toString());
    assertFalse(Files.exists(state()));
  }
}
