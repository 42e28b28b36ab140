package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.RowJudge;
import io.sluice.activities.stage.DeclaredSchemaPropertyTest.Column;
import io.sluice.activities.stage.DeclaredSchemaPropertyTest.Partition;
import io.sluice.activities.stage.DeclaredSchemaPropertyTest.Schema;
import io.sluice.activities.support.PartitionStore;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's row judge ({@link RowJudge}) against the SQL judgement it must agree with ({@link
 * Judgement}): random declared schemas, random rows with every defect the property test makes plus
 * text chosen to find where Java and PostgreSQL part (other scripts' digits and letters, case
 * folding beyond ASCII, fractions that round, daylight-saving gaps and overlaps, doubles at 15
 * significant digits, patterns outside the common core). For every row the judge decides, the typed
 * values and the reasons, in order, are the SQL's; a row it leaves undecided is judged by the SQL,
 * so only the share of those is bounded.
 */
class RowJudgeDifferentialTest {

  static final int SCHEMAS = 24;
  static final LocalDate DAY = DeclaredSchemaPropertyTest.DAY;

  @TempDir Path tmp;

  @Test
  void everyDecidedRowHasTheSqlsValuesAndReasons() throws IOException {
    long decided = 0;
    long undecided = 0;
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      for (int seed = 1; seed <= SCHEMAS; seed++) {
        SplittableRandom rnd = new SplittableRandom(seed * 104_729L);
        Schema s = Schema.random("judge_" + (char) ('a' + seed), rnd);
        Partition p = Partition.random(s, rnd);
        PartitionVersionsRecord version = ingestHostile(h, s, p, rnd, seed);
        DatasetSchema schema = h.settings.config(s.dataset).schema();
        Condition rows = PartitionStore.rawRows(schema, version);
        Candidates candidates = Candidates.of(schema, version, Set.of());
        Map<Long, Record> sql = new TreeMap<>();
        for (Record r : h.dsl.fetch(Judgement.select(candidates, rows))) {
          sql.put(r.get("line_no", Long.class), r);
        }
        RowJudge judge = RowJudge.of(schema);
        String where = "seed " + seed + "\n" + s.yaml();
        for (Record in : h.dsl.fetch(Candidates.rawTexts(schema, rows))) {
          long line = in.get("line_no", Long.class);
          String[] texts = new String[schema.columns().size()];
          for (int i = 0; i < texts.length; i++) {
            texts[i] = in.get("t" + i, String.class);
          }
          RowJudge.Verdict v = judge.judge(texts, in.get("wrong_fields", Boolean.class));
          if (v.undecided()) {
            undecided++;
            continue;
          }
          decided++;
          Record expected = sql.get(line);
          String row = where + "line " + line + ": " + Arrays.toString(texts);
          assertThat(v.reasons())
              .as(row)
              .containsExactly(expected.get(Candidates.REASONS, String[].class));
          for (int i = 0; i < texts.length; i++) {
            ColumnSpec c = schema.columns().get(i);
            assertThat(comparable(v.values()[i]))
                .as(row + " column " + c.name())
                .isEqualTo(comparable(expected.get(c.name())));
          }
        }
        assertThat(sql).as(where).hasSize(p.rows.size());
      }
    }
    System.out.printf(
        "RowJudgeDifferentialTest: %d rows decided by the judge, %d left to the SQL%n",
        decided, undecided);
    assertThat(decided).isGreaterThan(SCHEMAS * (long) DeclaredSchemaPropertyTest.ROWS * 3 / 4);
    assertThat(undecided).isGreaterThan(0); // the hostile values reach the fallback
  }

  /**
   * Makes {@code p} hostile, ingests it as the one file of {@code s}'s partition, and returns the
   * partition's version.
   */
  static PartitionVersionsRecord ingestHostile(
      ActivityHarness h, Schema s, Partition p, SplittableRandom rnd, int seed) throws IOException {
    hostile(s, p, rnd);
    Files.writeString(h.settings.pipelinesDir().resolve(s.dataset + ".yaml"), s.yaml());
    Path dir = h.settings.dataRoot().resolve(s.dataset).resolve(DAY.toString());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("part.csv"), p.csv());
    h.ingest.ingest(new PartitionRef(s.dataset, DAY.toString(), "run-" + seed));
    return PartitionStore.requireLatest(h.dsl, s.dataset, DAY);
  }

  /** Values compared as values: numbers by type and scale, instants as instants. */
  private static Object comparable(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof OffsetDateTime t) {
      return t.toInstant();
    } else if (v instanceof java.sql.Timestamp t) {
      return t.toInstant();
    } else if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    } else if (v instanceof Number n) {
      return v.getClass().getSimpleName() + " " + n;
    }
    return v;
  }

  /** Replaces some values with text chosen to find where Java and PostgreSQL disagree. */
  static void hostile(Schema s, Partition p, SplittableRandom rnd) {
    for (Column c : s.columns) {
      if (c.pattern != null && rnd.nextBoolean()) {
        c.pattern = c.pattern.replace("[A-Z]", "[[:upper:]]").replace("[a-z]", "[[:lower:]]");
      }
    }
    for (List<String> row : p.rows) {
      for (int f = 0; f < row.size() && f < p.header.size(); f++) {
        if (rnd.nextInt(6) != 0 || p.header.get(f).equals("extra_field")) {
          continue;
        }
        Column c = s.column(p.header.get(f));
        List<String> pool = HOSTILE.getOrDefault(c.type, List.of());
        List<String> any = HOSTILE_TEXT;
        List<String> from = rnd.nextInt(3) == 0 || pool.isEmpty() ? any : pool;
        row.set(f, from.get(rnd.nextInt(from.size())));
      }
    }
  }

  static final List<String> HOSTILE_TEXT =
      List.of(
          "\u0661\u0662", // Arabic-Indic digits
          "\uFF11\uFF12", // fullwidth digits
          "stra\u00DFe",
          "\u0130stanbul",
          "\u01C5ungla",
          "caf\u00E9",
          "\u00C0B",
          "\u00A05\u00A0", // no-break spaces: not trimmed
          "\t7\t",
          " 12 ",
          "K\u212A", // Kelvin sign
          "NA ",
          " na",
          "NULL",
          "-",
          "+",
          ".",
          "0",
          "-0",
          "TRUE",
          "yEs",
          "ab1",
          "AB1",
          "ab1\u200B",
          "ab\u00E71",
          "w1\u0301");

  static final Map<DeclaredSchemaPropertyTest.Type, List<String>> HOSTILE =
      Map.of(
          DeclaredSchemaPropertyTest.Type.INTEGER,
          List.of("+7", "-0", "007", "999999999", "-999999999", "1234567890", "2147483647", "1 2"),
          DeclaredSchemaPropertyTest.Type.BIGINT,
          List.of("+1", "999999999999999999", "-999999999999999999", "0000000000000000001"),
          DeclaredSchemaPropertyTest.Type.DECIMAL,
          List.of(
              "1.50",
              "-0.0",
              "+3.000001",
              "999999999999999.999999",
              "0.1234567",
              "12.",
              ".5",
              "00012.3400"),
          DeclaredSchemaPropertyTest.Type.DOUBLE,
          List.of(
              "0.1",
              "-0",
              "1.000000000000001",
              "123456789012345678",
              "0.30000000000000004",
              "1e-300",
              "9.99e300",
              ".5e3",
              "5.",
              "1E+2",
              "19.999999999999999",
              "0.000000000000000000000000000001e-300",
              "999999999999999999999999999999e300",
              "1e308",
              "-1e-307"),
          DeclaredSchemaPropertyTest.Type.BOOLEAN,
          List.of("TRUE", "yEs", "N", "0", "tru", "\u0130"),
          DeclaredSchemaPropertyTest.Type.DATE,
          List.of("2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31"),
          DeclaredSchemaPropertyTest.Type.TIMESTAMP,
          List.of(
              "2024-03-01T23:59:59.9999996Z",
              "2024-03-01T10:00:00.0000005Z",
              "2024-03-01T10:00:00.0000015Z",
              "2024-03-01T10:00:00.0000025+01",
              "2024-03-01 10:00:00.123456789-0530",
              "2024-03-01T10:00z",
              "2024-03-01T10:00:00+15:59",
              "2024-03-01T10:00:00+16:00",
              "2024-03-31 02:30:00",
              "2024-10-27 02:30:00",
              "2024-10-27 01:30:00",
              "2024-02-29T12:00:00",
              "0001-01-01T00:00:00+15",
              "1900-01-01T00:00:00Z",
              "2099-12-31T23:59:59.9999999Z"),
          DeclaredSchemaPropertyTest.Type.ENUM,
          List.of("RED", "red ", "gr\u0065en", "blu\u00E9"));
}
