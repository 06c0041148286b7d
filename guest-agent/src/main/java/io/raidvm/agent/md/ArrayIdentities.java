package io.raidvm.agent.md;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ArrayIdentity} of each array, from one {@code mdadm --detail --export} (a process
 * start costs 100–150 ms in a TCG guest; the kernel's files cost microseconds), kept while the
 * array stays the same one: its kernel UUID (md/uuid), metadata version and — for an inactive
 * array, whose md/uuid reads as zeros — its members. A name only changes when an array is
 * stopped and assembled again, so the agent also forgets an array on md's NewArray and
 * ArrayStopped events ({@link #forget}).
 */
public final class ArrayIdentities {

  private static final String NO_UUID = "00000000-0000-0000-0000-000000000000";

  private record Known(String key, ArrayIdentity identity) {}

  private final Mdadm mdadm;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  ArrayIdentities(Mdadm mdadm) {
    this.mdadm = mdadm;
  }

  ArrayIdentity of(MdstatArray entry, MdSysfs md) {
    String key = key(entry, md);
    Known cached = known.get(entry.name());
    if (cached != null && cached.key().equals(key)) {
      return cached.identity();
    }
    ArrayIdentity identity = ArrayIdentity.of(
        MdadmDetail.parse(mdadm.detailExport(Path.of("/dev", entry.name())), ""));
    known.put(entry.name(), new Known(key, identity));
    return identity;
  }

  /** The next look at {@code array} asks mdadm again. */
  public void forget(String array) {
    known.remove(array);
  }

  private static String key(MdstatArray entry, MdSysfs md) {
    String key = md.uuid() + " " + md.metadataVersion();
    if (md.uuid().isEmpty() || md.uuid().equals(NO_UUID)) {
      key += " " + entry.members().stream().map(m -> m.name() + "[" + m.number() + "]").sorted()
          .toList();
    }
    return key;
  }
}
