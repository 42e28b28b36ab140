package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.ParquetRows;
import io.sluice.activities.features.FeatureSet.Column;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import io.sluice.db.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.example.data.Group;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * The split export writes, byte for byte, the CSV that PostgreSQL's COPY writes for the same rows
 * with the scaled columns computed in SQL ({@code round(((x::float8 - mean) / nullif(sd,
 * 0))::numeric, 6)}), its text columns quoted whenever not null ({@code FORCE_QUOTE}) and the text
 * cells a spreadsheet would run as a formula neutralised with a leading {@code '}; on text that
 * needs quoting, nulls, empty strings, formulas, instants, booleans, negative numbers and thousands
 * of random values near rounding ties; and its Parquet file holds the values unchanged.
 */
class SplitExportTest {

  static HikariDataSource ds;

  static final List<Column> BASE =
      List.of(
          new Column("feature_date", SQLDataType.LOCALDATE.notNull(), ""),
          new Column("customer_id", SQLDataType.CLOB.notNull(), ""),
          new Column("n", SQLDataType.INTEGER, ""),
          new Column("x", SQLDataType.NUMERIC, ""),
          new Column("ts", SQLDataType.TIMESTAMPWITHTIMEZONE, ""),
          new Column("b", SQLDataType.BOOLEAN, ""),
          new Column("note", SQLDataType.CLOB, ""),
          new Column("ordered_next_7d", SQLDataType.SMALLINT, ""));

  /** Text a spreadsheet runs as a formula (OWASP's CSV injection cases), and text it does not. */
  static final List<String> FORMULAS =
      List.of(
          "=cmd|' /C calc'!A0",
          "+SUM(1,2)",
          "-2+3",
          "@SUM(A1)",
          "=HYPERLINK(\"http://x\",\"y\")",
          "\tTAB",
          "\rCR",
          "'=already quoted",
          "a=b");

  static final List<SplitExport.Scaled> SCALED =
      List.of(
          new SplitExport.Scaled(2, 1.5, 0.7),
          new SplitExport.Scaled(3, -0.3, 3.0000001),
          new SplitExport.Scaled(3, 12.0, 0.0),
          new SplitExport.Scaled(2, null, null),
          // a deviation so small that every value is huge
          new SplitExport.Scaled(3, 0.25, 3e-13));

  @TempDir Path tmp;

  @BeforeAll
  static void createRows() throws Exception {
    ds = TestDatabases.fresh();
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          "create table t (feature_date date not null, customer_id text not null, n int,"
              + " x numeric, ts timestamptz, b boolean, note text, ordered_next_7d smallint)");
      List<String> ids = new ArrayList<>(FORMULAS);
      ids.addAll(List.of("C1", "a,b", "say \"hi\"", "", "line\nbreak", "ünï", "\\.", " padded "));
      Random random = new Random(7);
      try (PreparedStatement ins =
          c.prepareStatement(
              "insert into t values (?, ?, ?, ?::numeric, ?, ?, ?, ?)"
                  + " on conflict do nothing")) {
        for (int i = 0; i < 5000; i++) {
          ins.setObject(1, LocalDate.of(2024, 1, 1).plusDays(i % 40));
          ins.setString(2, i < ids.size() ? ids.get(i) : "C" + i);
          ins.setObject(3, i % 11 == 0 ? null : random.nextInt(7) - 1);
          String x =
              switch (i % 5) {
                case 0 -> null;
                // values whose scaled form sits at a 6th-decimal tie, in binary or in decimal
                case 1 ->
                    String.valueOf(-0.3 + 3.0000001 * (random.nextInt(2_000_000) + 0.5) / 1e6);
                default ->
                    new java.math.BigDecimal(random.nextGaussian() * 1000)
                        .setScale(random.nextInt(7), java.math.RoundingMode.HALF_UP)
                        .toPlainString();
              };
          ins.setString(4, x);
          ins.setObject(
              5,
              i % 7 == 0
                  ? null
                  : OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(i % 3))
                      .plusSeconds(random.nextInt(1_000_000))
                      .plusNanos(random.nextInt(3) * 123_456_000L));
          ins.setObject(6, i % 13 == 0 ? null : i % 2 == 0);
          ins.setString(
              7,
              switch (i % 4) {
                case 0 -> null;
                case 1 -> "";
                case 2 -> FORMULAS.get(i % FORMULAS.size());
                default -> "n" + i;
              });
          ins.setObject(8, i % 3 == 0 ? null : (short) (i % 2));
          ins.addBatch();
        }
        ins.executeBatch();
      }
    }
  }

  @AfterAll
  static void close() {
    ds.close();
  }

  static List<Column> exported() {
    List<Column> out = new ArrayList<>(BASE.subList(0, BASE.size() - 1));
    for (int k = 0; k < SCALED.size(); k++) {
      out.add(new Column("s" + k, SQLDataType.NUMERIC, ""));
    }
    out.add(BASE.get(BASE.size() - 1));
    return out;
  }

  /** The scaled column as the SQL the export used to run. */
  static String sqlScaled(SplitExport.Scaled s) {
    String x = BASE.get(s.source()).name();
    String mean = s.mean() == null ? "null" : "'" + s.mean() + "'";
    String sd = s.stddev() == null ? "null" : "'" + s.stddev() + "'";
    return "round(cast(((cast("
        + x
        + " as double precision) - cast("
        + mean
        + " as double precision)) / nullif(cast("
        + sd
        + " as double precision), 0)) as numeric), 6)";
  }

  @Test
  void writesTheCsvThatCopyWritesAndTheSameValuesAsParquet() throws Exception {
    Path csv = tmp.resolve("train.csv");
    Path parquet = tmp.resolve("train.parquet");
    String select = "select * from t order by feature_date, customer_id";
    long rows;
    String expected;
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      c.createStatement().execute("SET LOCAL TimeZone = 'UTC'");
      SplitExport.Written written = SplitExport.write(c, select, exported(), SCALED, csv, parquet);
      rows = written.rows();
      // the positives are counted as the rows go by, as the SQL would count them
      long positives;
      try (var st = c.createStatement();
          var rs = st.executeQuery("select count(*) from t where ordered_next_7d = 1")) {
        rs.next();
        positives = rs.getLong(1);
      }
      assertThat(positives).isPositive().isLessThan(rows);
      assertThat(written.positives()).isEqualTo(positives);
      List<String> cols = new ArrayList<>();
      List<String> text = new ArrayList<>();
      for (int i = 0; i < BASE.size() - 1; i++) {
        String name = BASE.get(i).name();
        if (BASE.get(i).type().isString()) {
          text.add(name);
          cols.add(
              "case when left("
                  + name
                  + ", 1) in ('=', '+', '-', '@', chr(9), chr(13)) then '''' || "
                  + name
                  + " else "
                  + name
                  + " end as "
                  + name);
        } else {
          cols.add(name);
        }
      }
      for (int k = 0; k < SCALED.size(); k++) {
        cols.add(sqlScaled(SCALED.get(k)) + " as s" + k);
      }
      cols.add("ordered_next_7d");
      var out = new java.io.ByteArrayOutputStream();
      new CopyManager(c.unwrap(BaseConnection.class))
          .copyOut(
              "COPY (select "
                  + String.join(", ", cols)
                  + " from t order by t.feature_date, t.customer_id) TO STDOUT (FORMAT csv, HEADER"
                  + " true, FORCE_QUOTE ("
                  + String.join(", ", text)
                  + "))",
              out);
      expected = out.toString(java.nio.charset.StandardCharsets.UTF_8);
      c.rollback();
    }
    assertThat(rows).isGreaterThan(4000);
    String written = Files.readString(csv);
    assertThat(written).isEqualTo(expected);
    assertThat(written)
        .contains("\"a,b\"", "\"say \"\"hi\"\"\"", "\"line\nbreak\"", ",\"\",")
        .contains(",\"'=cmd|' /C calc'!A0\",", ",\"'-2+3\",", ",\"'\tTAB\",", ",\"'\rCR\",")
        .contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",", ",\"'=already quoted\",")
        .contains(",-1,");

    List<Group> groups = ParquetRows.read(parquet);
    assertThat(groups).hasSize((int) rows);
    try (Connection c = ds.getConnection();
        var rs =
            c.createStatement()
                .executeQuery(
                    "select feature_date, customer_id, n, x::float8, ts, b, "
                        + sqlScaled(SCALED.get(1))
                        + "::float8, ordered_next_7d, note from t order by feature_date,"
                        + " customer_id")) {
      int i = 0;
      while (rs.next()) {
        Group g = groups.get(i++);
        assertThat(LocalDate.ofEpochDay(g.getInteger("feature_date", 0)))
            .isEqualTo(rs.getObject(1, LocalDate.class));
        assertThat(g.getString("customer_id", 0)).isEqualTo(rs.getString(2));
        assertValue(g, "n", rs.getObject(3) == null ? null : rs.getInt(3));
        assertValue(g, "x", rs.getObject(4) == null ? null : rs.getDouble(4));
        OffsetDateTime ts = rs.getObject(5, OffsetDateTime.class);
        assertValue(
            g,
            "ts",
            ts == null
                ? null
                : ChronoUnit.MICROS.between(OffsetDateTime.parse("1970-01-01T00:00Z"), ts));
        assertValue(g, "b", rs.getObject(6) == null ? null : rs.getBoolean(6));
        assertValue(g, "s1", rs.getObject(7) == null ? null : rs.getDouble(7));
        assertThat(g.getFieldRepetitionCount("s2")).as("scaled by a deviation of 0").isZero();
        assertValue(g, "ordered_next_7d", rs.getObject(8) == null ? null : rs.getInt(8));
        if (rs.getString(9) == null) {
          assertThat(g.getFieldRepetitionCount("note")).as("note is null").isZero();
        } else {
          assertThat(g.getString("note", 0))
              .as("Parquet keeps the text")
              .isEqualTo(rs.getString(9));
        }
      }
      assertThat(i).isEqualTo(groups.size());
    }
  }

  private static void assertValue(Group g, String field, Object expected) {
    if (expected == null) {
      assertThat(g.getFieldRepetitionCount(field)).as(field + " is null").isZero();
      return;
    }
    Object actual;
    if (expected instanceof Integer) {
      actual = g.getInteger(field, 0);
    } else if (expected instanceof Long) {
      actual = g.getLong(field, 0);
    } else if (expected instanceof Double) {
      actual = g.getDouble(field, 0);
    } else {
      actual = g.getBoolean(field, 0);
    }
    assertThat(actual).as(field).isEqualTo(expected);
  }

  @Test
  void aHeaderNameThatNeedsQuotingIsQuoted() throws Exception {
    List<Column> columns = new ArrayList<>(exported());
    String name = "customer \"id\", as sent";
    columns.set(1, new Column(name, SQLDataType.CLOB, ""));
    Path csv = tmp.resolve("train.csv");
    try (Connection c = ds.getConnection()) {
      SplitExport.write(
          c, "select * from t limit 1", columns, SCALED, csv, tmp.resolve("train.parquet"));
    }
    try (CSVParser parser = CSVParser.parse(csv, StandardCharsets.UTF_8, CSVFormat.DEFAULT)) {
      List<CSVRecord> records = parser.getRecords();
      assertThat(records.get(0).toList())
          .hasSize(columns.size())
          .isEqualTo(columns.stream().map(Column::name).toList());
      assertThat(records.get(1).size()).isEqualTo(columns.size());
    }
  }

  @Test
  void theFastPathGivesTheExactResultEverywhere() {
    Random random = new Random(11);
    SplitExport.Scaled s = new SplitExport.Scaled(0, -0.3, 3.0000001);
    int slow = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double x =
          switch (i % 4) {
            case 0 -> random.nextGaussian() * 1000;
            case 1 -> -0.3 + 3.0000001 * (random.nextInt(2_000_000_000) + 0.5) / 1e6;
            case 2 -> random.nextInt(100);
            default -> -0.3 + 3.0000001 * random.nextInt(1_000_000) / 1e3 + 1e-12 * i;
          };
      java.math.BigDecimal exact = SplitExport.scale(x, s);
      long micros = SplitExport.scaleMicros(x, s);
      assertThat(micros).as("x = %s", x).isEqualTo(exact.movePointRight(6).longValueExact());
      double z = Math.abs((x + 0.3) / 3.0000001) * 1e6;
      if (Math.abs(z - Math.floor(z) - 0.5) <= 1e-5) {
        slow++;
      }
    }
    assertThat(slow).as("ties took the exact path").isGreaterThan(1000);
  }

  @Test
  void aFailedExportLeavesTheConnectionUsable() throws Exception {
    try (Connection c = ds.getConnection()) {
      assertThatThrownBy(
              () ->
                  SplitExport.write(
                      c,
                      "select * from t",
                      exported(),
                      SCALED,
                      tmp.resolve("missing-dir/train.csv"),
                      tmp.resolve("train.parquet")))
          .isInstanceOf(java.nio.file.NoSuchFileException.class);
      // a failure in the middle of the rows: the rest is read, no cancel is left in flight
      assertThatThrownBy(
              () ->
                  SplitExport.write(
                      c,
                      "select feature_date, customer_id from t",
                      exported(),
                      SCALED,
                      tmp.resolve("train.csv"),
                      tmp.resolve("train.parquet")))
          .hasMessageContaining("COPY row has 2 fields, expected 8");
      Thread.sleep(200);
      try (var rs = c.createStatement().executeQuery("select count(*) from t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isGreaterThan(4000);
      }
    }
  }

  /**
   * The export's backend goes in the middle of its rows (here it terminates itself): the export
   * fails, and the pool's next borrower of its connection gets a working one, not the dead
   * connection the driver still holds for the copy (docs/adr/0027).
   */
  @Test
  void anExportCutOffByTheServerDoesNotHangTheConnectionsNextBorrower() throws Exception {
    try (HikariDataSource one =
        Database.open(new DbSettings(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword(), 1))) {
      try (Connection c = one.getConnection()) {
        assertThatThrownBy(
                () ->
                    SplitExport.write(
                        c,
                        "select * from t where case when customer_id = (select max(customer_id)"
                            + " from t) then pg_terminate_backend(pg_backend_pid()) else true end",
                        exported(),
                        SCALED,
                        tmp.resolve("cut.csv"),
                        tmp.resolve("cut.parquet")))
            .isInstanceOf(java.sql.SQLException.class);
      }
      java.util.concurrent.ExecutorService executor =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        java.util.concurrent.Future<Long> count =
            executor.submit(
                () -> {
                  try (Connection c = one.getConnection();
                      var rs = c.createStatement().executeQuery("select count(*) from t")) {
                    rs.next();
                    return rs.getLong(1);
                  }
                });
        assertThat(count.get(30, java.util.concurrent.TimeUnit.SECONDS)).isGreaterThan(4000);
      } finally {
        executor.shutdownNow();
      }
    }
  }
}
