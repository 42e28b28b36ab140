package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Runs the dataset's expectations over the raw partition and writes the report. */
@ActivityInterface
public interface ValidateActivities {

  /** Fails with {@code ValidationFailed} (after writing the report) on any error-level miss. */
  @ActivityMethod(name = ActivityNames.VALIDATE)
  ValidateResult validate(PartitionRef partition);

  record ValidateResult(
      int expectations, int errorFailures, int warnFailures, long rowsChecked, String reportPath) {}
}
