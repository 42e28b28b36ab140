package io.sluice.activities.ops;

import io.sluice.activities.support.Failures;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.BackfillActivities;
import jakarta.inject.Singleton;
import org.jooq.DSLContext;

/** Plans a backfill from the data directory and the partition ledger. */
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
      return new BackfillPlanner(dsl, settings).plan(request);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureTypes.BAD_REQUEST, e.getMessage());
    }
  }
}
