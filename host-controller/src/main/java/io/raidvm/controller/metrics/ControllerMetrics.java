package io.raidvm.controller.metrics;

import io.grpc.Channel;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raidvm.api.controller.v1.ScrubRun;
import io.raidvm.common.grpc.HostPort;
import io.raidvm.controller.vm.VmStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The controller's Prometheus metrics: the RPCs ({@link RpcMetrics}, counted whether or not they
 * are served), the VMs and their arrays ({@link VmMetrics}, made at each scrape), the arrays'
 * last scrubs ({@link ScrubMetrics}), and the HTTP
 * listener that serves them at {@code /metrics} — only when {@code --metrics-listen} asks for
 * one. Plain HTTP and no authentication, as node_exporter by default: the figures say how the
 * arrays are, not what is on them; listen on localhost, or on an address only the Prometheus
 * server reaches.
 */
public final class ControllerMetrics {

  private static final Logger LOG = Logger.getLogger(ControllerMetrics.class.getName());

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final RpcMetrics rpcs = new RpcMetrics(registry);
  private HTTPServer server;

  /**
   * @param vms every VM as it is now
   * @param agents the channel to a VM's agent, empty when it has none
   * @param clock the time now, for the age of the array figures
   * @param lastScrubs each array's newest scrub run that has ended
   */
  public ControllerMetrics(Supplier<List<VmStatus>> vms,
      Function<String, Optional<Channel>> agents, Supplier<Instant> clock,
      Supplier<List<ScrubRun>> lastScrubs) {
    registry.register(new VmMetrics(vms, agents, clock));
    registry.register(new ScrubMetrics(lastScrubs));
  }

  /** The interceptor that counts the RPCs: the outermost of the controller's chain. */
  public RpcMetrics rpcs() {
    return rpcs;
  }

  PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Serves the metrics on {@code address} (port 0: any free one).
   *
   * @throws IOException when it cannot listen there, naming the address
   */
  public synchronized void serve(HostPort address) throws IOException {
    try {
      server = HTTPServer.builder().hostname(address.host()).port(address.port())
          .registry(registry).buildAndStart();
    } catch (IOException e) {
      throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
    LOG.info(() -> "metrics on http://" + new HostPort(address.host(), server.getPort())
        + "/metrics");
  }

  /** The port the metrics are served on; empty when they are not. */
  public synchronized Optional<Integer> port() {
    return Optional.ofNullable(server).map(HTTPServer::getPort);
  }

  /** Stops serving (the counts stay until the process ends). */
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
