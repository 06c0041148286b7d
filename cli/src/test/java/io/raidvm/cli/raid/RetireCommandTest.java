package io.raidvm.cli.raid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.agent.v1.RetireArrayRequest;
import io.raidvm.api.agent.v1.RetirePlan;
import io.raidvm.api.agent.v1.RetireStep;
import io.raidvm.cli.Raidctl;
import io.raidvm.cli.StandIn;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raid retire: the plan first; carried out only with --yes when nobody is at a terminal. */
class RetireCommandTest {

  private static final String UUID = "ec44b2e5:884eb3e1:44fa02b1:fed4abc8";

  @TempDir
  Path dir;
  private StandIn controller;
  private final List<RetireArrayRequest> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    controller = new StandIn(dir.resolve("c.sock"), new RaidGrpc.RaidImplBase() {
      @Override
      public void retireArray(RetireArrayRequest req, StreamObserver<RetirePlan> obs) {
        requests.add(req);
        RetireStep.State state = req.getExecute() ? RetireStep.State.DONE
            : RetireStep.State.TO_DO;
        obs.onNext(RetirePlan.newBuilder().setArray("md127").setUuid(UUID)
            .addSteps(RetireStep.newBuilder().setAction("unmount /mnt/md127").setState(state))
            .addSteps(RetireStep.newBuilder().setAction("stop /dev/md127").setState(state)
                .setDetail("mdadm --stop /dev/md127"))
            .build());
        obs.onCompleted();
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @Test
  void withoutYes_andNoTerminal_printsThePlan_andRefusesToCarryItOut() {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));

    assertEquals(4, raidctl.run("raid", "retire", "vm1", "md127"));

    assertEquals(List.of(RetireArrayRequest.newBuilder().setArray("md127").build()), requests);
    String out = raidctl.out.toString();
    assertTrue(out.startsWith("the plan for /dev/md127 (UUID " + UUID + "):\n"), out);
    assertTrue(out.contains("stop /dev/md127") && out.contains("to do"), out);
    assertTrue(raidctl.err.toString().contains("pass --yes to carry it out"),
        raidctl.err.toString());
  }

  @Test
  void withYes_showsThePlan_thenCarriesItOut() {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"));

    assertEquals(0, raidctl.run("raid", "retire", "vm1", "md127", "--yes"));

    assertEquals(List.of(false, true), requests.stream().map(RetireArrayRequest::getExecute)
        .toList());
    assertTrue(raidctl.out.toString().contains("done for /dev/md127"), raidctl.out.toString());
  }
}
