package io.raidvm.controller.metrics;

import io.grpc.Channel;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.raidvm.api.controller.v1.VmState;
import io.raidvm.controller.vm.VmStatus;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The metrics of the VMs, made at each scrape: each VM's state and whether its agent answers
 * (from the controller's own view, no agent call), and the arrays of each VM whose agent answers
 * ({@link ArrayMetrics}, read by {@link ArrayReadings}: a scrape waits at most {@link #WAIT} for
 * the agents, and an array figure's age is {@code raidvm_md_read_age_seconds}).
 */
public final class VmMetrics implements MultiCollector {

  /**
   * How long a scrape waits for the agents' answers: well within Prometheus's default scrape
   * timeout (10 s). Under software emulation an idle agent answers ListArrays in well under a
   * second.
   */
  static final Duration WAIT = Duration.ofSeconds(3);
  static final List<String> VM_STATES = Arrays.stream(VmState.values())
      .filter(s -> s != VmState.VM_STATE_UNSPECIFIED && s != VmState.UNRECOGNIZED)
      .map(VmMetrics::label)
      .toList();

  private final Supplier<List<VmStatus>> vms;
  private final ArrayReadings arrays;

  /**
   * @param vms every VM as it is now
   * @param agents the channel to a VM's agent, empty when it has none
   * @param clock the time now, for the age of the array figures
   */
  public VmMetrics(Supplier<List<VmStatus>> vms, Function<String, Optional<Channel>> agents,
      Supplier<Instant> clock) {
    this.vms = vms;
    this.arrays = new ArrayReadings(agents, clock);
  }

  @Override
  public MetricSnapshots collect() {
    Gauges g = new Gauges();
    List<String> answering = new ArrayList<>();
    for (VmStatus vm : vms.get()) {
      String name = vm.spec().getName();
      g.addOneOf("raidvm_vm_state", "The VM's state as raidctl vm list shows it: 1 for the"
          + " current one.", "state", VM_STATES, label(vm.state()), "vm", name);
      g.add("raidvm_agent_connected", "1 while the VM's guest agent answers the controller.",
          vm.agent().connected() ? 1 : 0, "vm", name);
      if (vm.agent().connected()) {
        answering.add(name);
      }
    }
    arrays.read(answering, WAIT).forEach((vm, reading) -> {
      g.add("raidvm_md_read_age_seconds", "How old the VM's array figures are: when its agent"
          + " last answered ListArrays (they are left out past 2 minutes).",
          arrays.age(reading).toMillis() / 1000.0, "vm", vm);
      reading.arrays().forEach(a -> ArrayMetrics.add(g, vm, a));
    });
    return g.snapshots();
  }

  static String label(VmState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }
}
