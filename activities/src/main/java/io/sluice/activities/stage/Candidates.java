package io.sluice.activities.stage;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.RowJudge;
import io.sluice.activities.ingest.CopyTextEncoder;
import io.sluice.activities.support.Copies;
import io.sluice.activities.support.HandOffStream;
import io.sluice.activities.support.Hashing;
import io.sluice.activities.support.JsonText;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.validate.Expectation;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Name;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.core.BaseConnection;

/**
 * A partition version's rows judged once (docs/concepts.md#staging-normalise-quarantine-versions):
 * each raw row with its typed values, its cleaned texts, the texts as received that a {@code
 * matches} expectation reads, every reason it cannot be staged and, when it has one, its raw
 * record. Validation counts over this table and staging copies from it, so no field is parsed
 * twice.
 *
 * <p>The table is {@code judged."<dataset>_<yyyymmdd>_<hash>"}, unlogged (a crash empties it; it is
 * judged again) and named by a hash of the version, its files and the pipeline file, so a new
 * version or a changed declaration never reads an old judgement. The worker fills it: the raw texts
 * come out with one binary COPY on one connection, {@link RowJudge} judges each row, and the judged
 * rows go in with one COPY on a second connection as they are judged (memory that does not grow
 * with the partition); the few rows the judge cannot be sure of are judged by the SQL ({@link
 * Judgement#select}). {@code RowJudgeDifferentialTest} and {@code CandidatesTest} hold the judge to
 * the SQL. Staging drops the table in the transaction that stages the partition.
 */
public final class Candidates {

  /** The schema of every candidates table (made by migration V28). */
  public static final String SCHEMA = "judged";

  /** Changes whenever what a candidates table holds changes, so older tables are judged again. */
  static final int FORMAT = 1;

  static final String FILE_ID = "file_id";
  static final String LINE_NO = "line_no";
  static final String FILE_NAME = "file_name";
  static final String REASONS = "reasons";
  static final String RECORD = "record";

  private static final Name UNDECIDED = DSL.name("judge_undecided");
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private final DatasetSchema schema;
  private final LocalDate date;
  private final PartitionVersionsRecord version;
  private final Long[] fileIds;
  private final Name name;
  private final Set<String> received;
  private final List<String> uniqueColumns;
  // what the judge found of the unique columns' repeats when this instance filled the table; null
  // when it did not (a table judged before, or rows the SQL judged)
  private Map<String, Set<String>> repeatCandidates;

  private Candidates(
      DatasetSchema schema,
      PartitionVersionsRecord version,
      String fingerprint,
      Set<String> received,
      List<String> uniqueColumns) {
    this.schema = schema;
    this.uniqueColumns = uniqueColumns;
    this.date = version.getPartitionDate();
    this.version = version;
    this.fileIds = version.getFileIds();
    this.received = received;
    String hash =
        Hashing.sha256Hex(
                FORMAT
                    + "|"
                    + version.getVersion()
                    + "|"
                    + Arrays.toString(fileIds)
                    + "|"
                    + fingerprint)
            .substring(0, 8);
    this.name = DSL.name(SCHEMA, prefix(schema.dataset(), date) + hash);
  }

  /** The candidates of {@code version} as {@code config} judges them (filled or not). */
  public static Candidates of(LoadedConfig config, PartitionVersionsRecord version) {
    Set<String> received = new LinkedHashSet<>();
    Set<String> unique = new LinkedHashSet<>();
    for (var e : config.expectations()) {
      Expectation x = Expectation.of(e);
      if (x instanceof Expectation.Matches) {
        received.add(e.column());
      }
      if (x instanceof Expectation.Unique && !"staged".equals(e.scope())) {
        unique.add(e.column());
      }
    }
    return new Candidates(config.schema(), version, config.hash(), received, List.copyOf(unique));
  }

  /** For tests: the candidates of raw rows judged under {@code schema} alone. */
  static Candidates of(
      DatasetSchema schema, PartitionVersionsRecord version, Set<String> receivedColumns) {
    return new Candidates(schema, version, "test", receivedColumns, List.of());
  }

