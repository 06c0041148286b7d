package io.raidvm.controller.image;

import java.util.List;

/** One repository line of the host's apt configuration: type, URI, suite and components. */
public record AptSource(String type, String uri, String suite, List<String> components) {

  public AptSource {
    components = List.copyOf(components);
  }
}
