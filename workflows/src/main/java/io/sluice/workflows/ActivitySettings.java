package io.sluice.workflows;

import java.time.Duration;

/**
 * Timeouts and retry policy of one activity type, as configured for the worker (see {@code
 * sluice.activities.*} in the worker's application.yml). A zero heartbeat timeout means none.
 */
public record ActivitySettings(
    Duration startToClose,
    Duration heartbeat,
    Duration initialInterval,
    Duration maxInterval,
    double backoff,
    int maxAttempts) {

  public ActivitySettings {
    if (startToClose == null || startToClose.isZero() || startToClose.isNegative()) {
      throw new IllegalArgumentException("start-to-close timeout must be positive");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be >= 1, got " + maxAttempts);
    }
    if (backoff < 1.0) {
      throw new IllegalArgumentException("backoff coefficient must be >= 1.0, got " + backoff);
    }
  }
}
