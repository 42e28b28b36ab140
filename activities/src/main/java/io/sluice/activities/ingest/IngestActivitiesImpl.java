package io.sluice.activities.ingest;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.PARTITION_VERSIONS;

import io.sluice.activities.config.FileFormat;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.ingest.FileProblem.Kind;
import io.sluice.activities.source.Pulls;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Hashing;
import io.sluice.activities.support.HeartbeatTicker;
import io.sluice.activities.support.Json;
import io.sluice.activities.support.Outputs;
import io.sluice.activities.support.PartitionFiles;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.support.TemporalRun;
import io.sluice.db.jooq.meta.Routines;
import io.sluice.db.jooq.meta.tables.records.IngestedFilesRecord;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.activity.Activity;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: every file of the partition directory goes into raw.orders with COPY. Each file is loaded
 * in committed chunks; a retry resumes after the last committed line of a file still loading. Bytes
 * already ingested are skipped; a different set of files is a new version. A file that cannot be
 * read is rejected whole: its partial rows are removed and the run fails with a report naming the
 * file, the line and the problem.
 */
@Singleton
public final class IngestActivitiesImpl implements IngestActivities {

  private static final Logger LOG = LoggerFactory.getLogger(IngestActivitiesImpl.class);
  static final int DEFAULT_CHUNK_ROWS = 100_000;

  /**
   * A first attempt loads a file smaller than this in one transaction, hashed by the read that
   * loads it (docs/sources.md, "Loading a file"); a larger file loads in committed chunks, which a
   * retry resumes.
   */
  static final long DEFAULT_AT_ONCE_BYTES = 256L << 20;

  private final DataSource dataSource;
  private final SluiceSettings settings;
  private final int chunkRows;
  private final long atOnceBytes;

  public IngestActivitiesImpl(DataSource dataSource, SluiceSettings settings) {
    this(dataSource, settings, DEFAULT_CHUNK_ROWS, DEFAULT_AT_ONCE_BYTES);
  }

  /**
   * With {@code chunkRows} rows per committed chunk, every file loaded in chunks (tests of resuming
   * use small chunks).
   */
  public IngestActivitiesImpl(DataSource dataSource, SluiceSettings settings, int chunkRows) {
    this(dataSource, settings, chunkRows, 0);
  }

  /**
   * With {@code chunkRows} rows per committed chunk, and files smaller than {@code atOnceBytes}
   * loaded in one transaction on a first attempt.
   */
  public IngestActivitiesImpl(
      DataSource dataSource, SluiceSettings settings, int chunkRows, long atOnceBytes) {
    this.dataSource = dataSource;
    this.settings = settings;
    this.chunkRows = chunkRows;
    this.atOnceBytes = atOnceBytes;
  }

