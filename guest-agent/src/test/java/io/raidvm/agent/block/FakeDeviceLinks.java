package io.raidvm.agent.block;

import java.util.List;
import java.util.Map;

/** {@link DeviceLinks} from maps, for tests. */
record FakeDeviceLinks(Map<String, List<String>> holdersByName, Map<String, List<String>> byId)
    implements DeviceLinks {

  static final FakeDeviceLinks NONE = new FakeDeviceLinks(Map.of(), Map.of());

  @Override
  public List<String> holders(String kname) {
    return holdersByName.getOrDefault(kname, List.of());
  }

  @Override
  public Map<String, List<String>> byIdPaths() {
    return byId;
  }
}
