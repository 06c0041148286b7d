package io.raidvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.agent.v1.CreateArrayRequest;
import io.raidvm.api.agent.v1.DisksGrpc;
import io.raidvm.api.agent.v1.FilesystemsGrpc;
import io.raidvm.api.agent.v1.GuestAgentGrpc;
import io.raidvm.api.agent.v1.Operation;
import io.raidvm.api.agent.v1.RaidGrpc;
import io.raidvm.api.controller.v1.DiskServiceGrpc;
import io.raidvm.api.controller.v1.DrillServiceGrpc;
import io.raidvm.api.controller.v1.ImageServiceGrpc;
import io.raidvm.api.controller.v1.VmServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Commands that destroy data or take something away ask first, at a terminal only. */
class DestructiveCommandsTest {

  private static final String[] CREATE_RAID5 = {"raid", "create", "demo", "md127", "--level",
      "5", "--bitmap", "none", "d1-part1", "d2-part1", "d3-part1", "d4-part1", "--no-wait"};
  private static final String RAID5 = "Create RAID 5 /dev/md127 from d1-part1 d2-part1 d3-part1"
      + " d4-part1 in VM demo? Data on these devices is lost. [y/N] ";

  @TempDir
  Path dir;
  private StandIn controller;

  /** Every command that asks, and what it asks. */
  static Stream<Arguments> questions() {
    return Stream.of(
        ask("Delete disk d1? Everything on it is lost.", "disk", "delete", "d1"),
        ask("Detach disk d2 from VM vm1? A running guest loses it at once.", "disk", "detach",
            "vm1", "d2"),
        ask("Detach disk d2 from VM vm1? A running guest loses it at once, even while it uses"
            + " it.", "disk", "detach", "vm1", "d2", "--force"),
        ask("Delete image 0123456789abcdef? Building it again takes minutes.", "image",
            "delete", "0123456789abcdef"),
        ask("Delete the images that neither the current build nor a VM of this controller uses,"
            + " and the unused rootfs tarballs? (--dry-run lists them)", "image", "prune"),
        ask("Delete VM vm1 and its OS disk (the guest's system and settings)? Its data disks"
            + " stay.", "vm", "delete", "vm1"),
        ask("Stop VM vm1? Its guest powers off; what runs in it stops.", "vm", "stop", "vm1"),
        ask("Stop VM vm1 at once (QEMU quits as if the power were cut)? What the guest has not"
            + " written yet is lost.", "vm", "stop", "vm1", "--force"),
        ask("Reboot VM vm1? Its guest is down until it is up again.", "vm", "reboot", "vm1"),
        ask("Partition d1 d2 in VM vm1 (a new GPT label, one RAID partition each)? What is on"
            + " these disks is lost.", "blk", "partition", "vm1", "d1", "d2"),
        ask("Partition d1 in VM vm1 (a new GPT label, one RAID partition each)? What is on"
            + " these disks is lost.", "part", "vm1", "d1"),
        ask(RAID5.substring(0, RAID5.length() - " [y/N] ".length()), "raid", "create", "demo",
            "md127", "--level", "5", "--bitmap", "none", "d1-part1", "d2-part1", "d3-part1",
            "d4-part1"),
        ask("Create RAID 6 /dev/md0 from a b c d, spare e in VM vm1? Data on these devices is"
            + " lost.", "raid", "create", "vm1", "/dev/md0", "--level", "raid6", "--bitmap",
            "internal", "a", "b", "c", "d", "--spare", "e"),
        ask("Repair /dev/md127 in VM vm1? md rewrites every stripe whose copies or parity"
            + " disagree.", "raid", "repair", "vm1", "md127"),
        ask("Mark d2-part1 faulty in /dev/md127 of VM vm1? The array goes on without it,"
            + " degraded.", "raid", "fail", "vm1",
            "md127", "d2-part1"),
        ask("Remove d2-part1 from /dev/md127 of VM vm1? It is no longer part of the array.",
            "raid", "remove", "vm1", "md127", "d2-part1"),
        ask("Add d5-part1 to /dev/md127 of VM vm1? Data on d5-part1 is lost.", "raid", "add",
            "vm1", "md127", "d5-part1"),
        ask("Replace d2-part1 in /dev/md127 of VM vm1 by a new partition on its own disk? Data"
            + " on that disk is lost, and the array runs degraded until its recovery ends.",
            "raid", "replace", "vm1", "md127", "d2-part1"),
        ask("Replace d2-part1 in /dev/md127 of VM vm1 by a new partition on disk d5? Data on"
            + " that disk is lost, and the array runs degraded until its recovery ends.",
            "raid", "replace", "vm1", "md127", "d2-part1", "--new-disk", "d5"),
        ask("Reshape /dev/md127 of VM vm1 onto disk d6 to raid6? md rewrites every stripe; data"
            + " on disk d6 is lost.", "raid", "grow", "vm1", "md127", "--new-disk", "d6",
            "--level", "6"),
        ask("Pull disk d2 out of running VM vm1 without asking the guest? An md array loses"
            + " that member at once.", "fault", "vm1", "d2", "--pull"),
        ask("Write garbage into the md data area of disk d2 of VM vm1? What md stored there is"
            + " lost unless a repair rewrites it.", "fault", "vm1", "d2", "--corrupt"),
        ask("Crash the kernel of VM vm1 with an NMI? Whatever the guest had not written to its"
            + " disks is lost, as in a power cut.", "fault", "vm1", "--nmi"),
        ask("Pull a member's disk out of running VM vm1 and replace it in md127?", "drill",
            "vm1", "md127"),
        ask("Stop VM vm1, write garbage into a member of md127 and start it again? A repair"
            + " keeps what landed in data.", "drill", "vm1", "md127", "--fault", "corrupt"),
        ask("Add d5-part1 as a spare to /dev/md127 of VM vm1? Data on d5-part1 is lost.", "raid",
            "spare", "add", "vm1", "md127", "d5-part1"),
        ask("Remove the spare d5-part1 from /dev/md127 of VM vm1?", "raid", "spare", "remove",
            "vm1", "md127", "d5-part1"),
        ask("Stop /dev/md127 in VM vm1? Its data is offline until it is assembled again.", "raid",
            "stop", "vm1", "md127"),
        ask("Stop /dev/md127 in VM vm1, unmounting its filesystems first? Its data is offline"
            + " until it is assembled again.", "raid", "stop", "vm1", "md127", "--also-unmount"),
        ask("Erase the md superblock of d2-part1 in VM vm1? It no longer belongs to any array.",
            "raid", "zero-superblock", "vm1", "d2-part1"),
        ask("Make an ext4 filesystem on md127 in VM vm1? Data on md127 is lost.", "fs", "mkfs",
            "vm1", "md127"),
        ask("Unmount /mnt/md127 in VM vm1? Programs using it lose access to it.", "fs",
            "umount", "vm1", "/mnt/md127"),
        ask("Power off the guest of VM vm1? What runs in it stops.", "agent", "shutdown", "vm1"),
        ask("Check md127 in VM vm1 with e2fsck -f -y? It is unmounted meanwhile, and e2fsck"
            + " repairs what it finds without asking.", "fs", "fsck", "vm1", "md127"));
  }

