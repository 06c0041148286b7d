package io.raidvm.agent.ops;

import io.raidvm.api.agent.v1.Operation;
import java.util.List;

/** Where the registry keeps a copy of each operation so that the next agent finds it again. */
interface OperationRecords {

  /** Every record that reads back whole, in no particular order. */
  List<Operation> load();

  /** Replaces the record of {@code operation}; a failure is logged, never thrown. */
  void save(Operation operation);

  /** Forgets the record of operation {@code id}; a failure is logged, never thrown. */
  void delete(String id);

  /** Keeps nothing (a registry in memory only, for tests of other packages). */
  OperationRecords NONE = new OperationRecords() {
    @Override
    public List<Operation> load() {
      return List.of();
    }

    @Override
    public void save(Operation operation) {}

    @Override
    public void delete(String id) {}
  };
}
