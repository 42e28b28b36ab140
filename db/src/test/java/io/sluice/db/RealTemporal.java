package io.sluice.db;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test that needs the real Temporal server at {@code TEMPORAL_ADDRESS}. Without it the test is
 * reported as skipped on a developer machine, but fails when {@code
 * SLUICE_REQUIRE_REAL_SERVICES=true} (as CI sets), so a missing server is never a silent pass.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealTemporal.Condition.class)
public @interface RealTemporal {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String address = System.getenv("TEMPORAL_ADDRESS");
      if (address != null && !address.isBlank()) {
        return ConditionEvaluationResult.enabled("Temporal server at " + address);
      }
      if ("true".equals(System.getenv("SLUICE_REQUIRE_REAL_SERVICES"))) {
        throw new IllegalStateException(
            "SLUICE_REQUIRE_REAL_SERVICES=true but TEMPORAL_ADDRESS is not set: start the dev"
                + " server with scripts/dev-services start and export TEMPORAL_ADDRESS");
      }
      return ConditionEvaluationResult.disabled(
          "set TEMPORAL_ADDRESS (scripts/dev-services start) to run against the real server");
    }
  }
}
