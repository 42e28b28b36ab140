package io.sluice.db;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/**
 * Whether a real service a test needs is there, by the environment variable that points at it:
 * without it the test is skipped on a developer machine, but fails when {@code
 * SLUICE_REQUIRE_REAL_SERVICES=true} (as CI sets), so a missing service is never a silent pass.
 */
final class RealServices {

  private RealServices() {}

  /**
   * @param variable the environment variable that points at the service
   * @param what the service, as messages name it
   * @param start how to start it and set the variable
   */
  static ConditionEvaluationResult evaluate(String variable, String what, String start) {
    String address = System.getenv(variable);
    if (address != null && !address.isBlank()) {
      return ConditionEvaluationResult.enabled(what + " at " + address);
    }
    if ("true".equals(System.getenv("SLUICE_REQUIRE_REAL_SERVICES"))) {
      throw new IllegalStateException(
          "SLUICE_REQUIRE_REAL_SERVICES=true but " + variable + " is not set: " + start);
    }
    return ConditionEvaluationResult.disabled(
        "set " + variable + " (" + start + ") to run against the real " + what);
  }
}
