package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * What {@link BinaryCopyEncoder} writes, PostgreSQL reads as the same values it reads from their
 * COPY text: random numbers of every scale and size (negative scales, zeros, trailing zeros, more
 * digits than a long holds), instants and dates across the years 1 to 9999, doubles (NaN, the
 * infinities, -0), booleans, texts in several scripts, text arrays (empty, with quotes and
 * backslashes) and jsonb. Each row is loaded twice into a real PostgreSQL table, once in binary and
 * once from the text PostgreSQL parses, and the two tables are compared as text (a number's text
 * shows its display scale).
 */
class BinaryCopyEncoderTest {

  @TempDir Path tmp;

  private static final String COLUMNS =
      "(n numeric, t timestamptz, d date, f float8, b boolean, s text, a text[], j jsonb, i int4,"
          + " l int8)";

  @Test
  void postgresqlReadsTheBinaryRowsAsTheTextOfTheSameValues() throws Exception {
    SplittableRandom rnd = new SplittableRandom(7);
    List<Object[]> rows = new ArrayList<>();
    for (int k = 0; k < 3000; k++) {
      rows.add(
          new Object[] {
            number(rnd),
            instant(rnd),
            LocalDate.ofEpochDay(rnd.nextLong(-719_162, 2_932_896)),
            dbl(rnd),
            rnd.nextBoolean(),
            string(rnd),
            strings(rnd),
            "{\"k\": " + (rnd.nextBoolean() ? "null" : "\"" + jsonSafe(string(rnd)) + "\"") + "}",
            rnd.nextInt(),
            rnd.nextLong()
          });
    }
    rows.add(
        new Object[] {
          BigDecimal.ZERO, null, null, -0.0, null, "", List.of(), "{}", 0, Long.MIN_VALUE
        });
    rows.add(
        new Object[] {
          new BigDecimal("-0.000"), null, null, Double.NaN, null, null, List.of(""), "[]", -1, -1L
        });
    rows.add(
        new Object[] {
          new BigDecimal("1E+5"),
          null,
          null,
          Double.POSITIVE_INFINITY,
          null,
          null,
          List.of("a\"b", "c\\d", "{,}", "NULL"),
          "1",
          Integer.MIN_VALUE,
          Long.MAX_VALUE
        });

    BinaryCopyEncoder row = new BinaryCopyEncoder(16);
    ByteArrayOutputStream binary = new ByteArrayOutputStream();
    binary.write(BinaryCopyEncoder.HEADER);
    StringBuilder text = new StringBuilder();
    for (Object[] r : rows) {
      row.clear();
      row.row(r.length);
      row.numeric((BigDecimal) r[0]);
      if (r[1] == null) {
        row.nullField();
      } else {
        row.timestamp((OffsetDateTime) r[1]);
      }
      if (r[2] == null) {
        row.nullField();
      } else {
        row.date((LocalDate) r[2]);
      }
      row.float8((Double) r[3]);
      if (r[4] == null) {
        row.nullField();
      } else {
        row.bool((Boolean) r[4]);
      }
      row.text((String) r[5]);
      @SuppressWarnings("unchecked")
      List<String> items = (List<String>) r[6];
      row.textArray(items);
      row.jsonb((String) r[7]);
      row.int4((Integer) r[8]);
      row.int8((Long) r[9]);
      binary.write(row.array(), 0, row.size());

      text.append(((BigDecimal) r[0]).toPlainString()).append('\t');
      text.append(r[1] == null ? "\\N" : r[1].toString()).append('\t');
      text.append(r[2] == null ? "\\N" : r[2].toString()).append('\t');
      text.append(r[3].toString()).append('\t');
      text.append(r[4] == null ? "\\N" : r[4].toString()).append('\t');
      text.append(r[5] == null ? "\\N" : escape((String) r[5])).append('\t');
      text.append(escape(arrayLiteral(items))).append('\t');
      text.append(escape((String) r[7])).append('\t');
      text.append(r[8]).append('\t').append(r[9]).append('\n');
    }
    binary.write(BinaryCopyEncoder.TRAILER);

    try (ActivityHarness h = new ActivityHarness(tmp);
        Connection c = h.dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      st.execute("CREATE TEMP TABLE from_binary " + COLUMNS);
      st.execute("CREATE TEMP TABLE from_text " + COLUMNS);
      var copy = c.unwrap(PGConnection.class).getCopyAPI();
      long loaded =
          copy.copyIn(
              "COPY from_binary FROM STDIN (FORMAT binary)",
              new ByteArrayInputStream(binary.toByteArray()));
      copy.copyIn(
          "COPY from_text FROM STDIN",
          new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)));
      assertThat(loaded).isEqualTo(rows.size());
      String asText = "select row_number() over () as k, x::text from %s x";
      try (ResultSet differ =
          st.executeQuery(
              "select b.x, t.x from ("
                  + asText.formatted("from_binary")
                  + ") b full join ("
                  + asText.formatted("from_text")
                  + ") t using (k) where b.x is distinct from t.x limit 5")) {
        List<String> differences = new ArrayList<>();
        while (differ.next()) {
          differences.add(differ.getString(1) + " <> " + differ.getString(2));
        }
        assertThat(differences).isEmpty();
      }
    }
  }

  private static BigDecimal number(SplittableRandom rnd) {
    BigInteger unscaled =
        switch (rnd.nextInt(4)) {
          case 0 -> BigInteger.valueOf(rnd.nextInt(100_000) - 50_000);
          case 1 -> BigInteger.valueOf(rnd.nextLong());
          case 2 -> BigInteger.valueOf(rnd.nextLong(1L << 49));
          default -> new BigInteger(40 + rnd.nextInt(100), new java.util.Random(rnd.nextLong()));
        };
    if (rnd.nextInt(5) == 0) {
      unscaled = unscaled.multiply(BigInteger.TEN.pow(rnd.nextInt(1, 9))); // trailing zeros
    }
    if (rnd.nextBoolean()) {
      unscaled = unscaled.negate();
    }
    return new BigDecimal(unscaled, rnd.nextInt(-6, 30));
  }

  private static OffsetDateTime instant(SplittableRandom rnd) {
    long seconds = rnd.nextLong(-62_135_596_800L, 253_402_300_799L);
    return OffsetDateTime.ofInstant(
        java.time.Instant.ofEpochSecond(seconds, rnd.nextInt(1_000_000) * 1000L), ZoneOffset.UTC);
  }

  private static double dbl(SplittableRandom rnd) {
    return switch (rnd.nextInt(3)) {
      case 0 -> rnd.nextDouble() * 1e6;
      case 1 -> Math.scalb(rnd.nextDouble() - 0.5, rnd.nextInt(-1000, 1000));
      default -> rnd.nextInt(1000) / 100.0;
    };
  }

  private static String string(SplittableRandom rnd) {
    String[] parts = {"a", "Z", "é", "日本", "🙂", " ", "\t", "\\", "\"", ",", "x1"};
    StringBuilder b = new StringBuilder();
    for (int i = rnd.nextInt(8); i > 0; i--) {
      b.append(parts[rnd.nextInt(parts.length)]);
    }
    return b.toString();
  }

  private static List<String> strings(SplittableRandom rnd) {
    List<String> out = new ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      out.add(string(rnd));
    }
    return out;
  }

  private static String jsonSafe(String s) {
    return s.replace("\\", "").replace("\"", "").replace("\t", "");
  }

  /** A text[] literal: every element quoted, quotes and backslashes escaped. */
  private static String arrayLiteral(List<String> items) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < items.size(); i++) {
      b.append(i > 0 ? "," : "").append('"');
      b.append(items.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append('}').toString();
  }

  /** A field in COPY text form. */
  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }
}