  /**
   * The values of {@code column} that may repeat in the partition (every value that does is among
   * them), as the judge found them while it filled the table; empty when not known here (the table
   * was judged before, or the SQL judged some of its rows).
   */
  public Optional<Set<String>> repeatCandidates(String column) {
    return Optional.ofNullable(repeatCandidates).map(m -> m.get(column));
  }

  private static String prefix(String dataset, LocalDate date) {
    return dataset + "_" + DAY.format(date) + "_";
  }

  public DatasetSchema schema() {
    return schema;
  }

  /** The partition version judged. */
  public int version() {
    return version.getVersion();
  }

  public Name name() {
    return name;
  }

  public Table<?> table() {
    return DSL.table(name);
  }

  private <T> Field<T> column(String column, Class<T> type) {
    return DSL.field(name.append(column), type);
  }

  public Field<Long> fileId() {
    return column(FILE_ID, Long.class);
  }

  public Field<Long> lineNo() {
    return column(LINE_NO, Long.class);
  }

  public Field<String> fileName() {
    return column(FILE_NAME, String.class);
  }

  public Field<String[]> reasons() {
    return column(REASONS, String[].class);
  }

  /** The raw record as received (declared columns and extra), for a row that is quarantined. */
  public Field<JSONB> record() {
    return column(RECORD, JSONB.class);
  }

  /** Rows that can be staged: no reason against them. */
  public Condition valid() {
    return DSL.cardinality(reasons()).eq(0);
  }

  /** A declared column's typed value; a text column's is its cleaned text. */
  public Field<Object> typed(String column) {
    return DSL.field(name.append(spec(column).name()));
  }

  /**
   * The text as staging normalises it (trimmed, null tokens missing, case-folded); null if none.
   */
  public Field<String> cleaned(String column) {
    int i = index(column);
    return schema.columns().get(i).type() instanceof ColumnType.Text
        ? DSL.field(name.append(column), String.class)
        : DSL.field(name.append(cleanedName(i)), String.class);
  }

  /** The field as received, for a column a {@code matches} expectation reads. */
  public Field<String> received(String column) {
    int i = index(column);
    if (!received.contains(column)) {
      throw new IllegalStateException(
          "the candidates of " + schema.dataset() + " keep no received text of " + column);
    }
    return DSL.field(name.append(receivedName(i)), String.class);
  }

  private ColumnSpec spec(String column) {
    return schema.columns().get(index(column));
  }

