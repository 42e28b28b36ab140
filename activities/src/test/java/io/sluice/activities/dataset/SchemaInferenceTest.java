package io.sluice.activities.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.dataset.SchemaInference.Column;
import io.sluice.activities.dataset.SchemaInference.Draft;
import io.sluice.db.TestDatabases;
import io.sluice.samples.AppEventsGenerator;
import io.sluice.samples.OrdersGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice infer}'s guesses: the bundled examples' files give back what their pipeline files
 * declare, each rule holds on its own, and the parse checks accept what the database accepts.
 */
class SchemaInferenceTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);

  @TempDir Path tmp;

  static Column column(Draft d, String name) {
    return d.columns().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no column " + name + " in " + d.columns()));
  }

  /** A one-file partition {@code things/2024-03-01/part.csv} under the data root tmp/data. */
  Draft infer(List<String> lines) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("data/things/2024-03-01"));
    Files.write(dir.resolve("part.csv"), lines, StandardCharsets.UTF_8);
    return SchemaInference.infer(dir, "things", tmp.resolve("data"), SchemaInference.DEFAULT_ROWS);
  }

  /** A header and {@code n} rows; every row has an instant {@code ts} after the given columns. */
  static List<String> table(int n, String header, IntFunction<String> row) {
    List<String> lines = new ArrayList<>(List.of(header + ",ts"));
    for (int i = 0; i < n; i++) {
      lines.add(row.apply(i) + ",2024-03-01T" + String.format("%02d", i % 24) + ":00:00Z");
    }
    return lines;
  }

  @Nested
  class BundledExamples {

    @Test
    void generatedOrdersGiveBackWhatOrdersYamlDeclares() throws IOException {
      Path data = tmp.resolve("data");
      OrdersGenerator g = new OrdersGenerator(42, 400);
      for (int i = 0; i < 5; i++) {
        g.writeDay(data, FIRST, FIRST.plusDays(i));
      }
      Draft d = SchemaInference.infer(data.resolve("raw"), "orders", data, 10_000);

      assertThat(d.files().partitions()).hasSize(5);
      assertThat(d.files().sampledPartitions()).isEqualTo(3);
      assertThat(d.rows()).isEqualTo(3 * 400);
      assertThat(d.files().sourcePath()).isEqualTo("raw/{date}");
      assertThat(d.files().sourceFiles()).isNull();
      assertThat(column(d, "order_ts").type()).isEqualTo("timestamp");
      assertThat(column(d, "amount").type()).isEqualTo("decimal");
      assertThat(column(d, "quantity").type()).isEqualTo("integer");
      for (String name : List.of("status", "category")) {
        assertThat(column(d, name).type()).as(name).isEqualTo("enum");
        assertThat(column(d, name).caseFold()).as(name).isEqualTo("lower");
      }
      assertThat(column(d, "status").values()).contains("completed", "cancelled", "refunded");
      assertThat(column(d, "category").values()).contains(OrdersGeneratorValues.CATEGORIES);
      assertThat(column(d, "order_id").type()).isEqualTo("text");
      assertThat(d.primaryKey()).isEqualTo("order_id");
      assertThat(d.entityKey()).isEqualTo("customer_id");
      assertThat(d.eventTime()).isEqualTo("order_ts");
      assertThat(column(d, "order_id").nullable()).isFalse();
      assertThat(column(d, "customer_id").nullable()).isFalse();
      // day 2's file adds a column the others lack
      assertThat(column(d, "coupon_code").required()).isFalse();
      assertThat(d.kind()).as("order ids repeat only when corrected").isEqualTo("facts");
      assertThat(column(d, "order_ts").required()).isTrue();
      assertThat(d.yaml()).contains("path: raw/{date}").doesNotContain("files:");
    }

    @Test
    void generatedAppEventsGiveBackWhatAppEventsYamlDeclares() throws IOException {
      Path data = tmp.resolve("data");
      AppEventsGenerator g = new AppEventsGenerator(7, 300);
      // the first partition's file is gzip-compressed (every fifth day from "first" is)
      g.writeDay(data, FIRST.minusDays(4), FIRST);
      for (int i = 1; i < 4; i++) {
        g.writeDay(data, FIRST, FIRST.plusDays(i));
      }
      assertThat(data.resolve("app_events/2024-03-01/events.csv.gz")).exists();
      Draft d = SchemaInference.infer(data.resolve("app_events"), "app_events", data, 10_000);

      assertThat(d.rows()).isGreaterThanOrEqualTo(3 * 300);
      assertThat(column(d, "event_time").type()).isEqualTo("timestamp");
      assertThat(column(d, "event_time").assumeZone()).isNull();
      assertThat(column(d, "event_type").type()).isEqualTo("enum");
      // the values seen: a sample may miss a rare one (signup), and holds the odd bad one
      assertThat(column(d, "event_type").values()).contains("view", "add_to_cart", "purchase");
      assertThat(column(d, "platform").type()).isEqualTo("enum");
      assertThat(column(d, "platform").values()).contains("ios", "android", "web");
      Column revenue = column(d, "revenue");
      assertThat(revenue.type()).isEqualTo("decimal");
      assertThat(revenue.nullValues()).containsExactly("NA");
      assertThat(revenue.nullable()).isTrue();
      assertThat(column(d, "session_id").type()).isEqualTo("text");
      assertThat(d.primaryKey()).isEqualTo("event_id");
      assertThat(d.entityKey()).as(d.entityKeyReason()).isEqualTo("user_id");
      assertThat(d.entityKeyReason()).contains("session_id is nested in user_id");
      assertThat(d.kind()).isEqualTo("events");
      assertThat(d.eventTime()).isEqualTo("event_time");
      assertThat(d.yaml())
          .contains("path: app_events/{date}")
          .contains("revenue:")
          .contains("null_values: [\"NA\"]")
          .contains("{name: user_id_present, type: not_null, column: user_id, severity: error,")
          .contains("type: in_set, column: platform, severity: warn, mostly: 0.98}")
          .contains("type: drift, column: revenue, severity: warn, metric: null_fraction")
          .doesNotContain("type: unique");
    }
  }

  /** The generator's categories (package-private there). */
  static final class OrdersGeneratorValues {
    static final String[] CATEGORIES = {
      "electronics", "books", "home", "toys", "grocery", "fashion", "sports", "beauty"
    };
  }

  @Nested
  class Types {

    @Test
    void leadingZerosStayTextWhereANumberWouldDropThem() throws IOException {
      Draft d =
          infer(
              table(
                  100,
                  "zip,account_id,quantity",
                  i ->
                      String.format("%05d", 1000 + i * 37)
                          + ","
                          + (i == 50 ? "0042" : String.valueOf(100 + i))
                          + ","
                          + (i == 7 ? "05" : String.valueOf(1 + i % 4))));
      assertThat(column(d, "zip").type()).isEqualTo("text");
      assertThat(column(d, "zip").reason()).contains("leading zero (e.g. 01000)");
      assertThat(column(d, "account_id").type()).as("one is enough in an id").isEqualTo("text");
      assertThat(column(d, "quantity").type())
          .as("one in a hundred elsewhere is a stray")
          .isEqualTo("integer");
    }

    @Test
    void aTypeNeedsNinetyEightPercentOfTheValuesAndNamesTheRestAsQuarantined() throws IOException {
      Draft d =
          infer(
              table(
                  100,
                  "score,level",
                  i ->
                      (i < 2 ? "x" : String.valueOf(i)) + "," + (i < 3 ? "x" : String.valueOf(i))));
      Column score = column(d, "score");
      assertThat(score.type()).isEqualTo("integer");
      assertThat(score.reason())
          .contains("98 of 100 values are whole numbers")
          .contains("2 are not (e.g. x) and would be quarantined as bad_score");
      assertThat(d.yaml())
          .contains(
              "{name: score_parses, type: parses, column: score, severity: warn, mostly: 0.98}");
      assertThat(column(d, "level").type()).isEqualTo("text");
    }

    @Test
    void wholeNumbersWithAFewDecimalsAreDecimals() throws IOException {
      Draft d = infer(table(100, "price", i -> i == 3 ? "2.5" : String.valueOf(i)));
      assertThat(column(d, "price").type()).isEqualTo("decimal");
      assertThat(d.yaml()).contains("column: price, severity: warn, mostly: 0.99}");
    }

    @Test
    void zeroAndOneAreIntegersWordsAreBooleans() throws IOException {
      String[] words = {"yes", "no", "Y", "n", "TRUE", "false", "t", "F"};
      Draft d =
          infer(
              table(
                  40,
                  "flag,active,opt_in",
                  i ->
                      (i % 2)
                          + ","
                          + words[i % words.length]
                          + ","
                          + (i % 3 == 0 ? "1" : "false")));
      assertThat(column(d, "flag").type()).isEqualTo("integer");
      assertThat(column(d, "active").type()).isEqualTo("boolean");
      assertThat(column(d, "opt_in").type()).isEqualTo("boolean");
    }

    @Test
    void timestampsWithoutAnOffsetAreReadAsUtcWithAWarning() throws IOException {
      Draft d =
          infer(
              List.of(
                  "id,seen_at",
                  "1,2024-03-01 10:00:00",
                  "2,2024-03-01T11:30:00",
                  "3,2024-03-01T12:00:00+02:00"));
      Column seen = column(d, "seen_at");
      assertThat(seen.type()).isEqualTo("timestamp");
      assertThat(seen.assumeZone()).isEqualTo("UTC");
      assertThat(d.eventTime()).isEqualTo("seen_at");
      assertThat(d.notes()).anyMatch(n -> n.contains("seen_at: 2 values without an offset"));
      assertThat(d.yaml()).contains("assume_zone: UTC");
    }

    @Test
    void datesMustExistAndInstantsPreferTheirTimeName() throws IOException {
      Draft d =
          infer(
              table(
                  50,
                  "day,other,created_at",
                  i ->
                      "2024-02-"
                          + (10 + i % 19)
                          + ",2024-01-01T00:00:00Z"
                          + ",2024-01-01T00:00:00Z"));
      assertThat(column(d, "day").type()).isEqualTo("date");
      assertThat(d.eventTime()).isEqualTo("created_at");
      Draft bad = infer(table(50, "day", i -> i == 0 ? "2023-02-29" : "2024-02-29"));
      assertThat(column(bad, "day").type()).as("49 of 50").isEqualTo("date");
      assertThat(column(bad, "day").reason()).contains("e.g. 2023-02-29");
    }

    @Test
    void fewRecurringValuesAreAnEnumInTheirCaseAndNullTokensAreDeclared() throws IOException {
      String[] currencies = {"USD", "EUR", "GBP"};
      String[] status = {"Open", "closed", "OPEN", "-", "NA"};
      Draft d =
          infer(
              table(
                  60,
                  "currency,status,note",
                  i ->
                      currencies[i % 3]
                          + ","
                          + status[i % status.length]
                          + ","
                          + (i % 2 == 0 ? "" : "note " + i)));
      Column currency = column(d, "currency");
      assertThat(currency.type()).isEqualTo("enum");
      assertThat(currency.caseFold()).isEqualTo("upper");
      assertThat(currency.values()).containsExactlyInAnyOrder("USD", "EUR", "GBP");
      Column s = column(d, "status");
      assertThat(s.type()).isEqualTo("enum");
      assertThat(s.caseFold()).isEqualTo("lower");
      assertThat(s.values()).containsExactly("open", "closed");
      assertThat(s.nullValues()).containsExactly("-", "NA");
      assertThat(s.nullable()).isTrue();
      assertThat(column(d, "note").type()).isEqualTo("text");
      assertThat(column(d, "note").nullValues()).isEmpty();
      assertThat(d.yaml())
          .contains("null_values: [\"-\", \"NA\"]")
          .contains("values: [EUR, GBP, USD]")
          .contains("{name: status_null_fraction_stable, type: drift, column: status,");
    }
  }

  @Nested
  class Yaml {

    @Test
    void valuesFromTheFilesReadBackAsThemselves() throws IOException {
      String[] odd = {
        "a: b",
        "#tag",
        "say \"hi\"",
        "yes",
        "null",
        "1.5e3",
        "x\u2028y",
        "back\\slash",
        "tab\there",
        "{a}",
        "[b]",
        "&anchor"
      };
      String[] more = {"*alias", "!tag", "%pct", "@at", "`tick`", "é", "\u200bzero", "~"};
      Draft d =
          infer(
              table(
                  120,
                  "sym,mark",
                  i -> csv(odd[i % odd.length]) + "," + csv(more[i % more.length])));
      assertThat(column(d, "sym").type()).isEqualTo("enum");
      assertThat(column(d, "mark").type()).isEqualTo("enum");
      Path dir = Files.createDirectories(tmp.resolve("pipelines"));
      Files.writeString(dir.resolve("things.yaml"), d.yaml());
      var loaded = new io.sluice.activities.config.PipelineConfigLoader(dir).load("things");
      for (String name : List.of("sym", "mark")) {
        assertThat(loaded.config().columns().get(name).values())
            .as(name)
            .containsExactlyElementsOf(column(d, name).values());
      }
      assertThat(column(d, "sym").values()).contains("a: b", "x\u2028y", "say \"hi\"");
      assertThat(d.yaml().lines().filter(l -> l.startsWith("  sym:"))).hasSize(1);
    }

    private static String csv(String v) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
  }

  @Nested
  class Keys {

    @Test
    void aUniqueIdIsTheKeyOfFactsAndARecurringIdTheEntity() throws IOException {
      Draft d =
          infer(
              table(
                  100,
                  "name,id,shop_id,ticket_id",
                  i -> "n" + (i % 7) + "," + i + ",s" + (i % 15) + ",t" + (i % 40)));
      assertThat(d.primaryKey()).isEqualTo("id");
      assertThat(d.kind()).isEqualTo("facts");
      assertThat(d.entityKey()).as("the id with most values").isEqualTo("ticket_id");
      assertThat(column(d, "id").nullable()).isFalse();
      assertThat(d.yaml())
          .contains("{name: id_unique_in_partition, type: unique, column: id, severity: warn,")
          .contains("scope: partition");
    }

    @Test
    void anIdRepeatedInAFewRowsIsTheKeyOfFactsWhoseRowsAreCorrected() throws IOException {
      Draft d = infer(table(100, "order_id,user_id", i -> "o" + (i % 95) + ",u" + (i % 10)));
      assertThat(d.primaryKey()).isEqualTo("order_id");
      assertThat(d.kind()).isEqualTo("facts");
      assertThat(d.kindReason()).contains("order_id repeats in 5 rows", "replaces the earlier");
    }

    @Test
    void withoutAUniqueColumnTheMostDistinctIsTheKeyOfEvents() throws IOException {
      Draft d = infer(table(100, "ref,user_id", i -> "r" + (i % 90) + ",u" + (i % 10)));
      assertThat(d.primaryKey()).isEqualTo("ref");
      assertThat(d.kind()).isEqualTo("events");
      assertThat(d.kindReason()).contains("no column is unique", "ref repeats in 10 rows");
      assertThat(d.entityKey()).isEqualTo("user_id");
    }

    @Test
    void withoutARecurringColumnTheEntityIsThePrimaryKey() throws IOException {
      Draft d = infer(table(30, "id", i -> String.valueOf(i)));
      assertThat(d.entityKey()).isEqualTo("id");
      assertThat(d.entityKeyReason()).contains("no other column repeats");
    }
  }

  @Nested
  class Refusals {

    @Test
    void noInstantColumnIsRefused() {
      assertThatThrownBy(
              () -> infer(List.of("id,day,amount", "1,2024-03-01,5.00", "2,2024-03-02,5.50")))
          .isInstanceOf(SchemaInference.Refused.class)
          .hasMessageContaining("a dataset needs an instant to window its features on")
          .hasMessageContaining("day holds dates without a time of day")
          .hasMessageContaining("no file was written");
    }

    @Test
    void aHeaderNameSluiceCannotUseIsRefusedByName() {
      assertThatThrownBy(
              () -> infer(List.of("Order ID,line_no,amount$,ts", "1,2,3,2024-03-01T00:00:00Z")))
          .isInstanceOf(SchemaInference.Refused.class)
          .hasMessageContaining("Sluice reads columns by their header names")
          .hasMessageContaining("'Order ID' in part.csv (a column name is a lower-case identifier")
          .hasMessageContaining("'line_no' in part.csv ('line_no' is a name Sluice's tables use")
          .hasMessageContaining("'amount$'");
    }

    @Test
    void filesWithoutRowsAreRefused() {
      assertThatThrownBy(() -> infer(List.of("id,ts")))
          .isInstanceOf(SchemaInference.Refused.class)
          .hasMessageContaining("no rows");
    }
  }

  @Nested
  class WhereFilesAre {

    @Test
    void filesOutsideTheDataRootAreDeclaredUnderTheDatasetsNameWithANote() throws IOException {
      Path elsewhere = Files.createDirectories(tmp.resolve("downloads"));
      Path file = elsewhere.resolve("export.txt.gz");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write("id,ts\n1,2024-03-01T00:00:00Z\n".getBytes(StandardCharsets.UTF_8));
      }
      Draft d = SchemaInference.infer(file, "exports", tmp.resolve("data"), 100);
      assertThat(d.files().sourcePath()).isEqualTo("exports/{date}");
      assertThat(d.files().sourceFiles()).isEqualTo("*.txt.gz");
      assertThat(d.notes())
          .anyMatch(n -> n.contains("put each day's files under") && n.contains("exports"));
      assertThat(d.yaml()).contains("files: \"*.txt.gz\"");
    }

    @Test
    void theSampleIsSharedOutOverTheFiles() throws IOException {
      Path data = tmp.resolve("data");
      for (int day = 1; day <= 4; day++) {
        Path dir = Files.createDirectories(data.resolve("feed/2024-03-0" + day));
        Files.write(dir.resolve("a.csv"), table(100, "id", i -> String.valueOf(i)));
      }
      Draft d = SchemaInference.infer(data.resolve("feed"), "feed", data, 30);
      assertThat(d.rows()).isEqualTo(30);
      assertThat(d.filesRead()).isEqualTo(3);
      assertThat(d.files().partitions()).hasSize(4);
      assertThat(d.files().sourcePath()).isEqualTo("feed/{date}");
    }
  }

  /** The checks accept exactly what the database's parse functions accept. */
  @Nested
  class ParseRules {

    static final List<String> TYPES =
        List.of("integer", "bigint", "decimal", "double", "boolean", "date", "timestamp");

    @Test
    void javaAndTheDatabaseAgreeOnEveryValue() throws Exception {
      List<String> values =
          new ArrayList<>(
              List.of(
                  "0",
                  "-0",
                  "+7",
                  "007",
                  "123456789",
                  "1234567890",
                  "123456789012345678",
                  "1234567890123456789",
                  "1.5",
                  "1.",
                  ".5",
                  "1.1234567",
                  "123456789012345.123456",
                  "1234567890123456.1",
                  "1e5",
                  "1E-300",
                  "1e301",
                  "-2.5e+10",
                  "1e",
                  "e5",
                  " 1",
                  "1,000",
                  "١٢٣",
                  "１２",
                  "true",
                  "T",
                  "Yes",
                  "y",
                  "no",
                  "N",
                  "off",
                  "2",
                  "2024-02-29",
                  "2023-02-29",
                  "2024-04-31",
                  "0000-01-01",
                  "2024-1-01",
                  "20240101",
                  "2024-03-01T10:00:00Z",
                  "2024-03-01t10:00:00Z",
                  "2024-03-01 10:00Z",
                  "2024-03-01T10:00:00z",
                  "2024-03-01T10:00:00.123456789+05:30",
                  "2024-03-01T10:00:00.1234567890Z",
                  "2024-03-01T24:00:00Z",
                  "2024-03-01T10:00:60Z",
                  "2024-03-01T10:00:00+16:00",
                  "2024-03-01T10:00:00+1559",
                  "2024-03-01T10:00:00+15",
                  "2024-03-01T10:00:00-00:00",
                  "2023-02-29T10:00:00Z",
                  "2024-02-29T10:00:00Z",
                  "2024-03-01T10:00:00",
                  "2024-03-01 10:00",
                  "2024-03-01T10:00:00 Z",
                  "9999-12-31T23:59:59+15:00"));
      SplittableRandom rnd = new SplittableRandom(11);
      String alphabet = "0123456789+-.eETZ: tfyn";
      for (int n = 0; n < 3000; n++) {
        StringBuilder b = new StringBuilder();
        for (int k = rnd.nextInt(1, 8); k > 0; k--) {
          b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        values.add(b.toString().strip());
      }
      // date-times with one character changed: near misses of every part
      String template = "2024-02-28T23:59:59.5+14:30";
      for (int n = 0; n < 3000; n++) {
        char[] c = template.toCharArray();
        c[rnd.nextInt(c.length)] = "0123456789+-:TZ ".charAt(rnd.nextInt(16));
        String v = new String(c);
        values.add(rnd.nextBoolean() ? v : v.substring(0, rnd.nextInt(10, v.length())));
      }
      values.removeIf(String::isEmpty);
      try (HikariDataSource db = TestDatabases.fresh();
          Connection c = db.getConnection();
          PreparedStatement s =
              c.prepareStatement(
                  "select v, meta.try_integer(v) is not null, meta.try_bigint(v) is not null,"
                      + " meta.try_decimal(v) is not null, meta.try_double(v) is not null,"
                      + " meta.try_boolean(v) is not null, meta.try_date(v) is not null,"
                      + " meta.try_instant(v) is not null,"
                      + " meta.try_local_instant(v, 'UTC') is not null"
                      + " from unnest(?::text[]) v")) {
        Array array = c.createArrayOf("text", values.toArray());
        s.setArray(1, array);
        List<String> disagree = new ArrayList<>();
        int checked = 0;
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            String v = r.getString(1);
            for (int t = 0; t < TYPES.size(); t++) {
              if (SchemaInference.parses(TYPES.get(t), v) != r.getBoolean(t + 2)) {
                disagree.add(TYPES.get(t) + " '" + v + "'");
              }
            }
            if (SchemaInference.parses("local timestamp", v) != r.getBoolean(9)) {
              disagree.add("local timestamp '" + v + "'");
            }
            checked++;
          }
        }
        assertThat(checked).isEqualTo(values.size());
        assertThat(disagree).isEmpty();
      }
      assertThat(values.stream().filter(v -> SchemaInference.parses("timestamp", v)).count())
          .as("the corpus holds instants")
          .isGreaterThan(50);
    }
  }
}
