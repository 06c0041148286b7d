package io.raidvm.controller.alert;

import io.raidvm.api.controller.v1.Alert;
import io.raidvm.api.controller.v1.AlertRule;

/** Delivers one alert to one rule's target, once. */
public interface AlertSender {

  /** How one attempt went: {@code outcome} is "HTTP 204", "exit 0" or what went wrong. */
  record Outcome(boolean ok, String outcome) {}

  /** One attempt; never throws: a failure is an outcome. */
  Outcome send(AlertRule rule, Alert alert);
}