  private int index(String column) {
    int i = schema.names().indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException(
          "no column " + column + " declared for dataset " + schema.dataset());
    }
    return i;
  }

  static String cleanedName(int i) {
    return "cleaned " + i;
  }

  static String receivedName(int i) {
    return "received " + i;
  }

  /** The columns whose received text the table keeps, in declaration order. */
  List<Integer> receivedColumns() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < schema.columns().size(); i++) {
      if (received.contains(schema.columns().get(i).name())) {
        out.add(i);
      }
    }
    return out;
  }

  /** The table's columns and their types, in order. */
  List<Field<?>> layout() {
    List<ColumnSpec> columns = schema.columns();
    List<Field<?>> table = new ArrayList<>();
    table.add(DSL.field(DSL.name(FILE_ID), SQLDataType.BIGINT));
    table.add(DSL.field(DSL.name(LINE_NO), SQLDataType.BIGINT));
    table.add(DSL.field(DSL.name(FILE_NAME), SQLDataType.CLOB));
    for (ColumnSpec c : columns) {
      // as the SQL's parse gives it: a sized decimal is sized by the staged table, not here
      org.jooq.DataType<?> type =
          c.type() instanceof ColumnType.Decimal ? SQLDataType.NUMERIC : c.type().staged();
      table.add(DSL.field(DSL.name(c.name()), type));
    }
    for (int i = 0; i < columns.size(); i++) {
      if (!(columns.get(i).type() instanceof ColumnType.Text)) {
        table.add(DSL.field(DSL.name(cleanedName(i)), SQLDataType.CLOB));
      }
    }
    for (int i : receivedColumns()) {
      table.add(DSL.field(DSL.name(receivedName(i)), SQLDataType.CLOB));
    }
    table.add(DSL.field(DSL.name(REASONS), SQLDataType.CLOB.array()));
    table.add(DSL.field(DSL.name(RECORD), SQLDataType.JSONB));
    return table;
  }

  /**
   * Sees each row the worker judges, as it streams (for counts made on the way): the texts as
   * received (an array reused for the next row) and the verdict. Rows left to the SQL are not seen;
   * {@link Filled#undecided()} counts them.
   */
  public interface RowObserver {
    RowObserver NONE = (received, verdict) -> {};

    void row(String[] received, RowJudge.Verdict verdict);
  }

  /** What {@link #ensure} did: rows judged in the worker, rows left to the SQL, or neither. */
  public record Filled(long judged, long undecided, boolean reused) {}

  /**
   * The table, judged now unless it is there with every row of the version's files. Judging takes
   * the partition's lock and drops the dataset's other candidates of the same day.
   */
  public Filled ensure(DSLContext dsl) {
    return ensure(dsl, RowObserver.NONE);
  }

  /**
   * As {@link #ensure(DSLContext)}, showing {@code observer} each row judged now (none when the
   * table was there already).
   */
  public Filled ensure(DSLContext dsl, RowObserver observer) {
    long expected = sealedRows(dsl);
    if (complete(dsl, expected)) {
      return new Filled(0, 0, true);
    }
    // one connection holds the partition's lock and reads raw, a second loads what the judge
    // writes while it reads: reading, judging and loading run side by side
    return dsl.connectionResult(
        reading -> {
          DSLContext read = DSL.using(reading, dsl.dialect(), dsl.settings());
          PartitionStore.lockSession(read, schema.dataset(), date);
          try {
            if (complete(read, expected)) {
              return new Filled(0, 0, true);
            }
            read.transaction(
                trx -> {
                  DSLContext tx = trx.dsl();
                  dropAll(tx, schema.dataset(), date);
                  tx.createTable(name).columns(layout()).execute();
                  // scratch for minutes: autovacuum would scan it while validation reads it, and
                  // hold up the DROP that ends it (the judge counts its rows for the planner, from
                  // a sample of 300 of its pages: the statistics target of the column counted)
                  tx.execute(
                      "ALTER TABLE "
                          + tx.render(table())
                          + " SET UNLOGGED, SET (autovacuum_enabled = false,"
                          + " toast.autovacuum_enabled = false), ALTER COLUMN "
                          + FILE_ID
                          + " SET STATISTICS 1");
                });
            // an empty table left by a failed load is judged again: it lacks the sealed rows
            return dsl.connectionResult(loading -> fill(dsl, reading, loading, observer));
          } finally {
            PartitionStore.unlockSession(read, schema.dataset(), date);
          }
        });
  }

  /** The rows the version's files were sealed with. */
  private long sealedRows(DSLContext dsl) {
    Long n =
        dsl.select(DSL.sum(INGESTED_FILES.ROW_COUNT).cast(Long.class))
            .from(INGESTED_FILES)
            .where(INGESTED_FILES.FILE_ID.in(fileIds))
            .fetchOne(0, Long.class);
    return n == null ? 0 : n;
  }

  /** Whether the table is there with {@code expected} rows (a crash leaves it empty). */
  private boolean complete(DSLContext dsl, long expected) {
    String regclass =
        dsl.select(DSL.field("to_regclass({0})", String.class, DSL.val(dsl.render(table()))))
            .fetchOne(0, String.class);
    return regclass != null && dsl.fetchCount(table()) == expected;
  }

  /** Drops every candidates table of {@code dataset}'s partition {@code date}. */
  static void dropAll(DSLContext tx, String dataset, LocalDate date) {
    for (String t :
        tx.select(DSL.field("tablename", String.class))
            .from(DSL.table(DSL.name("pg_catalog", "pg_tables")))
            .where(DSL.field("schemaname", String.class).eq(SCHEMA))
            .and(
                DSL.field("tablename", String.class)
                    .likeRegex(
                        // a dataset name is letters, digits and underscores: literal in a pattern
                        "^" + prefix(dataset, date) + "[0-9a-f]{8}$"))
            .fetch(0, String.class)) {
      tx.dropTableIfExists(DSL.name(SCHEMA, t)).execute();
    }
  }

  /**
   * Drops this table: staging, once the partition is staged from it, and validation, when the
   * partition failed and will not be staged from it.
   */
  public void drop(DSLContext tx) {
    tx.dropTableIfExists(name).execute();
  }

  /**
   * Judges the version's raw rows read on {@code reading} into the (empty) table, loaded on {@code
   * loading} in one transaction; the rows the judge cannot be sure of are judged by the SQL there.
   */
  private Filled fill(DSLContext dsl, Connection reading, Connection loading, RowObserver observer)
      throws SQLException, IOException {
    Condition rawRows = PartitionStore.rawRows(schema, version);
    String source =
        "COPY (" + dsl.renderInlined(rawTexts(schema, rawRows)) + ") TO STDOUT (FORMAT binary)";
    DSLContext load = DSL.using(loading, dsl.dialect(), dsl.settings());
    Path undecided = Files.createTempFile("sluice-undecided-", ".copy");
    boolean autoCommit = loading.getAutoCommit();
    loading.setAutoCommit(false);
    try {
      load.createTemporaryTable(UNDECIDED)
          .columns(
              DSL.field(DSL.name(FILE_ID), SQLDataType.BIGINT),
              DSL.field(DSL.name(LINE_NO), SQLDataType.BIGINT))
          .onCommitDrop()
          .execute();
      PGCopyOutputStream target =
          new PGCopyOutputStream(
              loading.unwrap(PGConnection.class),
              "COPY " + load.render(table()) + " FROM STDIN (FORMAT binary)",
              1 << 16);
      Filled filled;
      // the judge hands its rows to a thread of their own that writes them to the COPY, so that
      // judging and loading run side by side (docs/adr/0021-the-judge-hands-its-rows-over.md)
      HandOffStream rows = new HandOffStream(target, 16, 1 << 18, "sluice-load-" + name.last());
      try {
        // the raw rows are read by one process: the judge and the load keep both cores busy, and
        // parallel workers would only add the cost of handing their rows to it
        DSLContext read = DSL.using(reading, dsl.dialect(), dsl.settings());
        read.execute("SET max_parallel_workers_per_gather = 0");
        try {
          filled = judge(reading, source, rows, undecided, observer);
        } finally {
          read.execute("RESET max_parallel_workers_per_gather");
        }
        rows.close();
        target.close();
      } finally {
        rows.abandon();
        Copies.cancel(target, loading, null);
      }
      if (filled.undecided() > 0) {
        try (InputStream in = Files.newInputStream(undecided)) {
          Copies.copyIn(loading, "COPY " + UNDECIDED.last() + " FROM STDIN", in);
        }
        Field<Long> fileId = Judgement.rawFileId(schema);
        Field<Long> lineNo = Judgement.rawLineNo(schema);
        load.insertInto(table())
            .select(
                Judgement.select(
                    this,
                    rawRows.and(
                        DSL.row(fileId, lineNo)
                            .in(
                                DSL.select(
                                        DSL.field(DSL.name(FILE_ID), Long.class),
                                        DSL.field(DSL.name(LINE_NO), Long.class))
                                    .from(DSL.table(UNDECIDED))))))
            .execute();
      }
      // the row count, for the planner: without it PostgreSQL guesses from the table's size, and
      // guesses too few rows to scan the table with parallel workers (column statistics are not
      // needed by the scans and the staging copy: the one column counted has a statistics
      // target of 1, so the count reads 300 of the table's pages, not 30,000)
      load.execute("ANALYZE " + load.render(table()) + " (" + FILE_ID + ")");
      loading.commit();
      return filled;
    } catch (SQLException | IOException | RuntimeException e) {
      loading.rollback();
      throw e;
    } finally {
      loading.setAutoCommit(autoCommit);
      deleteQuietly(undecided);
    }
  }

  /**
   * Each raw row as the judge takes it: {@code file_id}, {@code line_no}, {@code file_name}, {@code
   * wrong_fields} (its field count is not its header's), each declared column's text as {@code t0},
   * {@code t1}, ... in declaration order, and {@code extra} (the undeclared fields, as JSON).
   */
  static Select<?> rawTexts(DatasetSchema schema, Condition rawRows) {
    List<SelectField<?>> fields = new ArrayList<>();
    fields.add(Judgement.rawFileId(schema).as(FILE_ID));
    fields.add(Judgement.rawLineNo(schema).as(LINE_NO));
    fields.add(INGESTED_FILES.FILE_NAME.as(FILE_NAME));
    fields.add(Judgement.wrongFieldCount(schema).as("wrong_fields"));
    for (int i = 0; i < schema.columns().size(); i++) {
      fields.add(schema.rawText(schema.columns().get(i).name()).as("t" + i));
    }
    fields.add(
        DSL.field(DSL.name(schema.rawName().append("extra")), SQLDataType.JSONB)
            .cast(SQLDataType.CLOB)
            .as("extra"));
    return DSL.select(fields)
        .from(schema.raw())
        .join(INGESTED_FILES)
        .on(INGESTED_FILES.FILE_ID.eq(Judgement.rawFileId(schema)))
        .where(rawRows);
  }

  private Filled judge(
      Connection reading,
      String source,
      OutputStream rows,
      Path undecidedFile,
      RowObserver observer)
      throws SQLException, IOException {
    int[] unique = uniqueColumns.stream().mapToInt(schema.names()::indexOf).toArray();
    RepeatFinder repeats = new RepeatFinder(unique.length);
    CopyOut out = reading.unwrap(BaseConnection.class).getCopyAPI().copyOut(source);
    long judged = 0;
    long undecided = 0;
    try (OutputStream left =
        new BufferedOutputStream(Files.newOutputStream(undecidedFile), 1 << 16)) {
      BinaryCopyRows in = new BinaryCopyRows(out, 5 + schema.columns().size());
      Judging judging = new Judging(in, rows, left, observer, repeats, unique);
      rows.write(BinaryCopyEncoder.HEADER);
      // the loop only counts: each row is judged by a method of its own, which a worker compiles
      // once, so a partition after the first runs compiled code from its first row (a loop whose
      // body were this method would be compiled anew, on the stack, for every partition)
      while (in.next()) {
        if (judging.row()) {
          judged++;
        } else {
          undecided++;
        }
      }
      rows.write(BinaryCopyEncoder.TRAILER);
    } finally {
      Copies.drain(out, reading); // a failure stops reading: the rest, so the connection goes on
    }
    if (undecided > 0) {
      repeats.giveUp(); // the SQL judges those rows: their values are not known here
    }
    Map<String, Set<String>> found = new HashMap<>();
    for (int k = 0; k < unique.length; k++) {
      if (repeats.candidates(k) != null) {
        found.put(uniqueColumns.get(k), repeats.candidates(k));
      }
    }
    repeatCandidates = found;
    return new Filled(judged, undecided, false);
  }

  /**
   * Judges one raw row at a time of a partition's stream, into the judged rows or the undecided.
   */
  private final class Judging {
    private final BinaryCopyRows in;
    private final OutputStream rows;
    private final OutputStream left;
    private final RowObserver observer;
    private final RepeatFinder repeats;
    private final int[] unique;
    private final RowJudge judge = RowJudge.of(schema);
    private final int n = schema.columns().size();
    private final boolean[] text = new boolean[n];
    private final int[] keep = receivedColumns().stream().mapToInt(Integer::intValue).toArray();
    private final BinaryCopyEncoder row = new BinaryCopyEncoder(1 << 12);
    private final CopyTextEncoder undecidedRow = new CopyTextEncoder(64);
    private final int width = layout().size();
    private final boolean[] int8 = new boolean[n];
    private final StringBuilder record = new StringBuilder(256);
    private final String[] texts = new String[n];

    Judging(
        BinaryCopyRows in,
        OutputStream rows,
        OutputStream left,
        RowObserver observer,
        RepeatFinder repeats,
        int[] unique) {
      this.in = in;
      this.rows = rows;
      this.left = left;
      this.observer = observer;
      this.repeats = repeats;
      this.unique = unique;
      for (int i = 0; i < n; i++) {
        text[i] = schema.columns().get(i).type() instanceof ColumnType.Text;
        int8[i] = schema.columns().get(i).type() instanceof ColumnType.BigInt;
      }
    }

    /** Judges the row {@code in} is on: true when judged, false when left to the SQL. */
    boolean row() throws IOException {
      long fileId = in.int8(0);
      long lineNo = in.int8(1);
      boolean wrongFields = in.bool(3);
      for (int i = 0; i < n; i++) {
        texts[i] = in.text(4 + i);
      }
      String extra = in.text(4 + n);
      RowJudge.Verdict v = judge.judge(texts, wrongFields);
      row.clear();
      if (v.undecided() || !encode(row.row(width), fileId, lineNo, v, text, int8, texts, in)) {
        undecidedRow.clear();
        undecidedRow.number(fileId).number(lineNo).endRow();
        left.write(undecidedRow.array(), 0, undecidedRow.size());
        return false;
      }
      observer.row(texts, v);
      for (int k = 0; k < unique.length; k++) {
        int i = unique[k];
        repeats.see(k, text[i] ? (String) v.values()[i] : v.texts()[i]);
      }
      for (int i : keep) {
        received(row, in, 4 + i);
      }
      row.textArray(v.reasons());
      if (v.reasons().isEmpty()) {
        row.nullField();
      } else {
        row.jsonb(recordJson(record, schema.names(), texts, extra));
      }
      rows.write(row.array(), 0, row.size());
      return true;
    }
  }

  /**
   * A judged row's typed values and cleaned texts in binary COPY form (a text the judge kept as
   * {@code received} written from the bytes it came as in {@code in}); false when a value is one
   * the row is better judged by the SQL for (a date or an instant outside the years 1 to 9999, an
   * instant finer than a microsecond), and the row goes to the SQL.
   */
  private static boolean encode(
      BinaryCopyEncoder row,
      long fileId,
      long lineNo,
      RowJudge.Verdict v,
      boolean[] text,
      boolean[] int8,
      String[] received,
      BinaryCopyRows in) {
    row.int8(fileId).int8(lineNo);
    received(row, in, 2);
    Object[] values = v.values();
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value == null) {
        row.nullField();
      } else if (value == received[i]) {
        received(row, in, 4 + i); // a text kept as it came: its bytes as they came
      } else if (value instanceof String s) {
        row.text(s);
      } else if (value instanceof Integer || value instanceof Long) {
        long whole = ((Number) value).longValue();
        if (int8[i]) {
          row.int8(whole);
        } else {
          row.int4(Math.toIntExact(whole));
        }
      } else if (value instanceof BigDecimal d) {
        row.numeric(d);
      } else if (value instanceof Double d) {
        row.float8(d);
      } else if (value instanceof Boolean b) {
        row.bool(b);
      } else if (value instanceof LocalDate d) {
        if (d.getYear() < 1 || d.getYear() > 9999) {
          return false;
        }
        row.date(d);
      } else if (value instanceof OffsetDateTime t) {
        if (t.getYear() < 1 || t.getYear() > 9999 || t.getNano() % 1000 != 0) {
          return false;
        }
        row.timestamp(t);
      } else {
        throw new IllegalStateException("no binary COPY form for " + value.getClass());
      }
    }
    String[] cleaned = v.texts();
    for (int i = 0; i < text.length; i++) {
      if (!text[i]) {
        if (cleaned[i] == null) {
          row.nullField();
        } else if (cleaned[i] == received[i]) {
          received(row, in, 4 + i);
        } else {
          row.text(cleaned[i]);
        }
      }
    }
    return true;
  }

  /** Field {@code i} of the raw row as a text field, from the UTF-8 bytes it came as. */
  private static void received(BinaryCopyEncoder row, BinaryCopyRows in, int i) {
    int length = in.length(i);
    if (length < 0) {
      row.nullField();
    } else {
      row.utf8(in.bytes(), in.start(i), in.start(i) + length);
    }
  }

  /**
   * The raw record as the SQL builds it ({@link Judgement#rawRecord}): each declared column's text
   * as received by name, then {@code extra}, as JSON text that jsonb reads back as the same value.
   */
  static String recordJson(StringBuilder b, List<String> names, String[] texts, String extra) {
    b.setLength(0);
    b.append('{');
    for (int i = 0; i < names.size(); i++) {
      JsonText.string(b, names.get(i));
      b.append(':');
      if (texts[i] == null) {
        b.append("null");
      } else {
        JsonText.string(b, texts[i]);
      }
      b.append(',');
    }
    b.append("\"extra\":").append(extra == null ? "null" : extra).append('}');
    return b.toString();
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temporary file; the next start of the JVM's temp cleanup takes it
      }
    }
  }
}
