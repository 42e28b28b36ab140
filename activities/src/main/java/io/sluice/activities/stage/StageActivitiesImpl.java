package io.sluice.activities.stage;

import static io.sluice.db.jooq.meta.Sequences.STAGE_SEQ;
import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.STAGE_RECONCILIATION;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.support.Copies;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidationReport.Quarantine;
import io.sluice.activities.validate.ValidationReport.ReasonCount;
import io.sluice.activities.validate.ValidationReports;
import io.sluice.db.jooq.meta.tables.records.IngestedFilesRecord;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.db.jooq.meta.tables.records.StageReconciliationRecord;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Name;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage: the partition's staged versions and quarantined rows are replaced as a whole in one
 * transaction, then the counts are checked to reconcile with the raw rows. Once committed, the
 * quarantine (rows per reason) is added to the run's validation report.
 */
@Singleton
public final class StageActivitiesImpl implements StageActivities {

  private static final Logger LOG = LoggerFactory.getLogger(StageActivitiesImpl.class);

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public StageActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public StageResult stage(PartitionRef ref) {
    LocalDate date = Failures.date(ref);
    LoadedConfig config = Failures.configAndTables(settings, dsl, ref.dataset());
    Staged staged = replace(ref, date, config);
    report(ref, date, staged);
    return staged.result();
  }

  /** The committed counts, and the quarantined rows per reason as the same transaction saw them. */
  private record Staged(StageResult result, List<ReasonCount> reasons, Long repeatedKeys) {}

