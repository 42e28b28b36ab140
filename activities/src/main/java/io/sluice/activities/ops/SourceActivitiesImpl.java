package io.sluice.activities.ops;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.PARTITION_LEDGER;
import static io.sluice.db.jooq.meta.Tables.PARTITION_VERSIONS;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.source.Pulls;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Hashing;
import io.sluice.activities.support.LedgerInterceptor;
import io.sluice.activities.support.PartitionFiles;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.db.jooq.meta.tables.records.IngestedFilesRecord;
import io.sluice.db.jooq.meta.tables.records.PartitionLedgerRecord;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.workflows.Stage;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.SourceActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The data sensor's two steps: look for the partition's files; record that they are late. */
@Singleton
public final class SourceActivitiesImpl implements SourceActivities {

  private static final Logger LOG = LoggerFactory.getLogger(SourceActivitiesImpl.class);

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
    if (config.pulled()) {
      // asked of the source cheaply at each probe; the ingest that follows pulls the day
      boolean present = Pulls.present(settings, config, date);
      return new SourceProbe(
          present, present ? 1 : 0, 0, settings.sourceDir(config, date).toString());
    }
    PartitionFiles files = PartitionFiles.of(settings, config, date);
    return new SourceProbe(
        files.present(), files.files().size(), files.bytes(), files.directory().toString());
  }

  @Override
  public List<String> changedPartitions(PartitionRef ref) {
    LocalDate d = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    List<String> changed = new ArrayList<>();
    for (int back = config.lateDays(); back >= 1; back--) {
      LocalDate p = d.minusDays(back);
      PartitionVersionsRecord latest =
          dsl.selectFrom(PARTITION_VERSIONS)
              .where(PARTITION_VERSIONS.DATASET.eq(ref.dataset()))
              .and(PARTITION_VERSIONS.PARTITION_DATE.eq(p))
              .orderBy(PARTITION_VERSIONS.VERSION.desc())
              .limit(1)
              .fetchOne();
      if (latest != null && config.pulled()) {
        // the source's data of that day now: pulled again, the extract changes when it changed
        Pulls.refresh(settings, config, p);
      }
      if (latest != null
          && differs(
              latest, PartitionFiles.of(settings, config, p), config.changeDetectionByContent())) {
        changed.add(p.toString());
      }
    }
    if (!changed.isEmpty()) {
      LOG.info(
          "{}/{}: files of earlier partitions changed since they were ingested: {}",
          ref.dataset(),
          d,
          changed);
    }
    return changed;
  }

  /**
   * Whether the files on disk are not those of the partition's latest version: another set of
   * names, another size, or other bytes. By metadata, only a file modified since that version is
   * hashed (a rewrite that keeps size and modification time goes unseen); by content, every file is
   * (docs/hostile-input.md, "Late and corrected files").
   */
  private boolean differs(PartitionVersionsRecord version, PartitionFiles now, boolean byContent) {
    Map<String, IngestedFilesRecord> ingested =
        dsl.selectFrom(INGESTED_FILES)
            .where(INGESTED_FILES.FILE_ID.in(version.getFileIds()))
            .fetchMap(INGESTED_FILES.FILE_NAME);
    if (ingested.size() != now.files().size()) {
      return true;
    }
    try {
      for (PartitionFiles.Listed f : now.files()) {
        IngestedFilesRecord was = ingested.get(f.name());
        if (was == null || was.getSizeBytes() != Files.size(f.path())) {
          return true;
        }
        Instant modified = Files.getLastModifiedTime(f.path()).toInstant();
        if ((byContent || !modified.isBefore(version.getCreatedAt().toInstant()))
            && !Hashing.sha256Hex(f.path()).equals(was.getSha256().trim())) {
          return true;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + now.directory() + ": " + e.getMessage(), e);
    }
    return false;
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
