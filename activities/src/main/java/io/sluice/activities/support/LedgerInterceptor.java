package io.sluice.activities.support;

import static io.sluice.db.jooq.meta.Tables.PARTITION_LEDGER;
import static io.sluice.db.jooq.meta.Tables.PARTITION_VERSIONS;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.features.FeatureSet;
import io.sluice.db.jooq.meta.tables.records.PartitionLedgerRecord;
import io.sluice.workflows.Stage;
import io.sluice.workflows.activity.ActivityNames;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the partition ledger ({@code meta.partition_ledger}) around every pipeline activity: the
 * stage is {@code running} when an attempt starts, {@code done} with its counts and the hashes of
 * what produced it when it returns, {@code failed} with the error when it throws. Registered on
 * every worker, so the ledger does not depend on each activity remembering to write it.
 */
public final class LedgerInterceptor extends WorkerInterceptorBase {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerInterceptor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public LedgerInterceptor(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  /**
   * Worker factory options with the ledger written around every activity, and heartbeats ticking
   * for the activities that do not send their own ({@link HeartbeatTicker}).
   */
  public static WorkerFactoryOptions factoryOptions(DSLContext dsl, SluiceSettings settings) {
    return WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(new LedgerInterceptor(dsl, settings), new HeartbeatTicker())
        .build();
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ContextInterceptor(next) {
      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivityInfo info = context.getInfo();
        int index = ActivityNames.STAGES.indexOf(info.getActivityType());
        Object[] args = input.getArguments();
        // the partition is the first argument (the features step also takes its parallelism)
        if (index < 0 || args.length == 0 || !(args[0] instanceof PartitionRef ref)) {
          return bounded(input);
        }
        LocalDate date;
        try {
          date = LocalDate.parse(ref.partitionDate());
        } catch (RuntimeException e) {
          return bounded(input); // the activity refuses the date itself, with its message
        }
        Stage stage = Stage.values()[index];
        start(ref, date, stage, info);
        ActivityOutput out;
        try {
          out = bounded(input);
        } catch (RuntimeException | Error e) {
          try {
            finish(ref, date, stage, "failed", null, message(e));
          } catch (RuntimeException ledger) {
            e.addSuppressed(ledger);
          }
          throw e;
        }
        finish(ref, date, stage, "done", out.getResult(), null);
        return out;
      }

      /** The activity, its failure bounded and typed ({@link FailureBounds}). */
      private ActivityOutput bounded(ActivityInput input) {
        try {
          return super.execute(input);
        } catch (RuntimeException e) {
          throw FailureBounds.bound(e);
        }
      }
    };
  }

  private void start(PartitionRef ref, LocalDate date, Stage stage, ActivityInfo info) {
    PartitionLedgerRecord row = dsl.newRecord(PARTITION_LEDGER);
    row.setDataset(ref.dataset());
    row.setPartitionDate(date);
    row.setStage(stage.label());
    row.setStatus("running");
    row.setWorkflowId(info.getWorkflowId());
    row.setRunId(info.getRunId());
    row.setAttempt(info.getAttempt());
    row.setCodeVersion(settings.codeVersion());
    row.setCounts(JSONB.valueOf("{}"));
    row.setStartedAt(OffsetDateTime.now());
    row.setError(null);
    row.setFinishedAt(null);
    upsert(dsl, row);
  }

  /** Writes the row of its (dataset, partition, stage), replacing what was there. */
  public static void upsert(DSLContext dsl, PartitionLedgerRecord row) {
    row.changed(true);
    dsl.insertInto(PARTITION_LEDGER)
        .set(row)
        .onConflict(
            PARTITION_LEDGER.DATASET, PARTITION_LEDGER.PARTITION_DATE, PARTITION_LEDGER.STAGE)
        .doUpdate()
        .set(row)
        .execute();
  }

  private void finish(
      PartitionRef ref, LocalDate date, Stage stage, String status, Object result, String error) {
    String configHash = null;
    String sqlHash = null;
    try {
      LoadedConfig config = settings.config(ref.dataset());
      configHash = config.hash();
      if (stage.ordinal() >= Stage.FEATURES.ordinal() && config.hasFeatures()) {
        sqlHash = new FeatureSet(config).sqlHash(dsl);
      }
    } catch (RuntimeException e) {
      LOG.debug("no config hash for the ledger of {}/{}: {}", ref.dataset(), date, e.getMessage());
    }
    String input =
        dsl.select(PARTITION_VERSIONS.CONTENT_SHA256)
            .from(PARTITION_VERSIONS)
            .where(PARTITION_VERSIONS.DATASET.eq(ref.dataset()))
            .and(PARTITION_VERSIONS.PARTITION_DATE.eq(date))
            .orderBy(PARTITION_VERSIONS.VERSION.desc())
            .limit(1)
            .fetchOne(PARTITION_VERSIONS.CONTENT_SHA256);
    dsl.update(PARTITION_LEDGER)
        .set(PARTITION_LEDGER.STATUS, status)
        .set(PARTITION_LEDGER.COUNTS, JSONB.valueOf(counts(result)))
        .set(PARTITION_LEDGER.ERROR, error)
        .set(PARTITION_LEDGER.INPUT_CHECKSUM, input)
        .set(PARTITION_LEDGER.CONFIG_HASH, configHash)
        .set(PARTITION_LEDGER.SQL_HASH, sqlHash)
        .set(PARTITION_LEDGER.FINISHED_AT, OffsetDateTime.now())
        .where(PARTITION_LEDGER.DATASET.eq(ref.dataset()))
        .and(PARTITION_LEDGER.PARTITION_DATE.eq(date))
        .and(PARTITION_LEDGER.STAGE.eq(stage.label()))
        .execute();
  }

  /** The numbers of an activity's result record, as a JSON object. */
  private static String counts(Object result) {
    if (result == null) {
      return "{}";
    }
    Map<String, Object> numbers = new LinkedHashMap<>();
    JSON.convertValue(result, Map.class)
        .forEach(
            (k, v) -> {
              if (v instanceof Number) {
                numbers.put(String.valueOf(k), v);
              }
            });
    try {
      return JSON.writeValueAsString(numbers);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "{}";
    }
  }

  private static String message(Throwable e) {
    if (e instanceof ApplicationFailure a) {
      return a.getType() + ": " + FailureBounds.cut(a.getOriginalMessage());
    }
    return e.getClass().getSimpleName() + ": " + FailureBounds.cut(e.getMessage());
  }
}
