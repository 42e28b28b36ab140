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
 * A test that needs the real Temporal server at {@code TEMPORAL_ADDRESS}. Skipped or failed as
 * {@link RealServices} says.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealTemporal.Condition.class)
public @interface RealTemporal {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return RealServices.evaluate(
          "TEMPORAL_ADDRESS",
          "Temporal server",
          "start the dev server with scripts/dev-services start and export TEMPORAL_ADDRESS");
    }
  }
}
