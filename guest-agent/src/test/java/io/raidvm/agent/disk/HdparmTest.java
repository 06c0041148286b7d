package io.raidvm.agent.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.agent.testing.Fixtures;
import io.raidvm.common.error.RaidvmException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HdparmTest {


  @Test
  void timings_argv_isHdparmTt() {
    assertEquals(List.of("hdparm", "-Tt", "/dev/sdb"), Hdparm.timings(Path.of("/dev/sdb")).argv());
  }

  @Test
  void parse_guestOutput_readsBothRatesInMbPerSecond() {
    assertEquals(new Hdparm.Timings(328.01, 52.12),
        Hdparm.parse(Fixtures.read("guest/01-fresh-disk/hdparm-Tt.stdout")));
  }

  @Test
  void parse_convertsKbAndGbRates() {
    Hdparm.Timings t = Hdparm.parse(" Timing buffer-cache reads:   128 MB in  0.11 seconds ="
        + " 1.5 GB/sec\n Timing buffered disk reads:  1 MB in  3.07 seconds = 512.00 kB/s\n");

    assertEquals(1536.0, t.cachedMbPerS());
    assertEquals(0.5, t.bufferedMbPerS());
  }

  @Test
  void parse_withoutTimings_isInternal() {
    RaidvmException e = assertThrows(RaidvmException.class,
        () -> Hdparm.parse("\n/dev/sdb:\n"));
    assertEquals(RaidvmException.Kind.INTERNAL, e.kind());
  }
}
