package io.sluice.workflows;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;

/** What a run's workflow code reads from its input and its schedule, shared by the workflows. */
final class RunDates {

  private RunDates() {}

  /**
   * The date of a run of {@code name}: the input's, or the day before the scheduled time when a
   * schedule started the run without one. A wrong input fails the run as {@code BadRequest}.
   *
   * @param nameKey the input's key holding {@code name}, for the message
   * @param shape the input's shape, for messages
   */
  static LocalDate of(
      Object request,
      String nameKey,
      String name,
      String date,
      Map<String, Object> unknownFields,
      String shape) {
    if (request == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no input: expected " + shape, FailureTypes.BAD_REQUEST);
    }
    try {
      Partitions.requireKnownFields(unknownFields, shape);
      Partitions.requireDataset(name);
      if (date == null || date.isBlank()) {
        OffsetDateTime scheduled =
            Workflow.getTypedSearchAttributes().get(SearchAttributes.SCHEDULED_START_TIME);
        if (scheduled == null) {
          throw new IllegalArgumentException(
              "no partitionDate in the input and the run was not started by a schedule: give"
                  + " {\""
                  + nameKey
                  + "\":\""
                  + name
                  + "\",\"partitionDate\":\"yyyy-MM-dd\"}");
        }
        return Partitions.partitionOfScheduledTime(scheduled);
      }
      return Partitions.requireDate(date);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.BAD_REQUEST);
    }
  }

  /** {@code d} within [min, max]. */
  static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }
}
