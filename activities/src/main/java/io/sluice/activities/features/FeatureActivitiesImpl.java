package io.sluice.activities.features;

import static io.sluice.db.jooq.feats.Tables.ORDERS_CUSTOMER_DAILY;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.PartitionRef;
import jakarta.inject.Singleton;
import java.time.LocalDate;
import org.jooq.DSLContext;

/**
 * Features for the partition date, replaced in one transaction; plus the labels that staging this
 * partition has made known (feature dates d - horizon .. d - 1).
 */
@Singleton
public final class FeatureActivitiesImpl implements FeatureActivities {

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public FeatureActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public FeatureResult computeFeatures(PartitionRef ref) {
    LocalDate d = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    int horizon = config.labelHorizonDays();
    return dsl.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
          if (!PartitionStore.isStaged(tx, ref.dataset(), d)) {
            throw new IllegalStateException(
                "partition "
                    + ref.dataset()
                    + "/"
                    + d
                    + " is not staged: run the stage step first");
          }
          tx.deleteFrom(ORDERS_CUSTOMER_DAILY)
              .where(ORDERS_CUSTOMER_DAILY.FEATURE_DATE.eq(d))
              .execute();
          boolean labelKnown = PartitionStore.isStaged(tx, ref.dataset(), d.plusDays(horizon));
          long rows = tx.execute(OrderFeatureQueries.insertFeatures(d, horizon, labelKnown));
          long filled = 0;
          for (LocalDate e = d.minusDays(horizon); e.isBefore(d); e = e.plusDays(1)) {
            if (PartitionStore.isStaged(tx, ref.dataset(), e.plusDays(horizon))) {
              filled += tx.execute(OrderFeatureQueries.updateLabels(e, horizon));
            }
          }
          return new FeatureResult(rows, labelKnown ? rows : 0, filled);
        });
  }
}
