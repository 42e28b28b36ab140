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
 * A test that needs the S3-compatible server at {@code SLUICE_S3_ENDPOINT}, which
 * scripts/dev-services starts. Skipped or failed as {@link RealServices} says.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealS3.Condition.class)
public @interface RealS3 {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return RealServices.evaluate(
          "SLUICE_S3_ENDPOINT", "S3-compatible server", "eval \"$(scripts/dev-services start)\"");
    }
  }
}
