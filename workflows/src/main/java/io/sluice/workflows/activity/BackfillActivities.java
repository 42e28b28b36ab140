package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** What a backfill of a range has to run, from the data directory and the partition ledger. */
@ActivityInterface
public interface BackfillActivities {

  @ActivityMethod(name = ActivityNames.PLAN_BACKFILL)
  BackfillPlan plan(PlanRequest request);

  /**
   * @param only {@code all}, {@code failed} (partitions with a failed or late stage in the ledger)
   *     or {@code missing} (partitions never staged and not failed)
   */
  record PlanRequest(String dataset, String from, String to, String only) {}

  /**
   * @param run partitions to ingest, validate and stage, in date order
   * @param noSource partitions of the range whose files are not there: gaps, reported, not run
   * @param skipped partitions of the range left alone because of {@code only}
   * @param unstaged of the skipped, those not staged (failed, late or missing): like gaps, the
   *     feature dates from them on cannot be computed
   */
  record BackfillPlan(
      List<String> run, List<String> noSource, List<String> skipped, List<String> unstaged) {}
}
