package io.sluice.activities.support;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.PARTITION_VERSIONS;

import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.db.jooq.raw.Routines;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Which files make up a partition now, and which partitions are staged: meta's ingest tables. */
public final class PartitionStore {

  private PartitionStore() {}

  /** Serialises writers of one partition for the rest of the transaction. */
  public static void lock(DSLContext tx, String dataset, LocalDate date) {
    tx.select(DSL.function("pg_advisory_xact_lock", Object.class, DSL.val(lockKey(dataset, date))))
        .fetch();
  }

  /** The same lock for a whole session (an ingest commits in chunks); release it with unlock. */
  public static void lockSession(DSLContext db, String dataset, LocalDate date) {
    db.select(DSL.function("pg_advisory_lock", Object.class, DSL.val(lockKey(dataset, date))))
        .fetch();
  }

  public static void unlockSession(DSLContext db, String dataset, LocalDate date) {
    db.select(DSL.function("pg_advisory_unlock", Object.class, DSL.val(lockKey(dataset, date))))
        .fetch();
  }

  /**
   * The raw day table of the dataset and date ({@code raw.orders_20240105}), made if it is not
   * there yet by the owner function {@code raw.day_table}. Making one locks the dataset's raw table
   * against every reader until it commits, so a backfill makes its days' tables while it plans,
   * before its partitions run side by side (see {@code BackfillActivitiesImpl}); a statement on its
   * own, so the lock ends with it.
   */
  public static String rawDayTable(DSLContext db, String dataset, LocalDate date) {
    try {
      return db.select(Routines.dayTable(dataset, date)).fetchOne(0, String.class);
    } catch (org.jooq.exception.DataAccessException e) {
      if (RAISED.equals(e.sqlState())) {
        throw new io.sluice.activities.config.BadConfigException(
            "dataset '"
                + dataset
                + "' has no raw table: run `sluice migrate` (or start a worker that migrates) with"
                + " pipelines/"
                + dataset
                + ".yaml in its pipelines directory, then rerun",
            e);
      }
      throw e;
    }
  }

  /** The SQLSTATE of an exception the owner functions raise on purpose. */
  private static final String RAISED = "P0001";

  static long lockKey(String dataset, LocalDate date) {
    return ((long) dataset.hashCode() << 32) ^ date.toEpochDay();
  }

  public static Optional<PartitionVersionsRecord> latestVersion(
      DSLContext ctx, String dataset, LocalDate date) {
    return ctx.selectFrom(PARTITION_VERSIONS)
        .where(PARTITION_VERSIONS.DATASET.eq(dataset))
        .and(PARTITION_VERSIONS.PARTITION_DATE.eq(date))
        .orderBy(PARTITION_VERSIONS.VERSION.desc())
        .limit(1)
        .fetchOptional();
  }

  /** The latest version, or an {@link IllegalStateException} telling the user to ingest first. */
  public static PartitionVersionsRecord requireLatest(
      DSLContext ctx, String dataset, LocalDate date) {
    return latestVersion(ctx, dataset, date)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "partition "
                        + dataset
                        + "/"
                        + date
                        + " has not been ingested: run the ingest stage first"));
  }

  /** The raw rows of a partition version: its day's table, its files. */
  public static Condition rawRows(DatasetSchema schema, PartitionVersionsRecord version) {
    return DSL.field(schema.rawName().append(DatasetSchema.PARTITION_DATE), LocalDate.class)
        .eq(version.getPartitionDate())
        .and(
            DSL.field(schema.rawName().append(DatasetSchema.FILE_ID), Long.class)
                .in(version.getFileIds()));
  }

  public static List<String> fileNames(DSLContext ctx, Long[] fileIds) {
    return ctx.select(INGESTED_FILES.FILE_NAME)
        .from(INGESTED_FILES)
        .where(INGESTED_FILES.FILE_ID.in(fileIds))
        .orderBy(INGESTED_FILES.FILE_NAME)
        .fetch(INGESTED_FILES.FILE_NAME);
  }
}
