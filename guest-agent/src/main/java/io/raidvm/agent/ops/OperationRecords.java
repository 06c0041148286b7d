package io.raidvm.agent.ops;

import io.raidvm.api.agent.v1.Operation;

/** Where the registry keeps a copy of each operation so that the next agent finds it again. */
interface OperationRecords {

  /** Replaces the record of {@code operation}; a failure is logged, never thrown. */
  void save(Operation operation);

  /** Forgets the record of operation {@code id}; a failure is logged, never thrown. */
  void delete(String id);

  /** Keeps nothing (a registry in memory only, for tests of other packages). */
  OperationRecords NONE = new OperationRecords() {
    @Override
    public void save(Operation operation) {}

    @Override
    public void delete(String id) {}
  };
}
