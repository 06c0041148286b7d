package io.raidvm.controller.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raidvm.api.controller.v1.VmSpec;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.common.grpc.HostPort;
import io.raidvm.controller.vm.AgentStatus;
import io.raidvm.controller.vm.VmStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControllerMetricsTest {

  private final ControllerMetrics metrics = new ControllerMetrics(() -> List.of(new VmStatus(
      VmSpec.newBuilder().setName("v1").build(), VmState.STOPPED, AgentStatus.NONE,
      Path.of("/x/console.log"), 0, "", "", Path.of("/x/os.qcow2"), List.of(), null, "")),
      vm -> Optional.empty(), Instant::now, List::of);

  @AfterEach
  void stop() {
    metrics.stop();
  }

  private HttpResponse<String> get(String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metrics.port().orElseThrow() + "/metrics"));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void served_atMetrics_asText_andAsProtobufToAClientThatPrefersIt() throws Exception {
    assertEquals(Optional.empty(), metrics.port(), "off until asked");
    metrics.serve(new HostPort("127.0.0.1", 0));

    HttpResponse<String> plain = get(null);
    assertEquals(200, plain.statusCode());
    assertTrue(plain.body().contains("raidvm_vm_state{state=\"stopped\",vm=\"v1\"} 1.0"),
        plain.body());

    // What Prometheus asks for first when native histograms are on: served as it asks.
    HttpResponse<String> proto = get("application/vnd.google.protobuf;"
        + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.9,text/plain;q=0.5");
    assertEquals(200, proto.statusCode());
    assertTrue(proto.headers().firstValue("Content-Type").orElse("")
        .startsWith("application/vnd.google.protobuf"), proto.headers().map().toString());
  }

  @Test
  void aPortInUse_failsNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      HostPort address = new HostPort("127.0.0.1", taken.getLocalPort());
      var e = assertThrows(IOException.class, () -> metrics.serve(address));
      assertTrue(e.getMessage().startsWith("cannot serve metrics on " + address + ": "),
          e.getMessage());
    }
  }
}
