package io.sluice.activities.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.stage.Candidates;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.PartitionStore;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counts validation makes while the worker judges the rows ({@link StreamScan}) are the counts
 * of the SQL scan of the judged rows, on the bundled orders (messy generated days) and on random
 * rows of a dataset with every row-level expectation over every read (parsed texts, typed numbers,
 * case-folded sets, patterns); and where Java cannot be sure (a case fold beyond ASCII, a pattern
 * outside the common core, a value under a pattern that is not printable ASCII) it says so, and
 * validation counts in SQL.
 */
class StreamScanDifferentialTest {

  static final LocalDate DAY = LocalDate.of(2024, 5, 2);

  @TempDir Path tmp;

  static final String PROBE =
      """
      dataset: %s
      kind: facts
      source:
        path: %s/{date}
        files: "*.csv"
      columns:
        id:     {type: text, nullable: false}
        ts:     {type: timestamp, nullable: false}
        t_ts:   {type: text}
        t_num:  {type: text, null_values: ["NA"]}
        t_int:  {type: text}
        qty:    {type: integer}
        score:  {type: double}
        price:  {type: decimal, precision: 10, scale: 2}
        big:    {type: bigint}
        kind:   {type: enum, case: lower, values: [alpha, beta, gamma]}
        label:  {type: text, case: lower}
        code:   {type: text}
        tag:    {type: text}
        flag:   {type: boolean}
        day:    {type: date}
        plain:  {type: decimal}
        up:     {type: text, case: upper, trim: false}
      primary_key: id
      entity_key: id
      event_time: ts
      expectations:
        - {name: id_present, type: not_null, column: id, severity: warn}
        - {name: label_present, type: not_null, column: label, severity: warn}
        - {name: ts_parses, type: parses, column: ts, severity: warn}
        - {name: t_ts_instant, type: parses, column: t_ts, as: instant, severity: warn}
        - {name: t_num_decimal, type: parses, column: t_num, as: decimal, severity: warn}
        - {name: t_int_integer, type: parses, column: t_int, as: integer, severity: warn}
        - {name: qty_parses, type: parses, column: qty, severity: warn}
        - {name: t_num_between, type: between, column: t_num, min: -10, max: 10.5, severity: warn}
        - {name: score_between, type: between, column: score, min: 0, severity: warn}
        - {name: qty_between, type: between, column: qty, max: 5, severity: warn}
        - {name: price_between, type: between, column: price, min: 1.5, max: 99, severity: warn}
        - {name: big_between, type: between, column: big, min: -1000000000000, severity: warn}
        - {name: kind_known, type: in_set, column: kind, severity: warn}
        - {name: label_known, type: in_set, column: label, values: [Red, green, BLUE], severity: warn}
        - {name: code_shape, type: matches, column: code, pattern: "^\\\\s*[A-Za-z]{2}-\\\\d+$", severity: warn}
        - {name: tag_known, type: in_set, column: tag, values: [x, "Y"], severity: warn}
        - {name: flag_parses, type: parses, column: flag, severity: warn}
        - {name: day_parses, type: parses, column: day, severity: warn}
        - {name: qty_as_integer, type: parses, column: qty, as: integer, severity: warn}
        - {name: score_as_decimal, type: parses, column: score, as: decimal, severity: warn}
        - {name: day_as_instant, type: parses, column: day, as: instant, severity: warn}
        - {name: kind_between, type: between, column: kind, min: 0, severity: warn}
        - {name: plain_between, type: between, column: plain, min: -1.5, max: 1000, severity: warn}
        - {name: qty_shape, type: matches, column: qty, pattern: "^[0-9]+$", severity: warn}
        - {name: up_known, type: in_set, column: up, values: [ab, CD], severity: warn}
        - {name: up_shape, type: matches, column: up, pattern: "^(AB|CD|ef)$", severity: warn}
        - {name: partition_size, type: row_count, min: 1, severity: warn}
      """;

