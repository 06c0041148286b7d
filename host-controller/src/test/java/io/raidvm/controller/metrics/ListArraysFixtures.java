package io.raidvm.controller.metrics;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.raidvm.api.agent.v1.ListArraysResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The agent's captured ListArrays answers (fixtures/list-arrays/README.md says how). */
final class ListArraysFixtures {

  private ListArraysFixtures() {}

  static ListArraysResponse load(String name) {
    String path = "/fixtures/list-arrays/" + name + ".json";
    try (InputStream in = ListArraysFixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      ListArraysResponse.Builder answer = ListArraysResponse.newBuilder();
      JsonFormat.parser().merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), answer);
      return answer.build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