  /**
   * COPY cannot be said in jOOQ; its column names are the dataset's declared ones, quoted by jOOQ.
   * The table is the file's own, named by {@code meta.claim_file}; its partition_date and file_id
   * default to its own, so neither is sent.
   */
  static String copyColumns(DatasetSchema schema) {
    DSLContext dsl = DSL.using(SQLDialect.POSTGRES);
    List<String> cols = new ArrayList<>(List.of(DatasetSchema.LINE_NO));
    cols.addAll(schema.names());
    cols.add("extra");
    cols.add("field_count");
    return cols.stream()
        .map(c -> dsl.render(DSL.name(c)))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  /**
   * Progress detail recorded with each heartbeat: the file, its last line in raw, rows added; while
   * a source is pulled, the rows pulled and where a retry resumes the pull.
   */
  public record IngestProgress(String file, long line, long rows, String resume) {

    IngestProgress(String file, long line, long rows) {
      this(file, line, rows, null);
    }
  }

  @Override
  public IngestResult ingest(PartitionRef ref) {
    LocalDate date = Failures.date(ref);
    LoadedConfig config =
        Failures.configAndTables(
            settings, DSL.using(dataSource, SQLDialect.POSTGRES), ref.dataset());
    Pulls.Pulled pulled = null;
    if (config.pulled()) {
      HeartbeatTicker.Progress pulling =
          new HeartbeatTicker.Progress(Activity.getExecutionContext());
      String resume =
          Activity.getExecutionContext()
              .getHeartbeatDetails(IngestProgress.class)
              .map(IngestProgress::resume)
              .orElse(null);
      String extract = config.extractName() + " (pulling)";
      java.util.function.Consumer<Pulls.Progress> beat =
          p -> pulling.beat(new IngestProgress(extract, 0, p.rows(), p.resume()));
      if (resume == null
          // the first attempt (a test environment counts from 0): a retry loads from the file,
          // in chunks it can resume
          && Activity.getExecutionContext().getInfo().getAttempt() <= 1
          && Pulls.readableWhilePulled(config)
          && !PartitionFiles.of(settings, config, date).present()) {
        WhilePulled streamed = ingestWhilePulling(ref, config, date, beat);
        if (streamed.result() != null) {
          return streamed.result();
        }
        pulled = streamed.pulled();
      } else {
        pulled = Pulls.pull(settings, config, date, resume, beat);
      }
    }
    List<SourceFile> files = sourceFiles(ref, config, date, pulled);
    RawFileLoader loader =
        new RawFileLoader(DeclaredColumns.of(config), config.fileFormat(), chunkRows);
    HeartbeatTicker.Progress heartbeats =
        new HeartbeatTicker.Progress(Activity.getExecutionContext());
    try (Connection c = dataSource.getConnection()) {
      DSLContext db = DSL.using(c, SQLDialect.POSTGRES);
      PartitionStore.lockSession(db, ref.dataset(), date);
      try {
        long loaded = 0;
        int fresh = 0;
        List<Long> ids = new ArrayList<>();
        boolean firstAttempt = Activity.getExecutionContext().getInfo().getAttempt() <= 1;
        for (int k = 0; k < files.size(); k++) {
          SourceFile f = files.get(k);
          if (firstAttempt
              && f.sha256() == null
              && f.size() < atOnceBytes / (compressed(f, config) ? COMPRESSED_FACTOR : 1)
              && !sizeSeen(db, ref, date, f)) {
            AtOnce done = loadAtOnce(c, db, ref, date, f, config, loader, heartbeats);
            if (done != null) {
              files.set(k, f.identified(done.sha256()));
              loaded += done.rows();
              ids.add(done.fileId());
              fresh++;
              continue;
            }
          }
          if (f.sha256() == null) {
            f = f.hashed();
            files.set(k, f);
          }
          IngestedFilesRecord row = known(db, ref, date, f);
          if (row != null && "sealed".equals(row.getState())) {
            ids.add(row.getFileId());
            continue;
          }
          if (row != null && "rejected".equals(row.getState())) {
            throw rejected(ref, date, f, row.getRejection(), null);
          }
          if (row == null) {
            row = register(db, ref, date, f, config, loader);
          }
          loaded +=
              load(
                  c,
                  db,
                  ref,
                  date,
                  f,
                  row,
                  heartbeats,
                  SourceStream.Limits.of(config),
                  config.schema(),
                  loader);
          ids.add(row.getFileId());
          fresh++;
        }
        int version = recordVersion(db, ref, date, files, ids);
        long rawRows =
            db
                .select(INGESTED_FILES.ROW_COUNT)
                .from(INGESTED_FILES)
                .where(INGESTED_FILES.FILE_ID.in(ids))
                .fetch(INGESTED_FILES.ROW_COUNT)
                .stream()
                .mapToLong(Long::longValue)
                .sum();
        return new IngestResult(version, files.size(), fresh, loaded, rawRows);
      } finally {
        PartitionStore.unlockSession(db, ref.dataset(), date);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "database error while ingesting " + ref.dataset() + "/" + date + ": " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the files of " + ref.dataset() + "/" + date + ": " + e.getMessage(), e);
    }
  }

  /** A pulled partition loaded as it was pulled, or (result null) the pull to load as any other. */
  private record WhilePulled(IngestResult result, Pulls.Pulled pulled) {}

  /** A file registered, claimed and loaded while its extract was pulled, not yet committed. */
  private record LoadedWhilePulled(long fileId, RawFileLoader.Loaded loaded) {}

  /**
   * Ingests a partition whose extract is not there yet (its first pull) in one pass: the extract's
   * bytes go into raw as the pull writes them, instead of being written, then read back (docs/adr/
   * 0023-pulled-sources-land-as-files.md). The file is registered before its identity is known, so
   * its registration, rows and seal are one transaction, committed once the pull is whole and its
   * SHA-256 known; a failed attempt leaves nothing in raw. Anything the one pass does not settle (a
   * header the dataset refuses, a bad record, no rows, bytes ingested before) rolls it back and
   * leaves the extract to the load from the file, which then decides and reports as always.
   */
  private WhilePulled ingestWhilePulling(
      PartitionRef ref,
      LoadedConfig config,
      LocalDate date,
      java.util.function.Consumer<Pulls.Progress> progress) {
    RawFileLoader loader =
        new RawFileLoader(DeclaredColumns.of(config), config.fileFormat(), chunkRows);
    String name = config.extractName();
    try (Connection c = dataSource.getConnection()) {
      DSLContext db = DSL.using(c, SQLDialect.POSTGRES);
      PartitionStore.lockSession(db, ref.dataset(), date);
      try {
        // The day's table made and committed first: making it locks the dataset's whole raw table,
        // which the one transaction below would hold for the whole pull. The file's own table is
        // made in it, which locks the day's table (no other load of this day runs meanwhile).
        io.sluice.db.jooq.raw.Routines.dayTable(db.configuration(), ref.dataset(), date);
        c.setAutoCommit(false);
        Pulls.Read<LoadedWhilePulled> read;
        try {
          read =
              Pulls.pullReading(
                  settings,
                  config,
                  date,
                  progress,
                  in -> {
                    try (RecordSource records = loader.openStream(name, in)) {
                      if (headerProblem(name, records.header(), config) != null) {
                        return null; // the load from the file refuses it, with its report
                      }
                      long id =
                          registration(db, ref, date, name, null, null, records.header(), null)
                              .getFileId();
                      String table = Routines.claimFile(db.configuration(), id, ref.runId());
                      return new LoadedWhilePulled(
                          id,
                          loader.loadUncommitted(
                              c,
                              "COPY " + table + " " + copyColumns(config.schema()) + " FROM STDIN",
                              name,
                              records,
                              oneTransaction(db, id, name, null)));
                    }
                  });
        } catch (RuntimeException e) {
          rollback(c, e);
          throw e;
        }
        Pulls.Pulled pulled = read.pulled();
        LoadedWhilePulled load = read.result();
        List<SourceFile> files = sourceFiles(ref, config, date, pulled);
        boolean one =
            load != null
                && load.loaded().rows() > 0
                && files.size() == 1
                && files.get(0).name().equals(name)
                && known(db, ref, date, files.get(0)) == null;
        if (!one) {
          c.rollback();
          if (read.failure() != null) {
            LOG.info(
                "{}/{}: loading the extract as it was pulled stopped ({}); loading it from the file",
                ref.dataset(),
                date,
                read.failure().toString());
          }
          return new WhilePulled(null, pulled);
        }
        SourceFile f = files.get(0);
        Routines.identifyFile(db.configuration(), load.fileId(), f.sha256(), f.size());
        Routines.sealFile(db.configuration(), load.fileId());
        c.commit();
        c.setAutoCommit(true);
        int version = recordVersion(db, ref, date, files, List.of(load.fileId()));
        long rows = load.loaded().rows();
        LOG.info(
            "{}/{}: loaded {} rows of {} as they were pulled (file {})",
            ref.dataset(),
            date,
            rows,
            name,
            load.fileId());
        return new WhilePulled(new IngestResult(version, 1, 1, rows, rows), pulled);
      } finally {
        try {
          if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
          }
        } finally {
          PartitionStore.unlockSession(db, ref.dataset(), date);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "database error while ingesting "
              + ref.dataset()
              + "/"
              + date
              + " as it was pulled: "
              + e.getMessage(),
          e);
    }
  }

  /** Rolls back after {@code failure}; a rollback that fails too is added to it, not thrown. */
  private static void rollback(Connection c, RuntimeException failure) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * For a load in one transaction: the file's progress recorded once, after its last row, and a
   * heartbeat with it as its rows go in ({@code heartbeats} null: the caller heartbeats by itself).
   */
  private static RawFileLoader.ChunkListener oneTransaction(
      DSLContext db, long id, String name, HeartbeatTicker.Progress heartbeats) {
    return new RawFileLoader.ChunkListener() {
      @Override
      public void committing(long lastLine, long rows) {
        Routines.fileProgress(db.configuration(), id, lastLine, rows);
      }

      @Override
      public void committed(long lastLine, long rows) {}

      @Override
      public void written(long lastLine, long rows) {
        if (heartbeats != null) {
          heartbeats.beat(new IngestProgress(name, lastLine, rows));
        }
      }
    };
  }

  /**
   * How many times its size a compressed file (gzip, Parquet) counts against the bound of a load in
   * one transaction: it holds that many more rows than a text file of its size, or more.
   */
  static final int COMPRESSED_FACTOR = 8;

  private static boolean compressed(SourceFile f, LoadedConfig config) {
    return f.name().endsWith(".gz")
        || FileFormat.of(f.name(), config.fileFormat()) == FileFormat.PARQUET;
  }

  /** Whether a file of the day in the ledger has {@code f}'s size (the same bytes would). */
  private static boolean sizeSeen(DSLContext db, PartitionRef ref, LocalDate date, SourceFile f) {
    return db.fetchExists(
        INGESTED_FILES,
        INGESTED_FILES
            .DATASET
            .eq(ref.dataset())
            .and(INGESTED_FILES.PARTITION_DATE.eq(date))
            .and(INGESTED_FILES.SIZE_BYTES.eq(f.size())));
  }

  /** A file loaded, identified and sealed in one transaction. */
  private record AtOnce(long fileId, long rows, String sha256) {}

  /**
   * Loads a file no file of the day has the size of in one transaction, on a first attempt: it is
   * registered before its identity is known and hashed by the read that loads it, instead of read
   * once to hash it and again to load it, then identified and sealed before the commit (V30). A
   * header the dataset refuses, or no records, leave it (null) to the load in chunks, which reports
   * them; a bad record rejects it as that load would, under the same file id.
   */
  private AtOnce loadAtOnce(
      Connection c,
      DSLContext db,
      PartitionRef ref,
      LocalDate date,
      SourceFile f,
      LoadedConfig config,
      RawFileLoader loader,
      HeartbeatTicker.Progress heartbeats)
      throws SQLException, IOException {
    Screened screened = screen(f, config, loader);
    if (screened.rejection() != null) {
      return null;
    }
    SourceStream.Limits limits = SourceStream.Limits.of(config);
    // the day's table made and committed first: making it locks the dataset's whole raw table
    io.sluice.db.jooq.raw.Routines.dayTable(db.configuration(), ref.dataset(), date);
    c.setAutoCommit(false);
    try {
      long id =
          registration(db, ref, date, f.name(), null, null, screened.header(), null).getFileId();
      String table = Routines.claimFile(db.configuration(), id, ref.runId());
      Savepoint claimed = c.setSavepoint();
      RawFileLoader.Loaded loaded;
      try {
        loaded =
            loader.loadUncommitted(
                c,
                "COPY " + table + " " + copyColumns(config.schema()) + " FROM STDIN",
                f.path(),
                limits,
                oneTransaction(db, id, f.name(), heartbeats));
      } catch (FileProblem p) {
        // rejected as the load in chunks rejects it: no rows, the file under its identity, the
        // bytes read (a file that changed meanwhile, perhaps being written, is retried instead)
        c.rollback(claimed);
        try {
          String changed = f.changedSince(null);
          SourceFile hashed = null;
          if (changed == null) {
            hashed = f.hashed();
            changed = f.changedSince(null); // changed while hashed
          }
          if (changed != null) {
            c.rollback();
            throw changedWhileRead(ref, date, f, changed, NOTHING_IN_RAW);
          }
          Routines.identifyFile(db.configuration(), id, hashed.sha256(), hashed.size());
          Routines.discardLoad(db.configuration(), id, p.getMessage());
          c.commit();
          throw rejected(ref, date, hashed, p.getMessage(), p);
        } catch (SQLException | IOException | RuntimeException e) {
          if (e != p && e.getCause() != p) {
            e.addSuppressed(p);
          }
          throw e;
        }
      }
      String changed = f.changedSince(null);
      if (changed != null) {
        c.rollback();
        throw changedWhileRead(ref, date, f, changed, NOTHING_IN_RAW);
      }
      Routines.identifyFile(db.configuration(), id, loaded.sha256(), f.size());
      Routines.sealFile(db.configuration(), id);
      c.commit();
      LOG.info(
          "{}/{}: loaded {} rows of {} in one transaction (file {})",
          ref.dataset(),
          date,
          loaded.rows(),
          f.name(),
          id);
      return new AtOnce(id, loaded.rows(), loaded.sha256());
    } catch (SQLException | IOException | RuntimeException e) {
      if (!c.getAutoCommit()) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static final String NOTHING_IN_RAW = "nothing of it went into raw";

  /** A retryable failure: {@code f} changed while it was read ({@code raw}: what became of it). */
  private static IllegalStateException changedWhileRead(
      PartitionRef ref, LocalDate date, SourceFile f, String changed, String raw) {
    return new IllegalStateException(
        String.format(
            "%s/%s: %s changed while it was read (%s); %s and the ingest will be retried. If this"
                + " repeats, the file is still being written: have its producer write to a"
                + " temporary name and rename it into place.",
            ref.dataset(), date, f.name(), changed, raw));
  }

  private static IngestedFilesRecord known(
      DSLContext db, PartitionRef ref, LocalDate date, SourceFile f) {
    return db.selectFrom(INGESTED_FILES)
        .where(INGESTED_FILES.DATASET.eq(ref.dataset()))
        .and(INGESTED_FILES.PARTITION_DATE.eq(date))
        .and(INGESTED_FILES.SHA256.eq(f.sha256()))
        .fetchOne();
  }

  /** A file's header, and why the dataset refuses it (null when it does not). */
  private record Screened(List<String> header, String rejection) {}

  /**
   * Reads {@code f}'s header and checks it against the config: a problem with it, or no records
   * where the dataset does not allow a header-only day.
   */
  private static Screened screen(SourceFile f, LoadedConfig config, RawFileLoader loader) {
    List<String> header = List.of();
    String rejection = null;
    try {
      header = loader.readHeader(f.path(), SourceStream.Limits.of(config));
      rejection = headerProblem(f.name(), header, config);
      if (rejection == null
          && !config.allowHeaderOnly()
          && !loader.hasRecords(f.path(), SourceStream.Limits.of(config))) {
        boolean csv = FileFormat.of(f.name(), config.fileFormat()) == FileFormat.CSV;
        rejection =
            new FileProblem(
                    f.name(),
                    csv ? 2 : 1,
                    Kind.HEADER_ONLY,
                    (csv ? "a header and no rows" : "no records")
                        + " (set source.allow_header_only: true if that is a valid day)",
                    null)
                .getMessage();
      }
    } catch (FileProblem p) {
      rejection = p.getMessage();
    }
    return new Screened(header, rejection);
  }

  /** Checks the header against the config, then records the file as loading (or rejected). */
  private IngestedFilesRecord register(
      DSLContext db,
      PartitionRef ref,
      LocalDate date,
      SourceFile f,
      LoadedConfig config,
      RawFileLoader loader) {
    Screened screened = screen(f, config, loader);
    List<String> header = screened.header();
    String rejection = screened.rejection();
    // a refused file's first line may be anything (a secret file's content): it is not kept
    IngestedFilesRecord row =
        registration(
            db,
            ref,
            date,
            f.name(),
            f.sha256(),
            f.size(),
            rejection == null ? header : List.of(),
            rejection);
    if (rejection != null) {
      throw rejected(ref, date, f, rejection, null);
    }
    return row;
  }

  /**
   * Records a file in the ledger, empty: loading, or rejected for {@code rejection}; its SHA-256
   * and size may be null only for a load that identifies it in the same transaction (V30).
   */
  private static IngestedFilesRecord registration(
      DSLContext db,
      PartitionRef ref,
      LocalDate date,
      String name,
      String sha256,
      Long size,
      List<String> header,
      String rejection) {
    IngestedFilesRecord row = db.newRecord(INGESTED_FILES);
    row.setDataset(ref.dataset());
    row.setPartitionDate(date);
    row.setFileName(name);
    row.setSha256(sha256);
    row.setSizeBytes(size);
    row.setRowCount(0L);
    row.setLoadedThroughLine(0L);
    row.setHeader(header.toArray(String[]::new));
    row.setRunId(ref.runId());
    row.setState(rejection == null ? "loading" : "rejected");
    row.setRejection(rejection);
    row.store();
    return row;
  }

  /**
   * What is wrong with a file's header for the dataset (empty, a name repeated, a required column
   * missing), or null.
   */
  private static String headerProblem(String name, List<String> header, LoadedConfig config) {
    boolean csv = FileFormat.of(name, config.fileFormat()) == FileFormat.CSV;
    if (header.isEmpty()) {
      return new FileProblem(name, 1, Kind.EMPTY_FILE, "the file is empty", null).getMessage();
    }
    // Messages name columns the config declares and positions, never a value read from the file:
    // a "header" may be any line of any file (a secret file behind a symlink, a headerless file).
    String duplicates = duplicateColumns(header, config.schema().names());
    if (duplicates != null) {
      return new FileProblem(name, 1, Kind.DUPLICATE_HEADER, duplicates, null).getMessage();
    }
    List<String> missing =
        config.schema().requiredColumns().stream().filter(c -> !header.contains(c)).toList();
    if (!missing.isEmpty()) {
      return new FileProblem(
              name,
              1,
              Kind.MISSING_COLUMNS,
              "required column(s) missing from the "
                  + (csv ? "header: " : "file's columns: ")
                  + missing
                  + (csv
                      ? " (the first line has "
                          + header.size()
                          + " field(s); a file without a header line is refused too)"
                      : " (it has " + header.size() + " column(s))"),
              null)
          .getMessage();
    }
    return null;
  }

  /**
   * The header's repeated names: a declared column by its name, any other by its positions; null
   * when no name repeats.
   */
  static String duplicateColumns(List<String> header, List<String> declared) {
    Map<String, List<Integer>> positions = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      positions.computeIfAbsent(header.get(i), k -> new ArrayList<>()).add(i + 1);
    }
    List<String> repeated = new ArrayList<>();
    positions.forEach(
        (name, at) -> {
          if (at.size() > 1) {
            repeated.add(
                (declared.contains(name) ? "'" + name + "' at" : "one name at") + " columns " + at);
          }
        });
    return repeated.isEmpty() ? null : "column names repeated: " + String.join("; ", repeated);
  }

  /** Loads the rows after the last line already committed for this file, then seals it. */
  private long load(
      Connection c,
      DSLContext db,
      PartitionRef ref,
      LocalDate date,
      SourceFile f,
      IngestedFilesRecord row,
      HeartbeatTicker.Progress heartbeats,
      SourceStream.Limits limits,
      DatasetSchema schema,
      RawFileLoader loader)
      throws SQLException, IOException {
    long id = row.getFileId();
    long resumeAfter = row.getLoadedThroughLine();
    long before = row.getRowCount();
    if (resumeAfter > 0) {
      LOG.info(
          "{}/{}: resuming {} after line {} ({} rows already in raw)",
          ref.dataset(),
          date,
          f.name(),
          resumeAfter,
          before);
    }
    // Rows go into the file's own table, and only from the session holding its load: the
    // database refuses any other (docs/hostile-input.md, "Raw is final").
    String table = Routines.claimFile(db.configuration(), id, ref.runId());
    String copySql = "COPY " + table + " " + copyColumns(schema) + " FROM STDIN";
    RawFileLoader.Loaded loaded;
    c.setAutoCommit(false);
    try {
      loaded =
          loader.load(
              c,
              copySql,
              f.path(),
              resumeAfter,
              limits,
              new RawFileLoader.ChunkListener() {
                @Override
                public void committing(long lastLine, long rows) {
                  Routines.fileProgress(db.configuration(), id, lastLine, before + rows);
                }

                @Override
                public void committed(long lastLine, long rows) {
                  heartbeats.beat(new IngestProgress(f.name(), lastLine, before + rows));
                }
              });
    } catch (FileProblem p) {
      c.rollback();
      c.setAutoCommit(true);
      // through the owner's function: the worker's role may not delete from raw
      Routines.discardLoad(db.configuration(), id, p.getMessage());
      throw rejected(ref, date, f, p.getMessage(), p);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
    String changed = f.changedSince(loaded.sha256());
    if (changed != null) {
      Routines.discardLoad(db.configuration(), id, null);
      throw changedWhileRead(ref, date, f, changed, "its rows were removed from raw");
    }
    Routines.sealFile(db.configuration(), id);
    return loaded.rows();
  }

  /**
   * Writes the ingest report, HTML and JSON, and builds the non-retryable failure that names it.
   * {@code problem} is the refused file's ledger message: content-free by construction.
   */
  private RuntimeException rejected(
      PartitionRef ref, LocalDate date, SourceFile f, String problem, Throwable cause) {
    FileProblem.Where where = FileProblem.locate(f.name(), problem);
    IngestRejection rejection =
        new IngestRejection(
            "ingest",
            ref.dataset(),
            date.toString(),
            ref.runId(),
            f.name(),
            f.sha256(),
            problem,
            where == null ? null : where.line(),
            where == null ? null : where.kind().label(),
            where == null ? "Fix or replace the file." : where.kind().whatToDo(),
            TemporalRun.current(settings.temporalUi()));
    Path html = settings.reportFile(ref.dataset(), date, ref.runId(), "html");
    Path report = settings.reportFile(ref.dataset(), date, ref.runId(), "json");
    // the HTML first, as validation does: a JSON report always has its HTML
    Outputs.writeAtomically(html, RejectionHtml.render(rejection).getBytes(StandardCharsets.UTF_8));
    Outputs.writeAtomically(report, Json.bytes(rejection));
    return Failures.of(
        FailureTypes.BAD_INPUT,
        "ingest of "
            + ref.dataset()
            + "/"
            + date
            + " refused "
            + problem
            + "; no row of this file is in raw. Fix or replace the file and re-run. Report: "
            + report,
        cause);
  }

  /**
   * The report of a refused file; {@code line} and {@code kind} are null when the problem is not
   * one of the file's CSV (see {@link FileProblem#locate}).
   */
  public record IngestRejection(
      String stage,
      String dataset,
      String partitionDate,
      String runId,
      String file,
      String sha256,
      String problem,
      Long line,
      String kind,
      String whatToDo,
      TemporalRun temporal) {}

  /** The partition's content is its set of file hashes; a new set is a new version. */
  private static int recordVersion(
      DSLContext db, PartitionRef ref, LocalDate date, List<SourceFile> files, List<Long> ids) {
    return db.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
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
        });
  }

  /**
   * The partition's files, each hashed, but the extract a pull just wrote: its SHA-256 is known
   * (the load hashes what it reads all the same, and a file changed since is not sealed).
   */
  private List<SourceFile> sourceFiles(
      PartitionRef ref, LoadedConfig config, LocalDate date, Pulls.Pulled pulled) {
    PartitionFiles found;
    try {
      found = PartitionFiles.of(settings, config, date);
    } catch (IllegalArgumentException e) {
      throw Failures.of(
          FailureTypes.BAD_CONFIG, config.file() + ": source.path: " + e.getMessage());
    }
    Path dir = found.directory();
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
    if (!found.present() && config.pulled() && config.allowHeaderOnly()) {
      return List.of(); // a pulled day without objects, declared valid: an empty version
    }
    if (!found.present()) {
      throw Failures.of(
          FailureTypes.SOURCE_MISSING,
          "partition " + where + ": no files matching " + config.filesGlob() + " in " + dir);
    }
    List<SourceFile> files = new ArrayList<>();
    try {
      for (PartitionFiles.Listed f : found.files()) {
        boolean extract =
            pulled != null && pulled.sha256() != null && f.name().equals(pulled.extract());
        files.add(SourceFile.of(f.name(), f.path(), extract ? pulled.sha256() : null));
      }
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    files.sort(Comparator.comparing(SourceFile::name));
    return files;
  }

  /**
   * A file as listed (its size and modification time), and its SHA-256 once known: hashed before a
   * load in chunks, which must read the same bytes, or by the read of a load in one transaction.
   */
  private record SourceFile(String name, Path path, String sha256, long size, FileTime modified) {

    /** The file at {@code p}, its SHA-256 {@code known} or (null) not yet. */
    static SourceFile of(String name, Path p, String known) throws IOException {
      return new SourceFile(name, p, known, Files.size(p), Files.getLastModifiedTime(p));
    }

    /**
     * This file hashed as it is now, with its size and modification time read again first (a file
     * may change between its listing and its turn); a load must then read these bytes.
     */
    SourceFile hashed() throws IOException {
      SourceFile now = of(name, path, null);
      return now.identified(Hashing.sha256Hex(path));
    }

    SourceFile identified(String sha256Read) {
      return new SourceFile(name, path, sha256Read, size, modified);
    }

    /**
     * What differs between this and the file as it is now (its size, its modification time, the
     * SHA-256 of what a load read unless {@code sha256Read} is null), or null when nothing does.
     */
    String changedSince(String sha256Read) throws IOException {
      long sizeNow = Files.size(path);
      FileTime modifiedNow = Files.getLastModifiedTime(path);
      if (sizeNow != size
          || !modifiedNow.equals(modified)
          || (sha256Read != null && !sha256Read.equals(sha256))) {
        return String.format(
            "%,d bytes modified %s when hashed, %,d bytes modified %s after its load read it",
            size, modified, sizeNow, modifiedNow);
      }
      return null;
    }
  }
}
