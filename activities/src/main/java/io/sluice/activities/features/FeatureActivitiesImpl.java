package io.sluice.activities.features;

import static io.sluice.db.jooq.meta.Tables.FEATURE_DATES;
import static io.sluice.db.jooq.meta.Tables.FEATURE_DATE_FAILURES;
import static io.sluice.db.jooq.meta.Tables.FEATURE_STATE;
import static io.sluice.db.jooq.meta.Tables.STAGE_RECONCILIATION;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.support.FailureBounds;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.SideBySide;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.db.jooq.meta.tables.records.FeatureDateFailuresRecord;
import io.sluice.db.jooq.meta.tables.records.FeatureDatesRecord;
import io.sluice.db.jooq.meta.tables.records.FeatureStateRecord;
import io.sluice.workflows.DateRanges;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Singleton;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Features for partition date d: the feature dates up to d that the feature table lacks or that a
 * later staging made stale, computed in one set-based pass and replaced in one transaction; then
 * the labels that have become known (or stale) since they were last computed.
 *
 * <p>On a daily run that is d alone. After a past partition p is staged again, it is every date
 * from p on (their features read p) and the labels of dates from p - horizon on. After a change to
 * the feature config, the new feature set's table is empty and the whole history is computed.
 */
@Singleton
public final class FeatureActivitiesImpl implements FeatureActivities {

  private static final Logger LOG = LoggerFactory.getLogger(FeatureActivitiesImpl.class);

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public FeatureActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public FeatureResult computeFeatures(PartitionRef ref, int parallelism) {
    LocalDate d = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    if (!config.hasFeatures()) {
      return new FeatureResult(0, 0, 0, 0); // a dataset that is only staged
    }
    FeatureSet set = new FeatureSet(config);
    int h = set.horizonDays();
    // created and committed first: the range pass writes them from connections of its own
    dsl.transaction(
        trx -> {
          lock(trx.dsl(), ref.dataset());
          try {
            FeatureTables.ensure(trx.dsl(), set);
          } catch (FeatureTables.NotMigrated e) {
            throw Failures.of(
                FailureTypes.BAD_CONFIG, ref.dataset() + "/" + d + ": " + e.getMessage(), e);
          }
        });
    FeatureResult r;
    try {
      r = compute(ref, d, set, h, parallelism, config.inputs(), config.labelDataset());
    } catch (ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      if (FailureBounds.deterministicSqlState(e) == null) {
        throw e; // retried: a lost connection, a full disk
      }
      // The daily path's one statement failed on d's data: recorded, so later runs go on.
      recordFailure(ref, config.inputs(), set.table(dsl).getQualifiedName().toString(), d, e);
      throw failedOn(ref, List.of(d), FailureBounds.databaseError(e));
    }
    if (r.datesComputed() > 1) {
      analyze(ref, set);
    }
    return r;
  }

  @Override
  public InputsProbe probeInputs(PartitionRef ref) {
    LocalDate d = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    List<String> missing = new ArrayList<>();
    for (String input : config.inputs()) {
      if (!stagings(dsl, input).containsKey(d)) {
        missing.add(input + " " + d);
      }
    }
    return new InputsProbe(config.config().dataset(), missing);
  }

