package io.sluice.activities.stage;

import static io.sluice.activities.stage.OrdersJudgement.JUDGED;
import static io.sluice.db.jooq.meta.Sequences.STAGE_SEQ;
import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.STAGE_RECONCILIATION;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidationReport.Quarantine;
import io.sluice.activities.validate.ValidationReport.ReasonCount;
import io.sluice.activities.validate.ValidationReports;
import io.sluice.db.jooq.meta.tables.records.IngestedFilesRecord;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.db.jooq.meta.tables.records.StageReconciliationRecord;
import io.sluice.db.jooq.quarantine.tables.Orders;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
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

  private static final io.sluice.db.jooq.raw.tables.Orders RAW =
      io.sluice.db.jooq.raw.Tables.ORDERS;
  private static final Orders QUARANTINE = io.sluice.db.jooq.quarantine.Tables.ORDERS;
  private static final io.sluice.db.jooq.stg.tables.Orders STG =
      io.sluice.db.jooq.stg.Tables.ORDERS;

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public StageActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public StageResult stage(PartitionRef ref) {
    LocalDate date = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    Staged staged = replace(ref, date, config);
    report(ref, date, staged);
    return staged.result();
  }

  /** The committed counts, and the quarantined rows per reason as the same transaction saw them. */
  private record Staged(StageResult result, List<ReasonCount> reasons) {}

  private Staged replace(PartitionRef ref, LocalDate date, LoadedConfig config) {
    return dsl.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
          PartitionStore.lock(tx, ref.dataset(), date);
          PartitionVersionsRecord version = PartitionStore.requireLatest(tx, ref.dataset(), date);
          tx.createTemporaryTable(OrdersJudgement.TABLE)
              .as(OrdersJudgement.select(config, PartitionStore.rawRows(version)))
              .onCommitDrop()
              .execute();
          requireSealedCounts(tx, ref, date, version);

          tx.deleteFrom(QUARANTINE).where(QUARANTINE.PARTITION_DATE.eq(date)).execute();
          tx.deleteFrom(STG).where(STG.PARTITION_DATE.eq(date)).execute();

          tx.insertInto(
                  QUARANTINE,
                  QUARANTINE.FILE_ID,
                  QUARANTINE.LINE_NO,
                  QUARANTINE.PARTITION_DATE,
                  QUARANTINE.REASONS,
                  QUARANTINE.RECORD)
              .select(
                  DSL.select(
                          OrdersJudgement.FILE_ID,
                          OrdersJudgement.LINE_NO,
                          DSL.val(date),
                          OrdersJudgement.REASONS,
                          OrdersJudgement.rawRecord())
                      .from(JUDGED)
                      .join(RAW)
                      .on(RAW.PARTITION_DATE.eq(date))
                      .and(RAW.FILE_ID.eq(OrdersJudgement.FILE_ID))
                      .and(RAW.LINE_NO.eq(OrdersJudgement.LINE_NO))
                      .where(DSL.not(OrdersJudgement.valid())))
              .execute();

          // Within one partition the later line wins: files in name order, lines in file order.
          tx.insertInto(
                  STG,
                  STG.ORDER_ID,
                  STG.PARTITION_DATE,
                  STG.FILE_ID,
                  STG.LINE_NO,
                  STG.CUSTOMER_ID,
                  STG.ORDER_TS,
                  STG.AMOUNT,
                  STG.CURRENCY,
                  STG.STATUS,
                  STG.CATEGORY,
                  STG.COUNTRY,
                  STG.CHANNEL,
                  STG.QUANTITY)
              .select(
                  DSL.select(
                          OrdersJudgement.ORDER_ID,
                          DSL.val(date),
                          OrdersJudgement.FILE_ID,
                          OrdersJudgement.LINE_NO,
                          OrdersJudgement.CUSTOMER_ID,
                          OrdersJudgement.ORDER_TS,
                          OrdersJudgement.AMOUNT,
                          OrdersJudgement.CURRENCY,
                          OrdersJudgement.STATUS,
                          OrdersJudgement.CATEGORY,
                          OrdersJudgement.COUNTRY,
                          OrdersJudgement.CHANNEL,
                          OrdersJudgement.QUANTITY)
                      .distinctOn(OrdersJudgement.ORDER_ID)
                      .from(JUDGED)
                      .where(OrdersJudgement.valid())
                      .orderBy(
                          OrdersJudgement.ORDER_ID,
                          OrdersJudgement.FILE_NAME.desc(),
                          OrdersJudgement.LINE_NO.desc()))
              .execute();

          long raw = tx.fetchCount(JUDGED);
          long valid = tx.fetchCount(JUDGED, OrdersJudgement.valid());
          long quarantined = tx.fetchCount(QUARANTINE, QUARANTINE.PARTITION_DATE.eq(date));
          long staged = tx.fetchCount(STG, STG.PARTITION_DATE.eq(date));
          long duplicates = valid - staged;
          if (raw != quarantined + staged + duplicates || quarantined != raw - valid) {
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
          return new Staged(
              new StageResult(raw, quarantined, staged, duplicates), reasons(tx, date));
        });
  }

  /** Quarantined rows per reason, most frequent first; a row counts under each of its reasons. */
  private static List<ReasonCount> reasons(DSLContext tx, LocalDate date) {
    Table<?> unnested = DSL.unnest(QUARANTINE.REASONS).as("unnested", "reason");
    Field<String> reason = unnested.field("reason", String.class);
    return tx.select(reason, DSL.count())
        .from(QUARANTINE)
        .crossJoin(unnested)
        .where(QUARANTINE.PARTITION_DATE.eq(date))
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
        new Quarantine(r.rawRows(), r.quarantined(), r.staged(), r.duplicates(), staged.reasons());
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
              + " counts are in meta.stage_reconciliation and the rows in quarantine.orders",
          ref.dataset(),
          date,
          ref.runId(),
          e.toString());
    }
  }

  /**
   * Raw holds exactly the rows each file of the version was sealed with. The database lets no role
   * add or remove a sealed file's rows, so a difference means raw was changed behind its back (a
   * superuser, a restored backup): the run stops before staging anything from it.
   */
  private static void requireSealedCounts(
      DSLContext tx, PartitionRef ref, LocalDate date, PartitionVersionsRecord version) {
    Map<Long, Integer> inRaw =
        tx.select(OrdersJudgement.FILE_ID, DSL.count())
            .from(JUDGED)
            .groupBy(OrdersJudgement.FILE_ID)
            .fetchMap(OrdersJudgement.FILE_ID, DSL.count());
    List<String> differ = new ArrayList<>();
    for (IngestedFilesRecord f :
        tx.selectFrom(INGESTED_FILES)
            .where(INGESTED_FILES.FILE_ID.in(version.getFileIds()))
            .orderBy(INGESTED_FILES.FILE_NAME)
            .fetch()) {
      long rows = inRaw.getOrDefault(f.getFileId(), 0);
      if (!"sealed".equals(f.getState()) || rows != f.getRowCount()) {
        differ.add(
            String.format(
                "%s (file %d, %s) was sealed with %d rows, raw holds %d",
                f.getFileName(), f.getFileId(), f.getState(), f.getRowCount(), rows));
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
  }
}
