package io.raidvm.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raidvm.api.agent.v1.MdEvent;
import io.raidvm.api.agent.v1.MdEvent.Kind;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ArrayChangesTest {

  private static MdEvent event(Kind kind, String array) {
    return MdEvent.newBuilder().setKind(kind).setArray(array).build();
  }

  @Test
  void namesTheArraysMdStartedOrStopped_asTheyArePublished() {
    MdJournal journal = new MdJournal();
    List<String> changed = new CopyOnWriteArrayList<>();
    ArrayChanges.follow(journal, changed::add);

    journal.publish(MdState.EMPTY, List.of(event(Kind.NEW_ARRAY, "md127"),
        event(Kind.REBUILD_STARTED, "md127")));
    assertEquals(List.of("md127"), changed);
    journal.publish(MdState.EMPTY, List.of(event(Kind.FAIL, "md126"),
        event(Kind.ARRAY_STOPPED, "md125")));

    assertEquals(List.of("md127", "md125"), changed);
  }
}
