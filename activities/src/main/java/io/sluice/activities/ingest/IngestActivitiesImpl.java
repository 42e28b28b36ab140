package io.sluice.activities.ingest;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.PARTITION_VERSIONS;
import static io.sluice.db.jooq.raw.Tables.ORDERS;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Hashing;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Ingest: every file of the partition directory goes into raw.orders with COPY, in one transaction.
 * Bytes already ingested are skipped; a different set of files is a new version.
 */
@Singleton
public final class IngestActivitiesImpl implements IngestActivities {

  private final DSLContext dsl;
  private final SluiceSettings settings;
  private final RawCsvLoader loader = new RawCsvLoader(PipelineConfigLoader.ORDERS_COLUMNS);
  private final String copySql;

  public IngestActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
    this.copySql = copySql(dsl);
  }

  /** COPY cannot be said in jOOQ; its table and column names still come from the generated code. */
  private static String copySql(DSLContext dsl) {
    List<Field<?>> cols = new ArrayList<>(List.of(ORDERS.FILE_ID, ORDERS.LINE_NO));
    for (String c : PipelineConfigLoader.ORDERS_COLUMNS) {
      cols.add(ORDERS.field(c));
    }
    cols.add(ORDERS.EXTRA);
    String names =
        cols.stream().map(f -> dsl.render(DSL.name(f.getName()))).collect(Collectors.joining(", "));
    return "COPY " + dsl.render(ORDERS) + " (" + names + ") FROM STDIN (FORMAT csv)";
  }

  @Override
  public IngestResult ingest(PartitionRef ref) {
    LocalDate date = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    List<SourceFile> files = sourceFiles(ref, config, date);
    ActivityExecutionContext activity = Activity.getExecutionContext();
    try {
      return dsl.transactionResult(
          trx -> {
            DSLContext tx = trx.dsl();
            PartitionStore.lock(tx, ref.dataset(), date);
            long loaded = 0;
            int fresh = 0;
            List<Long> ids = new ArrayList<>();
            for (SourceFile f : files) {
              Optional<Long> known =
                  tx.select(INGESTED_FILES.FILE_ID)
                      .from(INGESTED_FILES)
                      .where(INGESTED_FILES.DATASET.eq(ref.dataset()))
                      .and(INGESTED_FILES.PARTITION_DATE.eq(date))
                      .and(INGESTED_FILES.SHA256.eq(f.sha256()))
                      .fetchOptional(INGESTED_FILES.FILE_ID);
              if (known.isPresent()) {
                ids.add(known.get());
                continue;
              }
              long id = insertFile(tx, ref, date, f);
              long rows =
                  tx.connectionResult(
                      c ->
                          loader.load(
                              c,
                              copySql,
                              id,
                              f.path(),
                              n -> activity.heartbeat(new IngestProgress(f.name(), n))));
              tx.update(INGESTED_FILES)
                  .set(INGESTED_FILES.ROW_COUNT, Math.toIntExact(rows))
                  .where(INGESTED_FILES.FILE_ID.eq(id))
                  .execute();
              ids.add(id);
              loaded += rows;
              fresh++;
            }
            int version = recordVersion(tx, ref, date, files, ids);
            long rawRows =
                tx
                    .select(INGESTED_FILES.ROW_COUNT)
                    .from(INGESTED_FILES)
                    .where(INGESTED_FILES.FILE_ID.in(ids))
                    .fetch(INGESTED_FILES.ROW_COUNT)
                    .stream()
                    .mapToLong(Integer::longValue)
                    .sum();
            return new IngestResult(version, files.size(), fresh, loaded, rawRows);
          });
    } catch (CsvFileProblem e) {
      throw Failures.of(
          FailureTypes.BAD_INPUT,
          "ingest of "
              + ref.dataset()
              + "/"
              + date
              + " refused "
              + e.getMessage()
              + "; nothing of this partition was loaded. Fix or replace the file and re-run.",
          e);
    }
  }

  /** Progress detail recorded with each heartbeat: the file and how many rows are in. */
  public record IngestProgress(String file, long rows) {}

  private static long insertFile(DSLContext tx, PartitionRef ref, LocalDate date, SourceFile f) {
    List<String> header = RawCsvLoader.readHeader(f.path());
    return tx.insertInto(INGESTED_FILES)
        .set(INGESTED_FILES.DATASET, ref.dataset())
        .set(INGESTED_FILES.PARTITION_DATE, date)
        .set(INGESTED_FILES.FILE_NAME, f.name())
        .set(INGESTED_FILES.SHA256, f.sha256())
        .set(INGESTED_FILES.SIZE_BYTES, f.size())
        .set(INGESTED_FILES.ROW_COUNT, 0)
        .set(INGESTED_FILES.HEADER, header.toArray(String[]::new))
        .set(INGESTED_FILES.RUN_ID, ref.runId())
        .returning(INGESTED_FILES.FILE_ID)
        .fetchOne(INGESTED_FILES.FILE_ID);
  }

  /** The partition's content is its set of file hashes; a new set is a new version. */
  private static int recordVersion(
      DSLContext tx, PartitionRef ref, LocalDate date, List<SourceFile> files, List<Long> ids) {
    String content =
        Hashing.sha256Hex(
            files.stream().map(SourceFile::sha256).sorted().collect(Collectors.joining(",")));
    Optional<PartitionVersionsRecord> latest =
        PartitionStore.latestVersion(tx, ref.dataset(), date);
    if (latest.isPresent() && latest.get().getContentSha256().equals(content)) {
      return latest.get().getVersion();
    }
    int version = latest.map(v -> v.getVersion() + 1).orElse(1);
    tx.insertInto(PARTITION_VERSIONS)
        .set(PARTITION_VERSIONS.DATASET, ref.dataset())
        .set(PARTITION_VERSIONS.PARTITION_DATE, date)
        .set(PARTITION_VERSIONS.VERSION, version)
        .set(PARTITION_VERSIONS.FILE_IDS, ids.stream().distinct().toArray(Long[]::new))
        .set(PARTITION_VERSIONS.CONTENT_SHA256, content)
        .set(PARTITION_VERSIONS.RUN_ID, ref.runId())
        .execute();
    return version;
  }

  private List<SourceFile> sourceFiles(PartitionRef ref, LoadedConfig config, LocalDate date) {
    Path dir;
    try {
      dir = settings.sourceDir(config, date);
    } catch (IllegalArgumentException e) {
      throw Failures.of(
          FailureTypes.BAD_CONFIG, config.file() + ": source.path: " + e.getMessage());
    }
    String where = ref.dataset() + "/" + date;
    if (!Files.isDirectory(dir)) {
      throw Failures.of(
          FailureTypes.SOURCE_MISSING,
          "partition "
              + where
              + ": directory "
              + dir
              + " does not exist; put the day's files there"
              + " (source.path in "
              + config.file().getFileName()
              + ")");
    }
    String glob = Optional.ofNullable(config.config().source().files()).orElse("*.csv");
    List<SourceFile> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
      for (Path p : stream) {
        if (Files.isRegularFile(p)) {
          files.add(
              new SourceFile(p.getFileName().toString(), p, Hashing.sha256Hex(p), Files.size(p)));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("cannot list or read " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw Failures.of(
          FailureTypes.SOURCE_MISSING,
          "partition " + where + ": no files matching " + glob + " in " + dir);
    }
    files.sort(Comparator.comparing(SourceFile::name));
    return files;
  }

  private record SourceFile(String name, Path path, String sha256, long size) {}
}
