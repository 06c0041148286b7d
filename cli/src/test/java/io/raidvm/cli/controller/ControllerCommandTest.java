package io.raidvm.cli.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.raidvm.api.controller.v1.ControllerInfo;
import io.raidvm.cli.Raidctl;
import io.raidvm.cli.StandIn;
import io.raidvm.controller.ControllerGrpcService;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raidctl controller info against the controller's real service, served in this JVM. */
class ControllerCommandTest {

  @TempDir
  Path dir;

  @Test
  void info_printsThisProcessAndWhatItCosts_andHowManyVmsRun() throws Exception {
    try (StandIn controller = new StandIn(dir.resolve("c.sock"),
        new ControllerGrpcService(List::of))) {
      Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));

      assertEquals(0, raidctl.run("controller", "info"));

      String out = raidctl.out.toString();
      assertTrue(Pattern.compile("pid:\\s+" + ProcessHandle.current().pid() + "\n")
          .matcher(out).find(), out);
      assertTrue(Pattern.compile("cost:\\s+cpu \\d+\\.\\d s, rss [0-9.]+ MiB, \\d+ threads")
          .matcher(out).find(), out);
      assertTrue(Pattern.compile("vms:\\s+0 running of 0").matcher(out).find(), out);
    }
  }

  @Test
  void info_asJson_isTheControllerInfoMessage() throws Exception {
    try (StandIn controller = new StandIn(dir.resolve("c.sock"),
        new ControllerGrpcService(List::of))) {
      Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));

      assertEquals(0, raidctl.run("controller", "info", "-o", "json"));

      ControllerInfo.Builder info = ControllerInfo.newBuilder();
      JsonFormat.parser().merge(raidctl.out.toString(), info);
      assertEquals(ProcessHandle.current().pid(), info.getPid());
      assertTrue(info.getThreads() > 1, info.toString());
      assertTrue(info.getRssBytes() > 1024 * 1024, info.toString());
      assertEquals(Runtime.version().toString(), info.getJavaVersion());
    }
  }
}