  private Staged replace(PartitionRef ref, LocalDate date, LoadedConfig config) {
    Candidates judged =
        Candidates.of(config, PartitionStore.requireLatest(dsl, ref.dataset(), date));
    Candidates.Filled filled = judged.ensure(dsl);
    LOG.debug(
        "{}/{}: {} (judged now: {} rows in the worker, {} by the SQL)",
        ref.dataset(),
        date,
        filled.reused() ? "candidates judged before" : "candidates judged now",
        filled.judged(),
        filled.undecided());
    // The staged rows reach the staged table by COPY, from a COPY of them on a second connection:
    // PostgreSQL inserts a COPY's rows a page at a time, an INSERT's one by one, and the second
    // connection sorts the rows while the first quarantines
    // (docs/adr/0027-staged-rows-are-copied-in-sorted-beside-the-quarantine.md)
    String copyOut = sortedCopy(judged, date);
    String copyIn = stagedCopy(judged.schema());
    return dsl.connectionResult(
        reading ->
            dsl.transactionResult(
                trx -> {
                  DSLContext tx = trx.dsl();
                  PartitionStore.lock(tx, ref.dataset(), date);
                  PartitionVersionsRecord version =
                      PartitionStore.requireLatest(tx, ref.dataset(), date);
                  if (version.getVersion() != judged.version()) {
                    // not a final failure type: Temporal retries the activity, which judges the
                    // new version
                    throw new IllegalStateException(
                        String.format(
                            "%s/%s got version %d while version %d was being judged (run %s); the"
                                + " stage is retried with the new version",
                            ref.dataset(),
                            date,
                            version.getVersion(),
                            judged.version(),
                            ref.runId()));
                  }
                  // the second connection sorts the rows to stage while this one quarantines:
                  // in one process, as this transaction's takes the other core; the driver waits
                  // for the sort's first row before it returns the copy, so a thread of its own
                  // starts it
                  DSLContext read = DSL.using(reading, dsl.dialect(), dsl.settings());
                  read.execute("SET max_parallel_workers_per_gather = 0");
                  FutureTask<CopyOut> sorting =
                      new FutureTask<>(
                          () -> reading.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut));
                  Thread starter = new Thread(sorting, "sluice-sort-" + judged.name().last());
                  starter.setDaemon(true);
                  starter.start();
                  try {
                    return stage(tx, ref, date, version, judged, sorting, copyIn);
                  } finally {
                    // on a failure, the rest is read: the connection goes back to the pool
                    Copies.drain(started(sorting), reading);
                    read.execute("RESET max_parallel_workers_per_gather");
                  }
                }));
  }

  /**
   * The judged rows to stage, as a binary COPY out: each value cast to its staged column's type, so
   * that its binary form is the staged table's (the tables' check keeps its columns the declared
   * types); for a versioned dataset, the latest line of each key.
   */
  private String sortedCopy(Candidates judged, LocalDate date) {
    DatasetSchema schema = judged.schema();
    List<SelectField<?>> from = new ArrayList<>();
    for (DatasetSchema.StagedColumn c : schema.stagedColumns()) {
      Field<?> value =
          DatasetSchema.PARTITION_DATE.equals(c.name())
              ? DSL.val(date)
              : DSL.field(judged.name().append(c.name()));
      from.add(DSL.field("cast({0} as " + c.sqlType() + ")", value).as(c.name()));
    }
    var valid = DSL.select(from);
    Select<?> rows;
    if (schema.versioned()) {
      // Within one partition the later line of a key wins: files in name order, lines in
      // file order. A text key is sorted by its bytes (DatasetSchema.sortable).
      List<Field<?>> key =
          schema.primaryKey().stream()
              .<Field<?>>map(k -> schema.sortable(k, judged.typed(k)))
              .toList();
      List<org.jooq.OrderField<?>> order = new ArrayList<>(key);
      order.add(judged.fileName().desc());
      order.add(judged.lineNo().desc());
      rows = valid.distinctOn(key).from(judged.table()).where(judged.valid()).orderBy(order);
    } else {
      rows = valid.from(judged.table()).where(judged.valid());
    }
    return "COPY (" + dsl.renderInlined(rows) + ") TO STDOUT (FORMAT binary)";
  }

  /** The binary COPY into the staged table, its columns in {@link #sortedCopy}'s order. */
  private String stagedCopy(DatasetSchema schema) {
    List<String> into = new ArrayList<>();
    for (DatasetSchema.StagedColumn c : schema.stagedColumns()) {
      into.add(dsl.render(DSL.name(c.name())));
    }
    return "COPY "
        + dsl.render(schema.staged())
        + " ("
        + String.join(", ", into)
        + ") FROM STDIN (FORMAT binary)";
  }

  /**
   * Inside the stage's transaction: the day's quarantined rows, then its staged rows from the copy
   * {@code sorting} starts, the counts reconciled.
   */
  private Staged stage(
      DSLContext tx,
      PartitionRef ref,
      LocalDate date,
      PartitionVersionsRecord version,
      Candidates judged,
      Future<CopyOut> sorting,
      String copyIn)
      throws SQLException, IOException {
    DatasetSchema schema = judged.schema();
    Table<?> candidates = judged.table();
    Table<?> quarantine = schema.quarantine();
    Field<LocalDate> qDate = field(schema.quarantineName(), "partition_date", LocalDate.class);
    Field<LocalDate> sDate = field(schema.stagedName(), "partition_date", LocalDate.class);
    Judged counted = requireSealedCounts(tx, ref, date, version, judged);

    tx.deleteFrom(quarantine).where(qDate.eq(date)).execute();
    tx.deleteFrom(schema.staged()).where(sDate.eq(date)).execute();

    // the rows each statement reports are the day's rows: its old ones were deleted above, and
    // the partition's lock keeps other stages of the day out until this one commits
    long quarantined =
        tx.insertInto(quarantine)
            .columns(
                field(schema.quarantineName(), "file_id", Long.class),
                field(schema.quarantineName(), "line_no", Long.class),
                qDate,
                field(schema.quarantineName(), "reasons", String[].class),
                field(schema.quarantineName(), "record", JSONB.class))
            .select(
                DSL.select(
                        judged.fileId(),
                        judged.lineNo(),
                        DSL.val(date),
                        judged.reasons(),
                        judged.record())
                    .from(candidates)
                    .where(DSL.not(judged.valid())))
            .execute();
    CopyOut sorted;
    try {
      sorted = sorting.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof SQLException q ? q : new SQLException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while the rows to stage were sorted", e);
    }
    long staged = tx.connectionResult(c -> Copies.copyIn(c, copyIn, new PGCopyInputStream(sorted)));

    long raw = counted.rows();
    long validRows = counted.valid();
    long duplicates = validRows - staged;
    if (raw != quarantined + staged + duplicates || quarantined != raw - validRows) {
      throw Failures.of(
          FailureTypes.RECONCILIATION_FAILED,
          String.format(
              "counts do not reconcile for %s/%s (run %s): raw %d != quarantined %d + staged %d"
                  + " + duplicates %d; the transaction was rolled back, nothing changed",
              ref.dataset(), date, ref.runId(), raw, quarantined, staged, duplicates));
    }
    StageReconciliationRecord counts = tx.newRecord(STAGE_RECONCILIATION);
    counts.setDataset(ref.dataset());
    counts.setPartitionDate(date);
    counts.setPartitionVersion(version.getVersion());
    counts.setRawRows(raw);
    counts.setQuarantinedRows(quarantined);
    counts.setStagedRows(staged);
    counts.setDuplicateRows(duplicates);
    counts.setRunId(ref.runId());
    counts.setStagedAt(OffsetDateTime.now(ZoneOffset.UTC));
    tx.insertInto(STAGE_RECONCILIATION)
        .set(counts)
        .onConflict(STAGE_RECONCILIATION.DATASET, STAGE_RECONCILIATION.PARTITION_DATE)
        .doUpdate()
        .set(counts)
        .set(STAGE_RECONCILIATION.STAGE_SEQ, STAGE_SEQ.nextval())
        .execute();
    Long repeated = schema.versioned() ? null : repeatedKeys(tx, judged);
    judged.drop(tx);
    return new Staged(
        new StageResult(raw, quarantined, staged, duplicates), reasons(tx, schema, date), repeated);
  }

  /** The copy {@code sorting} started, once it has; null when it failed to start. */
  private static CopyOut started(FutureTask<CopyOut> sorting) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return sorting.get();
        } catch (InterruptedException e) {
          interrupted = true; // the copy must be read to its end before the connection goes back
        } catch (ExecutionException e) {
          return null;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * An events dataset stages every valid row; rows that share their primary key with another valid
   * row of the partition are counted for the report (an upstream that sends an event twice).
   */
  private static long repeatedKeys(DSLContext tx, Candidates judged) {
    List<Field<?>> key =
        judged.schema().primaryKey().stream().<Field<?>>map(judged::typed).toList();
    Table<?> groups =
        DSL.select(DSL.count().as("n"))
            .from(judged.table())
            .where(judged.valid())
            .groupBy(key)
            .having(DSL.count().gt(1))
            .asTable("g");
    Long n =
        tx.select(DSL.sum(groups.field("n", Integer.class)).cast(Long.class))
            .from(groups)
            .fetchOne(0, Long.class);
    return n == null ? 0 : n;
  }

  private static <T> Field<T> field(Name table, String column, Class<T> type) {
    return DSL.field(table.append(column), type);
  }

  /** Quarantined rows per reason, most frequent first; a row counts under each of its reasons. */
  private static List<ReasonCount> reasons(DSLContext tx, DatasetSchema schema, LocalDate date) {
    Table<?> unnested =
        DSL.unnest(field(schema.quarantineName(), "reasons", String[].class))
            .as("unnested", "reason");
    Field<String> reason = unnested.field("reason", String.class);
    return tx.select(reason, DSL.count())
        .from(schema.quarantine())
        .crossJoin(unnested)
        .where(field(schema.quarantineName(), "partition_date", LocalDate.class).eq(date))
        .groupBy(reason)
        .orderBy(DSL.count().desc(), reason)
        .fetch(r -> new ReasonCount(r.value1(), r.value2()));
  }

  /**
   * Adds the quarantine to the run's validation report. The partition is staged by now: a report
   * that cannot be written is a warning, not a reason to stage it again.
   */
  private void report(PartitionRef ref, LocalDate date, Staged staged) {
    StageResult r = staged.result();
    Quarantine q =
        new Quarantine(
            r.rawRows(),
            r.quarantined(),
            r.staged(),
            r.duplicates(),
            staged.reasons(),
            staged.repeatedKeys());
    try {
      if (!ValidationReports.addQuarantine(settings, ref.dataset(), date, ref.runId(), q)) {
        LOG.debug(
            "{}/{}: run {} has no validation report; the quarantine is in the database only",
            ref.dataset(),
            date,
            ref.runId());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{}/{} was staged, but its quarantine was not added to the report of run {}: {}; the"
              + " counts are in meta.stage_reconciliation and the rows in quarantine.{}",
          ref.dataset(),
          date,
          ref.runId(),
          e.toString(),
          ref.dataset());
    }
  }

  /**
   * Raw holds exactly the rows each file of the version was sealed with. The database lets no role
   * add or remove a sealed file's rows, so a difference means raw was changed behind its back (a
   * superuser, a restored backup): the run stops before staging anything from it.
   */
  /** The partition's judged rows, and how many of them can be staged. */
  private record Judged(long rows, long valid) {}

  private static Judged requireSealedCounts(
      DSLContext tx,
      PartitionRef ref,
      LocalDate date,
      PartitionVersionsRecord version,
      Candidates judged) {
    Map<Long, Integer> inRaw = new java.util.HashMap<>();
    long rows = 0;
    long valid = 0;
    for (var r :
        tx.select(judged.fileId(), DSL.count(), DSL.count().filterWhere(judged.valid()))
            .from(judged.table())
            .groupBy(judged.fileId())
            .fetch()) {
      inRaw.put(r.value1(), r.value2());
      rows += r.value2();
      valid += r.value3();
    }
    List<String> differ = new ArrayList<>();
    for (IngestedFilesRecord f :
        tx.selectFrom(INGESTED_FILES)
            .where(INGESTED_FILES.FILE_ID.in(version.getFileIds()))
            .orderBy(INGESTED_FILES.FILE_NAME)
            .fetch()) {
      long held = inRaw.getOrDefault(f.getFileId(), 0);
      if (!"sealed".equals(f.getState()) || held != f.getRowCount()) {
        differ.add(
            String.format(
                "%s (file %d, %s) was sealed with %d rows, raw holds %d",
                f.getFileName(), f.getFileId(), f.getState(), f.getRowCount(), held));
      }
    }
    if (!differ.isEmpty()) {
      throw Failures.of(
          FailureTypes.RECONCILIATION_FAILED,
          String.format(
              "raw does not hold what the files of %s/%s were sealed with (run %s): %s. Raw was"
                  + " changed outside Sluice's loads; find out how before staging this partition"
                  + " again. Nothing was staged.",
              ref.dataset(), date, ref.runId(), String.join("; ", differ)));
    }
    return new Judged(rows, valid);
  }
}
