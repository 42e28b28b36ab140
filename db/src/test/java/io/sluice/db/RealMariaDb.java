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
 * A test that needs the MariaDB server at {@code SLUICE_MARIADB_URL} (with {@code
 * SLUICE_MARIADB_USER} and {@code SLUICE_MARIADB_PASSWORD}), which scripts/dev-services starts.
 * Skipped or failed as {@link RealServices} says.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealMariaDb.Condition.class)
public @interface RealMariaDb {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return RealServices.evaluate(
          "SLUICE_MARIADB_URL",
          "MariaDB",
          "install mariadb-server, then eval \"$(scripts/dev-services start)\"");
    }
  }
}
