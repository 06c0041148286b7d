package io.raidvm.controller.alert;

import io.grpc.stub.StreamObserver;
import io.raidvm.api.controller.v1.AddAlertRuleRequest;
import io.raidvm.api.controller.v1.AlertDelivery;
import io.raidvm.api.controller.v1.AlertRule;
import io.raidvm.api.controller.v1.AlertServiceGrpc;
import io.raidvm.api.controller.v1.ListAlertRulesRequest;
import io.raidvm.api.controller.v1.ListAlertRulesResponse;
import io.raidvm.api.controller.v1.RemoveAlertRuleRequest;
import io.raidvm.api.controller.v1.RemoveAlertRuleResponse;
import io.raidvm.api.controller.v1.TestAlertRuleRequest;
import io.raidvm.common.grpc.Rpc;

/** gRPC adapter of the {@link Alerter}. */
public final class AlertGrpcService extends AlertServiceGrpc.AlertServiceImplBase {

  private final Alerter alerter;

  public AlertGrpcService(Alerter alerter) {
    this.alerter = alerter;
  }

  @Override
  public void addAlertRule(AddAlertRuleRequest r, StreamObserver<AlertRule> out) {
    Rpc.unary(out, () -> alerter.add(r.getRule()));
  }

  @Override
  public void listAlertRules(ListAlertRulesRequest r,
      StreamObserver<ListAlertRulesResponse> out) {
    Rpc.unary(out, () -> ListAlertRulesResponse.newBuilder().addAllRules(alerter.list()).build());
  }

  @Override
  public void removeAlertRule(RemoveAlertRuleRequest r,
      StreamObserver<RemoveAlertRuleResponse> out) {
    Rpc.unary(out, () -> {
      alerter.remove(r.getName());
      return RemoveAlertRuleResponse.getDefaultInstance();
    });
  }

  @Override
  public void testAlertRule(TestAlertRuleRequest r, StreamObserver<AlertDelivery> out) {
    Rpc.unary(out, () -> alerter.test(r.getName()));
  }
}
