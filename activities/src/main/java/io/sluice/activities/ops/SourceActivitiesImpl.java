package io.sluice.activities.ops;

import static io.sluice.db.jooq.meta.Tables.PARTITION_LEDGER;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.LedgerInterceptor;
import io.sluice.activities.support.PartitionFiles;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.db.jooq.meta.tables.records.PartitionLedgerRecord;
import io.sluice.workflows.Stage;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.SourceActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import jakarta.inject.Singleton;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** The data sensor's two steps: look for the partition's files; record that they are late. */
@Singleton
public final class SourceActivitiesImpl implements SourceActivities {

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public SourceActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public SourceProbe probe(PartitionRef ref) {
    LocalDate date = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    PartitionFiles files = PartitionFiles.of(settings, config, date);
    return new SourceProbe(
        files.present(), files.files().size(), files.bytes(), files.directory().toString());
  }

  @Override
  public void recordLate(PartitionRef ref, String message) {
    LocalDate date = Failures.date(ref);
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    PartitionLedgerRecord row = dsl.newRecord(PARTITION_LEDGER);
    row.setDataset(ref.dataset());
    row.setPartitionDate(date);
    row.setStage(Stage.INGEST.label());
    row.setStatus("late");
    row.setWorkflowId(info.getWorkflowId());
    row.setRunId(info.getRunId());
    row.setAttempt(1);
    row.setCodeVersion(settings.codeVersion());
    row.setCounts(JSONB.valueOf("{}"));
    row.setError("SourceLate: " + message);
    row.setStartedAt(OffsetDateTime.now());
    row.setFinishedAt(row.getStartedAt());
    LedgerInterceptor.upsert(dsl, row);
  }
}