  @Test
  void theBundledOrdersAreCountedAsTheSqlCountsThem() throws IOException {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      for (int day = 0; day < 4; day++) {
        LocalDate d = DAY.plusDays(day);
        new OrdersGenerator(31 + day, 3000).writeDay(h.settings.dataRoot(), DAY, d);
        assertSameCounts(h, "orders", d, true);
      }
    }
  }

  @Test
  void randomRowsOfEveryReadAreCountedAsTheSqlCountsThem() throws IOException {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      for (int seed = 1; seed <= 6; seed++) {
        String dataset = "probe_" + (char) ('a' + seed);
        Files.writeString(
            h.settings.pipelinesDir().resolve(dataset + ".yaml"),
            PROBE.formatted(dataset, dataset));
        write(h, dataset, rows(new SplittableRandom(seed), 400));
        assertSameCounts(h, dataset, DAY, true);
      }
    }
  }

  @Test
  void whatJavaCannotBeSureOfIsLeftToTheSql() throws IOException {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      String[][] cases = {
        // a case fold beyond ASCII in a set
        {"probe_fold", "tag", "Grün"},
        // a value under a pattern that is not printable ASCII
        {"probe_bytes", "code", "ab-1\u00a0"},
        // a number whose square PostgreSQL's average may overflow on
        {"probe_huge", "score", "1e200"},
      };
      for (String[] c : cases) {
        Files.writeString(
            h.settings.pipelinesDir().resolve(c[0] + ".yaml"), PROBE.formatted(c[0], c[0]));
        List<String> rows = rows(new SplittableRandom(5), 50);
        rows.set(17, withField(rows.get(17), c[1], c[2]));
        write(h, c[0], rows);
        assertSameCounts(h, c[0], DAY, false);
      }
      // a pattern outside the common core: never counted in Java
      String dataset = "probe_core";
      Files.writeString(
          h.settings.pipelinesDir().resolve(dataset + ".yaml"),
          PROBE.formatted(dataset, dataset).replace("\\\\s*[A-Za-z]{2}", "[[:alpha:]]{2}"));
      write(h, dataset, rows(new SplittableRandom(6), 50));
      assertSameCounts(h, dataset, DAY, false);
    }
  }

  private static final List<String> COLUMNS =
      List.of(
          "id", "ts", "t_ts", "t_num", "t_int", "qty", "score", "price", "big", "kind", "label",
          "code", "tag", "flag", "day", "plain", "up");

  private static String withField(String row, String column, String value) {
    String[] f = row.split(",", -1);
    f[COLUMNS.indexOf(column)] = value;
    return String.join(",", f);
  }

  private static void write(ActivityHarness h, String dataset, List<String> rows)
      throws IOException {
    Path dir = h.settings.dataRoot().resolve(dataset).resolve(DAY.toString());
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("part.csv"), String.join(",", COLUMNS) + "\n" + String.join("\n", rows) + "\n");
  }

  /** Random rows: every field valid, malformed, blank, padded, a null token or out of range. */
  static List<String> rows(SplittableRandom rnd, int n) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] f = {
        rnd.nextInt(15) == 0 ? "" : "k" + rnd.nextInt(n),
        pick(
            rnd,
            "2024-05-02T0" + rnd.nextInt(10) + ":1" + rnd.nextInt(10) + ":00Z",
            "2024-05-02 10:00:00+02:00",
            "2024-05-02T10:00:00.123456Z",
            "2024-05-01T23:00:00-03",
            "2024-05-03T00:00:00Z",
            "2024-02-30T10:00:00Z",
            "yesterday",
            ""),
        pick(
            rnd,
            "2024-05-02T10:00:00Z",
            "2024-05-02T10:00",
            " 2024-05-02T10:00:00+01:00 ",
            "x",
            ""),
        pick(
            rnd,
            String.valueOf(rnd.nextInt(-20, 20)),
            rnd.nextInt(-2000, 2000) / 100.0 + "",
            "10.5",
            "10.51",
            "-10",
            "1e3",
            "NA",
            " 7 ",
            "",
            "abc",
            "+3.25",
            "0012.500"),
        pick(rnd, "" + rnd.nextInt(-50, 50), "2147483648", "-0", "1.0", "", " 12 ", "x1"),
        pick(rnd, "" + rnd.nextInt(-3, 9), "", "9999999999", "3.5", "  4"),
        pick(
            rnd,
            "" + rnd.nextDouble(-5, 100),
            "1e-3",
            "-0.0",
            "3",
            "",
            "1e400",
            ".5",
            "0.1234567890123456789"),
        pick(rnd, rnd.nextInt(0, 12000) / 100.0 + "", "1.005", "", "99.999", "-4", "123456789.12"),
        pick(rnd, "" + rnd.nextLong(-2_000_000_000_000L, 2_000_000_000_000L), "", "7"),
        pick(rnd, "alpha", "BETA", " Gamma ", "delta", "", "ALPHA"),
        pick(rnd, "red", "Green", " blue ", "purple", "", "RED"),
        pick(rnd, "ab-12", " XY-7", "ab-", "a-1", "ab-12 ", "", "Zz-000"),
        pick(rnd, "x", "X", " y", "z", ""),
        pick(rnd, "true", "F", " yes ", "0", "maybe", ""),
        pick(rnd, "2024-05-02", "2024-02-30", " 2024-05-01", "05/02/2024", ""),
        pick(rnd, "" + rnd.nextInt(-3000, 3000) / 100.0, "1.5", "-1.5", "1000.000001", "1e2", ""),
        pick(rnd, "ab", " cd", "Ef", "ab ", "x", "")
      };
      out.add(String.join(",", f));
    }
    return out;
  }

  private static String pick(SplittableRandom rnd, String... values) {
    return values[rnd.nextInt(values.length)];
  }

  private static void assertSameCounts(
      ActivityHarness h, String dataset, LocalDate d, boolean decided) {
    h.ingest.ingest(new PartitionRef(dataset, d.toString(), "run-" + dataset + d));
    LoadedConfig config = Failures.configAndTables(h.settings, h.dsl, dataset);
    Candidates candidates = Candidates.of(config, PartitionStore.requireLatest(h.dsl, dataset, d));
    List<Expectation.RowLevel> rowLevel =
        ValidateActivitiesImpl.rowLevel(
            config.expectations().stream().map(Expectation::of).toList());
    StreamScan stream = new StreamScan(config.schema(), rowLevel);
    Candidates.Filled filled = candidates.ensure(h.dsl, stream);
    String where = dataset + " " + d;
    assertThat(filled.reused()).as(where).isFalse();
    assertThat(filled.undecided()).as(where).isZero();
    assertThat(stream.decided()).as(where).isEqualTo(decided);
    if (!decided) {
      return;
    }
    ValidateActivitiesImpl.Counts streamed = stream.counts();
    ValidateActivitiesImpl.Counts sql =
        ValidateActivitiesImpl.Counts.scan(h.dsl, candidates, rowLevel);
    assertThat(streamed.rows()).as(where).isEqualTo(sql.rows()).isPositive();
    for (int k = 0; k < rowLevel.size(); k++) {
      String name = where + " " + rowLevel.get(k).config().name();
      assertThat(streamed.checked()[k]).as(name + " checked").isEqualTo(sql.checked()[k]);
      assertThat(streamed.unexpected()[k]).as(name + " unexpected").isEqualTo(sql.unexpected()[k]);
    }
    assertThat(streamed.latestEvent() == null ? null : streamed.latestEvent().toInstant())
        .as(where + " latest event")
        .isEqualTo(sql.latestEvent() == null ? null : sql.latestEvent().toInstant());
    assertThat(streamed.nulls()).as(where + " nulls").isEqualTo(sql.nulls());
    assertThat(streamed.spreads().keySet()).isEqualTo(sql.spreads().keySet());
    sql.spreads()
        .forEach(
            (column, s) -> {
              ColumnProfiles.Spread j = streamed.spreads().get(column);
              assertThat(j.min()).as(where + " min " + column).isEqualTo(s.min());
              assertThat(j.max()).as(where + " max " + column).isEqualTo(s.max());
              if (s.mean() == null) {
                assertThat(j.mean()).isNull();
              } else {
                // a sum of doubles depends on its order, which PostgreSQL's parallel workers vary
                assertThat(j.mean())
                    .as(where + " mean " + column)
                    .isCloseTo(s.mean(), within(1e-9 * Math.max(1, Math.abs(s.mean()))));
              }
            });
    // histograms binned from the distinct values the worker counted, as grouping the rows bins them
    assertThat(streamed.distinct().keySet())
        .as(where)
        .containsExactlyInAnyOrderElementsOf(config.schema().numericColumns());
    assertThat(
            ColumnProfiles.profiles(
                h.dsl, candidates, sql.nulls(), sql.spreads(), streamed.distinct(), sql.rows()))
        .as(where + " histograms")
        .isEqualTo(
            ColumnProfiles.profiles(
                h.dsl, candidates, sql.nulls(), sql.spreads(), Map.of(), sql.rows()));
    // the row-level expectations of each kind were not all vacuous
    assertThat(Arrays.stream(streamed.unexpected()).sum()).as(where).isPositive();
  }
}
