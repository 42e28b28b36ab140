package io.sluice.activities.split;

import static io.sluice.db.jooq.meta.Tables.SPLITS;
import static io.sluice.db.jooq.meta.Tables.SPLIT_STATS;
import static io.sluice.db.jooq.meta.Tables.SPLIT_TRANSFORMS;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfig.SplitConfig;
import io.sluice.activities.features.FeatureSet;
import io.sluice.activities.split.SplitPlan.Range;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Json;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.transform.Transforms;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.SplitActivities;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Split: the feature dates whose label is known as of the partition date (its horizon ends by
 * then), planned into train / val / test with an embargo; scaling statistics from the training rows
 * only.
 */
@Singleton
public final class SplitActivitiesImpl implements SplitActivities {

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public SplitActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  /** Rows of the export for one range: labelled feature rows of those dates. */
  public static Condition rowsOf(FeatureSet set, Range r) {
    if (r.from() == null) {
      return DSL.falseCondition();
    }
    return FeatureSet.featureDate().between(r.from(), r.to()).and(set.label().isNotNull());
  }

  @Override
  public SplitResult split(PartitionRef ref) {
    LocalDate d = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    if (!config.hasFeatures()) {
      return new SplitResult(0, 0, 0, 0); // a dataset that is only staged
    }
    SplitConfig s = config.config().split();
    FeatureSet set = new FeatureSet(config);
    return dsl.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
          Table<Record> table = set.table(tx);
          // As of d, a label is known for the dates whose horizon ends by d: a label filled in
          // by a later run (a backfill of an older date after newer ones) is not known as of d
          // one scan: the labelled rows of each date, which the ranges' counts add up
          java.util.NavigableMap<LocalDate, Long> perDate = new java.util.TreeMap<>();
          tx.select(FeatureSet.featureDate(), DSL.count())
              .from(table)
              .where(FeatureSet.featureDate().le(d.minusDays(set.horizonDays())))
              .and(set.label().isNotNull())
              .groupBy(FeatureSet.featureDate())
              .fetch()
              .forEach(r -> perDate.put(r.value1(), r.value2().longValue()));
          List<LocalDate> dates = List.copyOf(perDate.keySet());
          SplitPlan plan =
              SplitPlan.plan(dates, s.train(), s.val(), s.test(), config.embargoDays());
          tx.deleteFrom(SPLITS)
              .where(SPLITS.DATASET.eq(ref.dataset()))
              .and(SPLITS.AS_OF_DATE.eq(d))
              .execute();
          long[] counts = new long[3];
          List<Map.Entry<String, Range>> ranges =
              List.of(
                  Map.entry("train", plan.train()),
                  Map.entry("val", plan.val()),
                  Map.entry("test", plan.test()));
          for (int i = 0; i < 3; i++) {
            Range r = ranges.get(i).getValue();
            counts[i] =
                r.from() == null
                    ? 0
                    : perDate.subMap(r.from(), true, r.to(), true).values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
            tx.insertInto(SPLITS)
                .set(SPLITS.DATASET, ref.dataset())
                .set(SPLITS.AS_OF_DATE, d)
                .set(SPLITS.SPLIT, ranges.get(i).getKey())
                .set(SPLITS.FROM_DATE, r.from())
                .set(SPLITS.TO_DATE, r.to())
                .set(SPLITS.ROW_COUNT, counts[i])
                .set(SPLITS.EMBARGO_DAYS, plan.embargoDays())
                .set(SPLITS.RUN_ID, ref.runId())
                .execute();
          }
          writeTrainingStats(tx, set, table, ref.dataset(), d, plan.train());
          writeTransforms(tx, config, set, table, ref, d, plan.train());
          return new SplitResult(counts[0], counts[1], counts[2], plan.embargoDays());
        });
  }

  private static void writeTrainingStats(
      DSLContext tx,
      FeatureSet set,
      Table<Record> table,
      String dataset,
      LocalDate d,
      Range train) {
    List<Field<?>> numeric = set.numericFeatures();
    tx.deleteFrom(SPLIT_STATS)
        .where(SPLIT_STATS.DATASET.eq(dataset))
        .and(SPLIT_STATS.AS_OF_DATE.eq(d))
        .execute();
    List<SelectField<?>> aggregates = new ArrayList<>();
    aggregates.add(DSL.count());
    for (Field<?> f : numeric) {
      // mean and deviation from exact sums, so the same rows give the same statistics whatever
      // their physical order (a float8 sum depends on it, and a range pass written by runs side by
      // side lays the rows down in a different order each time): PostgreSQL sums integers and
      // numeric exactly, so only a floating-point column is cast to numeric, and min and max are
      // taken before the cast to double, which keeps their order (casting each value costs more
      // than the rest of the statistics together)
      Field<BigDecimal> exact =
          isFloat(f.getDataType()) ? f.cast(SQLDataType.NUMERIC) : f.coerce(BigDecimal.class);
      aggregates.add(DSL.avg(exact).cast(Double.class));
      aggregates.add(DSL.stddevSamp(exact).cast(Double.class));
      aggregates.add(DSL.min(f).cast(Double.class));
      aggregates.add(DSL.max(f).cast(Double.class));
      aggregates.add(DSL.count(f));
    }
    Record r = tx.select(aggregates).from(table).where(rowsOf(set, train)).fetchOne();
    long rows = r.get(0, Long.class);
    if (rows == 0) {
      return;
    }
    for (int i = 0; i < numeric.size(); i++) {
      int base = 1 + 5 * i;
      long nonNull = r.get(base + 4, Long.class);
      tx.insertInto(SPLIT_STATS)
          .set(SPLIT_STATS.DATASET, dataset)
          .set(SPLIT_STATS.AS_OF_DATE, d)
          .set(SPLIT_STATS.FEATURE, numeric.get(i).getName())
          .set(SPLIT_STATS.MEAN, r.get(base, Double.class))
          .set(SPLIT_STATS.STDDEV, r.get(base + 1, Double.class))
          .set(SPLIT_STATS.MIN_VALUE, r.get(base + 2, Double.class))
          .set(SPLIT_STATS.MAX_VALUE, r.get(base + 3, Double.class))
          .set(SPLIT_STATS.NULL_FRACTION, (double) (rows - nonNull) / rows)
          .execute();
    }
  }

  /**
   * The declared transforms fitted on the training rows, as the spec publish applies: replaced with
   * the split, none when nothing is declared or nothing is labelled yet.
   */
  private static void writeTransforms(
      DSLContext tx,
      LoadedConfig config,
      FeatureSet set,
      Table<Record> table,
      PartitionRef ref,
      LocalDate d,
      Range train) {
    tx.deleteFrom(SPLIT_TRANSFORMS)
        .where(SPLIT_TRANSFORMS.DATASET.eq(ref.dataset()))
        .and(SPLIT_TRANSFORMS.AS_OF_DATE.eq(d))
        .execute();
    var declared = config.config().transforms();
    if (declared == null || train.from() == null) {
      return;
    }
    java.util.Set<String> taken = new java.util.HashSet<>();
    set.columns().forEach(c -> taken.add(c.name()));
    Transforms.Spec spec;
    try {
      spec =
          Transforms.fit(
              tx,
              table,
              rowsOf(set, train),
              train.from().toString(),
              train.to().toString(),
              declared,
              taken);
    } catch (IllegalArgumentException e) {
      throw Failures.of(
          FailureTypes.DATA_ERROR,
          "cannot fit the transforms of "
              + ref.dataset()
              + " on the training split as of "
              + d
              + " ("
              + train.from()
              + " to "
              + train.to()
              + "): "
              + e.getMessage(),
          e);
    }
    tx.insertInto(SPLIT_TRANSFORMS)
        .set(SPLIT_TRANSFORMS.DATASET, ref.dataset())
        .set(SPLIT_TRANSFORMS.AS_OF_DATE, d)
        .set(
            SPLIT_TRANSFORMS.SPEC,
            org.jooq.JSONB.valueOf(
                new String(Json.bytes(spec), java.nio.charset.StandardCharsets.UTF_8)))
        .set(SPLIT_TRANSFORMS.RUN_ID, ref.runId())
        .execute();
  }

  private static boolean isFloat(DataType<?> t) {
    Class<?> type = t.getType();
    return type == Double.class || type == Float.class;
  }
}
