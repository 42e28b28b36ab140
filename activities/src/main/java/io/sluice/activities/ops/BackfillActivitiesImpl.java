package io.sluice.activities.ops;

import io.sluice.activities.support.Failures;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.BackfillActivities;
import jakarta.inject.Singleton;
import java.time.LocalDate;
import org.jooq.DSLContext;

/**
 * Plans a backfill from the data directory and the partition ledger, and makes the raw day tables
 * of the partitions it will run. Adding a day table to raw.orders locks it against every reader
 * until the statement commits; made by each ingest, side by side with the other partitions'
 * validate and stage, a day's first COPY waited for the other partitions' reads of raw and held up
 * the reads queued behind it (bench/backfill-throughput at parallelism 2: about one second of lock
 * waits in a 90-day backfill, none once the plan made the tables).
 */
@Singleton
public final class BackfillActivitiesImpl implements BackfillActivities {

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public BackfillActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public BackfillPlan plan(PlanRequest request) {
    try {
      BackfillPlan plan = new BackfillPlanner(dsl, settings).plan(request);
      for (String date : plan.run()) {
        PartitionStore.rawDayTable(dsl, request.dataset(), LocalDate.parse(date));
      }
      return plan;
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureTypes.BAD_REQUEST, e.getMessage());
    }
  }
}
