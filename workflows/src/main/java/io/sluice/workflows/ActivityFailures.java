package io.sluice.workflows;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;

/** The type and message of an activity's failure, as the workflows report them. */
final class ActivityFailures {

  private ActivityFailures() {}

  static String type(ActivityFailure e) {
    return e.getCause() instanceof ApplicationFailure a ? a.getType() : "ActivityFailed";
  }

  static String message(ActivityFailure e) {
    return e.getCause() instanceof ApplicationFailure a
        ? a.getOriginalMessage()
        : String.valueOf(e.getCause());
  }
}