  private FeatureResult compute(
      PartitionRef ref,
      LocalDate d,
      FeatureSet set,
      int h,
      int parallelism,
      List<String> inputs,
      String labelDataset) {
    return dsl.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
          lock(tx, ref.dataset());
          noJit(tx);
          // the dataset the feature set's population and label are of (a feature set file's own)
          String anchor = inputs.get(0);
          NavigableMap<LocalDate, Long> staged = stagings(tx, anchor);
          // what the features read: the dataset's partitions and those of the datasets it joins
          NavigableMap<LocalDate, Long> reads = stagings(tx, inputs);
          // the label of fd is known once the label's dataset has partition fd + horizon staged
          NavigableMap<LocalDate, Long> labels =
              labelDataset.equals(anchor) ? staged : stagings(tx, labelDataset);
          if (!staged.containsKey(d)) {
            throw new IllegalStateException(
                "partition "
                    + anchor
                    + "/"
                    + d
                    + " is not staged: run the stage step first"
                    + (anchor.equals(ref.dataset())
                        ? ""
                        : " (sluice run --dataset " + anchor + " --date " + d + ")"));
          }
          Table<Record> table = set.table(tx);
          String tableName = table.getQualifiedName().toString();
          Map<LocalDate, FeatureDatesRecord> ledger =
              tx.selectFrom(FEATURE_DATES)
                  .where(FEATURE_DATES.FEATURE_TABLE.eq(tableName))
                  .fetchMap(FEATURE_DATES.FEATURE_DATE);

          // A date that failed on the data it reads is tried again once that data changes, or
          // when a run asks for it; until then later dates go on without it.
          Map<LocalDate, FeatureDateFailuresRecord> failures =
              tx.selectFrom(FEATURE_DATE_FAILURES)
                  .where(FEATURE_DATE_FAILURES.FEATURE_TABLE.eq(tableName))
                  .fetchMap(FEATURE_DATE_FAILURES.FEATURE_DATE);
          List<LocalDate> compute = new ArrayList<>();
          List<LocalDate> skipped = new ArrayList<>();
          for (LocalDate fd : staged.headMap(d, true).keySet()) {
            FeatureDatesRecord row = ledger.get(fd);
            if (FeatureDatePlan.due(row == null ? null : row.getFeaturesSeq(), reads, fd)) {
              FeatureDateFailuresRecord failed = failures.get(fd);
              if (!fd.equals(d) && failed != null && failed.getFeaturesSeq() == maxSeq(reads, fd)) {
                skipped.add(fd);
              } else {
                compute.add(fd);
              }
            }
          }
          if (!skipped.isEmpty()) {
            LOG.warn(
                "{}/{}: feature dates {} failed on their data before (see"
                    + " meta.feature_date_failures) and are not computed until it changes",
                ref.dataset(),
                d,
                DateRanges.of(skipped));
          }
          List<LocalDate> labelled =
              compute.stream().filter(fd -> labels.containsKey(fd.plusDays(h))).toList();
          List<LocalDate> relabel = new ArrayList<>();
          for (Map.Entry<LocalDate, FeatureDatesRecord> e : ledger.entrySet()) {
            LocalDate fd = e.getKey();
            if (compute.contains(fd) || !labels.containsKey(fd.plusDays(h))) {
              continue;
            }
            Long seq = e.getValue().getLabelsSeq();
            if (seq == null || seq < maxSeq(labels, fd.plusDays(h))) {
              relabel.add(fd);
            }
          }

          Field<LocalDate> fdField = FeatureSet.featureDate();
          Map<LocalDate, Integer> counts = Map.of();
          List<LocalDate> failed = new ArrayList<>();
          Map<LocalDate, String> errors = new TreeMap<>();
          if (!compute.isEmpty()) {
            FeatureState state = new FeatureState(set, table);
            FeatureStateRecord at =
                tx.selectFrom(FEATURE_STATE)
                    .where(FEATURE_STATE.FEATURE_TABLE.eq(tableName))
                    .fetchOne();
            boolean current = at != null && at.getStageSeq() == maxSeq(staged, at.getStateDate());
            if (current && compute.equals(List.of(d)) && at.getStateDate().equals(d.minusDays(1))) {
              // the daily run: d - 1's state plus what enters and leaves the windows on d
              tx.deleteFrom(table).where(fdField.eq(d)).execute();
              state.advance(tx, d);
              set.insert(tx, state.featureRows(d), labelled).execute();
              saveState(tx, tableName, d, maxSeq(staged, d), ref.runId());
              counts = counts(tx, table, compute);
              recordDates(tx, ref, tableName, compute, counts, labelled, reads, labels, h);
            } else {
              // a state of d or later that is still good stays: the next daily run continues it
              boolean rebuild = !current || at.getStateDate().isBefore(d);
              RangePass pass =
                  new RangePass(
                      ref,
                      inputs,
                      set,
                      table,
                      staged,
                      reads,
                      labels,
                      labelled,
                      rebuild ? state : null);
              counts =
                  pass.run(
                      compute, Math.max(1, Math.min(parallelism, SideBySide.connections(dsl))));
              failed.addAll(pass.failed.keySet());
              errors.putAll(pass.failed);
            }
          }
          if (failed.contains(d)) {
            throw failedOn(ref, failed, errors.get(d));
          }

          long filled = relabel.isEmpty() ? 0 : set.fillLabels(tx, relabel);
          for (LocalDate fd : relabel) {
            tx.update(FEATURE_DATES)
                .set(FEATURE_DATES.LABELS_SEQ, maxSeq(labels, fd.plusDays(h)))
                .where(FEATURE_DATES.FEATURE_TABLE.eq(tableName))
                .and(FEATURE_DATES.FEATURE_DATE.eq(fd))
                .execute();
          }
          set.pointView(tx);
          if (compute.size() > 1 || !relabel.isEmpty()) {
            LOG.info(
                "{}/{}: computed feature dates {} and labels of {} in {}",
                ref.dataset(),
                d,
                DateRanges.of(compute),
                DateRanges.of(relabel),
                tableName);
          }
          long rowsOfD = counts.getOrDefault(d, 0);
          List<String> gaps = gaps(staged, d, set.maxWindowDays());
          if (!gaps.isEmpty()) {
            LOG.warn(
                "{}/{}: features computed without partitions {} (not staged) inside the window",
                ref.dataset(),
                d,
                gaps);
          }
          List<String> missing = new ArrayList<>();
          for (String input : inputs.subList(1, inputs.size())) {
            if (!stagings(tx, List.of(input)).containsKey(d)) {
              missing.add(input + " " + d);
            }
          }
          if (!missing.isEmpty()) {
            LOG.warn(
                "{}/{}: features computed without {} (not staged yet): a later staging of it"
                    + " makes these dates stale, and the next run computes them again",
                ref.dataset(),
                d,
                missing);
          }
          List<String> notComputed = new ArrayList<>();
          for (LocalDate fd : new java.util.TreeSet<>(concat(failed, skipped))) {
            notComputed.add(fd.toString());
          }
          return new FeatureResult(
              rowsOfD,
              labelled.contains(d) ? rowsOfD : 0,
              filled,
              compute.size() - failed.size(),
              gaps,
              notComputed,
              missing);
        });
  }

  /**
   * Planner statistics for the tables a range pass filled, once it committed: after a backfill the
   * next daily run reads them at once (its labels, the split, the training statistics), long before
   * autovacuum would analyse them, and without statistics PostgreSQL plans those reads for a
   * near-empty table. Through the owner's {@code feats.analyze_feature_tables}, since ANALYZE is
   * the owner's; the features are committed by then, so a failure here is only a warning.
   */
  private void analyze(PartitionRef ref, FeatureSet set) {
    String table = set.table(dsl).getName();
    try {
      dsl.execute("SELECT feats.analyze_feature_tables(?)", table);
    } catch (DataAccessException e) {
      LOG.warn(
          "{}/{}: the features are computed, but feats.{} and its state were not analysed ({});"
              + " autovacuum analyses them later, or run ANALYZE on them as the owner",
          ref.dataset(),
          ref.partitionDate(),
          table,
          e.getMessage());
    }
  }

  /**
   * The range pass: the dates to compute, cut into at most {@code parallelism} runs of consecutive
   * dates of about equal work, each deleted, inserted and recorded in the feature-date ledger in a
   * transaction of its own, side by side on connections of their own; the running state of the last
   * date rebuilt beside them. PostgreSQL 15 runs an INSERT ... SELECT on one core, so this is how a
   * backfill at parallelism 2 computes its features on two. A run that fails leaves the others
   * committed and recorded: a retry computes only what is still missing.
   */
  private final class RangePass {
    private final PartitionRef ref;
    private final List<String> inputs;
    private final FeatureSet set;
    private final Table<Record> table;
    private final NavigableMap<LocalDate, Long> staged;
    private final NavigableMap<LocalDate, Long> reads;
    private final NavigableMap<LocalDate, Long> labels;
    private final List<LocalDate> labelled;
    private final FeatureState rebuild;

    RangePass(
        PartitionRef ref,
        List<String> inputs,
        FeatureSet set,
        Table<Record> table,
        NavigableMap<LocalDate, Long> staged,
        NavigableMap<LocalDate, Long> reads,
        NavigableMap<LocalDate, Long> labels,
        List<LocalDate> labelled,
        FeatureState rebuild) {
      this.ref = ref;
      this.inputs = inputs;
      this.set = set;
      this.table = table;
      this.staged = staged;
      this.reads = reads;
      this.labels = labels;
      this.labelled = labelled;
      this.rebuild = rebuild;
    }

    Map<LocalDate, Integer> run(List<LocalDate> compute, int parallelism) {
      List<List<LocalDate>> runs =
          DateChunks.split(
              compute,
              DateChunks.rangeStatement(compute, stagedRows(inputs.get(0)), set.maxWindowDays()),
              parallelism);
      List<Callable<Map<LocalDate, Integer>>> tasks = new ArrayList<>();
      for (List<LocalDate> dates : runs) {
        tasks.add(() -> compute(dates));
      }
      LocalDate d = Failures.date(ref);
      if (rebuild != null) {
        tasks.add(
            () -> {
              dsl.transaction(
                  trx -> {
                    noJit(trx.dsl());
                    rebuild.rebuild(trx.dsl(), d);
                    saveState(
                        trx.dsl(),
                        table.getQualifiedName().toString(),
                        d,
                        maxSeq(staged, d),
                        ref.runId());
                  });
              return Map.of();
            });
      }
      Map<LocalDate, Integer> counts = new TreeMap<>();
      for (Map<LocalDate, Integer> c :
          SideBySide.run("sluice-features-" + ref.dataset(), tasks, parallelism)) {
        counts.putAll(c);
      }
      if (runs.size() > 1) {
        LOG.info(
            "{}/{}: feature dates computed in {} runs side by side: {}",
            ref.dataset(),
            d,
            runs.size(),
            runs.stream().map(DateRanges::of).toList());
      }
      return counts;
    }

    /** Dates that failed on their data in this pass, with the error. */
    final Map<LocalDate, String> failed = new java.util.concurrent.ConcurrentSkipListMap<>();

    private Map<LocalDate, Integer> compute(List<LocalDate> dates) {
      try {
        return computeIn(dates);
      } catch (RuntimeException e) {
        if (FailureBounds.deterministicSqlState(e) != null) {
          return isolate(dates, e);
        }
        // the activity's failure names the partition; which run of dates failed is said here
        LOG.warn(
            "{}/{}: feature dates {} failed (run {}); the runs that committed stay recorded: {}",
            ref.dataset(),
            ref.partitionDate(),
            DateRanges.of(dates),
            ref.runId(),
            e.getMessage());
        throw e;
      }
    }

    /**
     * A run of dates failed on its data: each date alone, so the dates that can be computed are,
     * and each one that cannot is recorded with its error.
     */
    private Map<LocalDate, Integer> isolate(List<LocalDate> dates, RuntimeException e) {
      Map<LocalDate, Integer> counts = new TreeMap<>();
      if (dates.size() == 1) {
        recordFailure(ref, inputs, table.getQualifiedName().toString(), dates.get(0), e);
        failed.put(dates.get(0), FailureBounds.databaseError(e));
        return counts;
      }
      for (LocalDate fd : dates) {
        try {
          counts.putAll(computeIn(List.of(fd)));
        } catch (RuntimeException one) {
          if (FailureBounds.deterministicSqlState(one) == null) {
            throw one;
          }
          recordFailure(ref, inputs, table.getQualifiedName().toString(), fd, one);
          failed.put(fd, FailureBounds.databaseError(one));
        }
      }
      return counts;
    }

    private Map<LocalDate, Integer> computeIn(List<LocalDate> dates) {
      return dsl.transactionResult(
          trx -> {
            DSLContext tx = trx.dsl();
            noJit(tx);
            Set<LocalDate> these = new HashSet<>(dates);
            List<LocalDate> labels = labelled.stream().filter(these::contains).toList();
            tx.deleteFrom(table).where(FeatureSet.featureDate().in(dates)).execute();
            set.insert(tx, dates, labels).execute();
            Map<LocalDate, Integer> counts = counts(tx, table, dates);
            recordDates(
                tx,
                ref,
                table.getQualifiedName().toString(),
                dates,
                counts,
                labels,
                reads,
                this.labels,
                set.horizonDays());
            return counts;
          });
    }
  }

  /**
   * Records that {@code fd} failed on the data it reads now (in a transaction of its own: the one
   * that failed is gone); a later staging of one of its partitions makes it worth trying again.
   */
  private void recordFailure(
      PartitionRef ref, List<String> inputs, String tableName, LocalDate fd, Throwable e) {
    long seq = maxSeq(stagings(dsl, inputs), fd);
    String error = FailureBounds.databaseError(e);
    dsl.insertInto(FEATURE_DATE_FAILURES)
        .set(FEATURE_DATE_FAILURES.DATASET, ref.dataset())
        .set(FEATURE_DATE_FAILURES.FEATURE_TABLE, tableName)
        .set(FEATURE_DATE_FAILURES.FEATURE_DATE, fd)
        .set(FEATURE_DATE_FAILURES.FEATURES_SEQ, seq)
        .set(FEATURE_DATE_FAILURES.RUN_ID, ref.runId())
        .set(FEATURE_DATE_FAILURES.ERROR, error)
        .onConflict(FEATURE_DATE_FAILURES.FEATURE_TABLE, FEATURE_DATE_FAILURES.FEATURE_DATE)
        .doUpdate()
        .set(FEATURE_DATE_FAILURES.FEATURES_SEQ, seq)
        .set(FEATURE_DATE_FAILURES.RUN_ID, ref.runId())
        .set(FEATURE_DATE_FAILURES.ERROR, error)
        .set(FEATURE_DATE_FAILURES.FAILED_AT, DSL.currentOffsetDateTime())
        .execute();
    LOG.warn(
        "{}/{}: feature date {} failed on its data (run {}): {}",
        ref.dataset(),
        ref.partitionDate(),
        fd,
        ref.runId(),
        error);
  }

  /** The non-retryable failure of a run whose own date could not be computed from its data. */
  private static ApplicationFailure failedOn(
      PartitionRef ref, List<LocalDate> dates, String error) {
    return Failures.of(
        FailureTypes.DATA_ERROR,
        String.format(
            "features of %s/%s failed on the data of feature date(s) %s (run %s): %s. They are"
                + " recorded in meta.feature_date_failures: later runs compute later dates"
                + " without them, and try them again once one of their partitions is staged"
                + " again. Fix the data (re-ingest the partition) or the feature config, then"
                + " rerun this date.",
            ref.dataset(),
            ref.partitionDate(),
            DateRanges.of(dates),
            ref.runId(),
            FailureBounds.cut(error)));
  }

  private static List<LocalDate> concat(List<LocalDate> a, List<LocalDate> b) {
    List<LocalDate> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private Map<LocalDate, Long> stagedRows(String dataset) {
    return dsl.select(STAGE_RECONCILIATION.PARTITION_DATE, STAGE_RECONCILIATION.STAGED_ROWS)
        .from(STAGE_RECONCILIATION)
        .where(STAGE_RECONCILIATION.DATASET.eq(dataset))
        .fetchMap(STAGE_RECONCILIATION.PARTITION_DATE, STAGE_RECONCILIATION.STAGED_ROWS);
  }

  /** Rows of the feature table per date of {@code dates}. */
  private static Map<LocalDate, Integer> counts(
      DSLContext tx, Table<Record> table, List<LocalDate> dates) {
    Field<LocalDate> fd = FeatureSet.featureDate();
    return tx.select(fd, DSL.count())
        .from(table)
        .where(fd.in(dates))
        .groupBy(fd)
        .fetchMap(fd, DSL.count());
  }

  /** The feature-date ledger rows of {@code dates}: what each was computed from, and when. */
  private static void recordDates(
      DSLContext tx,
      PartitionRef ref,
      String tableName,
      List<LocalDate> dates,
      Map<LocalDate, Integer> counts,
      List<LocalDate> labelled,
      NavigableMap<LocalDate, Long> reads,
      NavigableMap<LocalDate, Long> labels,
      int h) {
    Set<LocalDate> known = new HashSet<>(labelled);
    for (LocalDate fd : dates) {
      FeatureDatesRecord row = tx.newRecord(FEATURE_DATES);
      row.setDataset(ref.dataset());
      row.setFeatureTable(tableName);
      row.setFeatureDate(fd);
      row.setFeatureRows((long) counts.getOrDefault(fd, 0));
      row.setFeaturesSeq(maxSeq(reads, fd));
      row.setLabelsSeq(known.contains(fd) ? maxSeq(labels, fd.plusDays(h)) : null);
      row.setRunId(ref.runId());
      tx.insertInto(FEATURE_DATES)
          .set(row)
          .onConflict(FEATURE_DATES.FEATURE_TABLE, FEATURE_DATES.FEATURE_DATE)
          .doUpdate()
          .set(row)
          .set(FEATURE_DATES.COMPUTED_AT, DSL.currentOffsetDateTime())
          .execute();
    }
  }

  /** Serializes the feature runs of a dataset (held to the end of the transaction). */
  private static void lock(DSLContext tx, String dataset) {
    tx.select(
            DSL.function(
                "pg_advisory_xact_lock",
                Object.class,
                DSL.val(("features/" + dataset).hashCode() * 31L)))
        .fetch();
  }

  /**
   * These statements are big trees over modest row counts; compiling them with LLVM costs seconds
   * and saves little (docs/adr/0012-no-postgresql-jit-for-features.md).
   */
  private static void noJit(DSLContext tx) {
    tx.execute("SET LOCAL jit = off");
  }

  /**
   * Partitions in [d - window, d) after the dataset's first staged partition that are not staged:
   * the features of d read the window, so they lack those days' orders.
   */
  static List<String> gaps(NavigableMap<LocalDate, Long> staged, LocalDate d, int window) {
    List<String> gaps = new ArrayList<>();
    if (staged.isEmpty()) {
      return gaps;
    }
    LocalDate from = d.minusDays(window);
    if (from.isBefore(staged.firstKey())) {
      from = staged.firstKey();
    }
    for (LocalDate p = from; p.isBefore(d); p = p.plusDays(1)) {
      if (!staged.containsKey(p)) {
        gaps.add(p.toString());
      }
    }
    return gaps;
  }

  /** Records that the feature table's running state is that of {@code date}. */
  private static void saveState(
      DSLContext tx, String table, LocalDate date, long stageSeq, String runId) {
    FeatureStateRecord next = tx.newRecord(FEATURE_STATE);
    next.setFeatureTable(table);
    next.setStateDate(date);
    next.setStageSeq(stageSeq);
    next.setRunId(runId);
    tx.insertInto(FEATURE_STATE)
        .set(next)
        .onConflict(FEATURE_STATE.FEATURE_TABLE)
        .doUpdate()
        .set(next)
        .set(FEATURE_STATE.COMPUTED_AT, DSL.currentOffsetDateTime())
        .execute();
  }

  /** Every staged partition of the dataset with its latest stage_seq. */
  private static NavigableMap<LocalDate, Long> stagings(DSLContext tx, String dataset) {
    return stagings(tx, List.of(dataset));
  }

  private static NavigableMap<LocalDate, Long> stagings(DSLContext tx, List<String> datasets) {
    return FeatureDatePlan.stagings(tx, datasets);
  }

  private static long maxSeq(NavigableMap<LocalDate, Long> staged, LocalDate date) {
    return FeatureDatePlan.maxSeq(staged, date);
  }
}