  private static Arguments ask(String question, String... args) {
    return Arguments.of(question, List.of(args));
  }

  @BeforeEach
  void start() throws Exception {
    RaidGrpc.RaidImplBase raid = new RaidGrpc.RaidImplBase() {
      @Override
      public void createArray(CreateArrayRequest req, StreamObserver<Operation> obs) {
        obs.onNext(Operation.newBuilder().setId("op-1").setKind("create-array")
            .setTarget(req.getArray()).setState(Operation.State.RUNNING).build());
        obs.onCompleted();
      }
    };
    // The others answer UNIMPLEMENTED: the tests that call them only look at what was called.
    controller = new StandIn(dir.resolve("c.sock"), raid,
        new DiskServiceGrpc.DiskServiceImplBase() { }, new VmServiceGrpc.VmServiceImplBase() { },
        new ImageServiceGrpc.ImageServiceImplBase() { },
        new DisksGrpc.DisksImplBase() { }, new FilesystemsGrpc.FilesystemsImplBase() { },
        new GuestAgentGrpc.GuestAgentImplBase() { },
        new DrillServiceGrpc.DrillServiceImplBase() { });
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("questions")
  void atATerminal_asksNamingTheTarget_andOnNoCallsNothing(String question, List<String> args) {
    FakeTerminal terminal = FakeTerminal.answering("n");
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"), terminal);
    assertEquals(1, raidctl.run(args.toArray(String[]::new)));
    assertEquals(List.of(question + " [y/N] "), terminal.prompts);
    assertEquals("raidctl: cancelled\n", raidctl.err.toString());
    assertEquals("", raidctl.out.toString());
    assertEquals(List.of(), controller.calls);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("questions")
  void withoutATerminal_goesAheadWithoutAsking(String question, List<String> args) {
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"), FakeTerminal.none());
    int exit = raidctl.run(args.toArray(String[]::new));

    assertEquals(1, controller.calls.size(), raidctl.err.toString());
    // The stand-in answers every call but CreateArray UNIMPLEMENTED (and serves no operations to
    // follow): raidctl went ahead and ends with the controller's answer, not "cancelled".
    assertEquals(1, exit, raidctl.err.toString());
    assertTrue(raidctl.err.toString().startsWith("raidctl: UNIMPLEMENTED: Method "),
        raidctl.err.toString());
  }

  @Test
  void yes_goesAhead() {
    FakeTerminal terminal = FakeTerminal.answering("y");
    Raidctl raidctl = new Raidctl(dir.resolve("c.sock"), terminal);
    assertEquals(0, raidctl.run(CREATE_RAID5));
    assertEquals(List.of(RAID5), terminal.prompts);
    assertEquals(List.of("CreateArray"), controller.calls);
    assertEquals("started create-array md127: operation op-1 (follow it: raidctl op wait demo"
        + " op-1)\n", raidctl.out.toString());
  }

  @Test
  void onlyYOrYes_goAhead_andTheEndOfInputIsANo() {
    for (String answer : List.of("Y", " yes ", "YES")) {
      Raidctl raidctl = new Raidctl(dir.resolve("c.sock"), FakeTerminal.answering(answer));
      assertEquals(0, raidctl.run(CREATE_RAID5), answer);
    }
    assertEquals(3, controller.calls.size());
    for (FakeTerminal terminal : List.of(FakeTerminal.answering(""),
        FakeTerminal.answering("no"), FakeTerminal.answering("yes please"),
        FakeTerminal.answering())) {
      Raidctl raidctl = new Raidctl(dir.resolve("c.sock"), terminal);
      assertEquals(1, raidctl.run(CREATE_RAID5));
      assertEquals("raidctl: cancelled\n", raidctl.err.toString());
    }
    assertEquals(3, controller.calls.size());
  }

  @Test
  void yesOption_goesAheadWithoutAsking() {
    FakeTerminal terminal = FakeTerminal.answering();
    for (String yes : List.of("--yes", "-y")) {
      Raidctl raidctl = new Raidctl(dir.resolve("c.sock"), terminal);
      assertEquals(0, raidctl.run(Stream.concat(Stream.of(CREATE_RAID5), Stream.of(yes))
          .toArray(String[]::new)), raidctl.err.toString());
    }
    assertEquals(List.of(), terminal.prompts);
    assertEquals(List.of("CreateArray", "CreateArray"), controller.calls);
  }

  @Test
  void theCommandsThatAsk_areTheseAndNoOthers_andEachWithForceIsOne() {
    Set<String> asking = questions().map(a -> {
      @SuppressWarnings("unchecked")
      List<String> args = (List<String>) a.get()[1];
      // part, fault and drill are top-level commands: their second word is an argument.
      // raid spare add|remove: three words.
      return List.of("part", "fault", "drill").contains(args.get(0)) ? args.get(0)
          : args.get(1).equals("spare") ? String.join(" ", args.subList(0, 3))
          : args.get(0) + " " + args.get(1);
    }).collect(Collectors.toCollection(TreeSet::new));
    // raid retire asks after showing its plan (a call), and refuses without a terminal unless
    // --yes: RetireCommandTest.
    asking.add("raid retire");
    Set<String> withYes = new TreeSet<>();
    List<String> forceWithoutYes = new ArrayList<>();
    Raidctl.eachCommand(c -> {
      String name = c.getCommandSpec().qualifiedName(" ").replaceFirst("^raidctl ", "");
      if (c.getCommandSpec().findOption("--yes") != null) {
        withYes.add(name);
      } else if (c.getCommandSpec().findOption("--force") != null) {
        forceWithoutYes.add(name);
      }
    });
    assertEquals(asking, withYes);
    assertTrue(forceWithoutYes.isEmpty(), "--force without --yes: " + forceWithoutYes);
  }
}
