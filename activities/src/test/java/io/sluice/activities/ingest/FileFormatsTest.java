package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.Sources;
import io.sluice.activities.Sources.Outcome;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same orders as CSV, JSON Lines and Parquet files stage the same rows, quarantine the same
 * rows for the same reasons and reconcile the same counts; each format's broken files are refused
 * naming the file, the line (a Parquet row) and the problem, with raw left as it was.
 */
class FileFormatsTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 4;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void jsonLinesAndParquetStageWhatCsvStages() throws IOException {
    Path csvRoot = tmp.resolve("csv");
    OrdersGenerator gen = new OrdersGenerator(7, 400);
    for (int i = 0; i < DAYS; i++) {
      gen.writeDay(csvRoot.resolve("data"), FIRST, FIRST.plusDays(i));
    }
    Outcome csv;
    Outcome csvWithoutLines;
    try (ActivityHarness h = harness(csvRoot, null)) {
      Sources.stage(h, FIRST, DAYS);
      csv = Outcome.of(h, true);
      csvWithoutLines = Outcome.of(h, false);
    }
    assertThat(csv.staged()).hasSizeGreaterThan(1000);
    assertThat(csv.quarantined()).isNotEmpty();
    assertThat(csv.extras().toString()).as("the extra column's day").contains("coupon_code");

    Path jsonRoot = tmp.resolve("jsonl");
    Path parquetRoot = tmp.resolve("parquet");
    for (int i = 0; i < DAYS; i++) {
      String day = FIRST.plusDays(i).toString();
      Path source = csvRoot.resolve("data/raw").resolve(day).resolve("orders.csv");
      toJsonLines(source, dir(jsonRoot, day).resolve("orders.jsonl"));
      toParquet(source, dir(parquetRoot, day).resolve("orders.parquet"));
    }
    try (ActivityHarness h = harness(jsonRoot, "files: \"*.jsonl\"")) {
      Sources.stage(h, FIRST, DAYS);
      assertThat(Outcome.of(h, true)).isEqualTo(csv);
    }
    try (ActivityHarness h = harness(parquetRoot, "format: parquet")) {
      Sources.stage(h, FIRST, DAYS);
      assertThat(Outcome.of(h, false)).isEqualTo(csvWithoutLines);
    }
  }

  @Test
  void typedParquetColumnsArriveAsTheTextCsvWouldHold() throws IOException {
    MessageType schema =
        Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("order_id")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("customer_id")
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .named("order_ts")
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.decimalType(2, 12))
            .named("amount")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("currency")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.enumType())
            .named("status")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("category")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("country")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("channel")
            .required(PrimitiveTypeName.INT32)
            .named("quantity")
            .optional(PrimitiveTypeName.DOUBLE)
            .named("discount")
            .named("orders");
    Path file = dir(tmp.resolve("typed"), FIRST.toString()).resolve("orders.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = writer(file, schema)) {
      w.write(order(groups, "o-1", 1_709_287_200_123_456L, 1250, 3).append("discount", 0.25));
      w.write(order(groups, "o-2", 1_709_290_800_000_000L, -5, 1));
      w.write(order(groups, "o-3", 1_709_294_400_000_000L, 99, 0));
      for (int i = 10; i < 40; i++) {
        w.write(order(groups, "o-" + i, 1_709_294_400_000_000L, 100 + i, 1));
      }
    }
    try (ActivityHarness h = harness(tmp.resolve("typed"), "files: \"*.parquet\"")) {
      Sources.stage(h, FIRST);
      assertThat(
              h.dsl
                  .fetch(
                      "select order_id || ' ' || order_ts || ' ' || amount || ' ' || quantity"
                          + " from stg.orders where order_id in ('o-1', 'o-2', 'o-3') order by 1")
                  .into(String.class))
          .containsExactly("o-1 2024-03-01 10:00:00.123456+00 12.50 3");
      assertThat(
              h.dsl
                  .fetch(
                      "select (record->>'order_id') || ' ' || array_to_string(reasons, ',') from"
                          + " quarantine.orders order by 1")
                  .into(String.class))
          .containsExactly("o-2 negative_amount", "o-3 bad_quantity");
      assertThat(h.dsl.fetchValue("select amount from raw.orders where order_id = 'o-2'"))
          .isEqualTo("-0.05");
      assertThat(h.dsl.fetchValue("select order_ts from raw.orders where order_id = 'o-1'"))
          .isEqualTo("2024-03-01T10:00:00.123456Z");
      assertThat(h.dsl.fetchValue("select extra::text from raw.orders where order_id = 'o-1'"))
          .isEqualTo("{\"discount\": \"0.25\"}");
    }
  }

  @Test
  void nestedAndRepeatedParquetColumnsNoDeclarationReadsAreKeptAsJsonExtras() throws IOException {
    MessageType schema =
        orderColumns()
            // a group
            .optionalGroup()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("city")
            .optional(PrimitiveTypeName.INT32)
            .named("zip")
            .named("address")
            // a LIST in the three-level form, an element null
            .optionalGroup()
            .as(LogicalTypeAnnotation.listType())
            .repeatedGroup()
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("element")
            .named("list")
            .named("tags")
            // a LIST as older writers wrote it: the repeated group is the element
            .optionalGroup()
            .as(LogicalTypeAnnotation.listType())
            .repeatedGroup()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("name")
            .named("array")
            .named("old_list")
            // a repeated primitive at the top level
            .repeated(PrimitiveTypeName.INT32)
            .named("legacy")
            // a MAP, a value null
            .optionalGroup()
            .as(LogicalTypeAnnotation.mapType())
            .repeatedGroup()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("key")
            .optional(PrimitiveTypeName.DOUBLE)
            .named("value")
            .named("key_value")
            .named("attrs")
            // a repeated group holding a repeated field
            .repeatedGroup()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("sku")
            .repeated(PrimitiveTypeName.INT32)
            .named("qty")
            .named("items")
            // a MAP whose key may be null, not the form the format describes: kept as an object
            .optionalGroup()
            .as(LogicalTypeAnnotation.mapType())
            .repeatedGroup()
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("key")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("value")
            .named("key_value")
            .named("odd_map")
            // a LIST whose repeated group holds one repeated field: the group is the element
            .optionalGroup()
            .as(LogicalTypeAnnotation.listType())
            .repeatedGroup()
            .repeated(PrimitiveTypeName.INT32)
            .named("x")
            .named("bag")
            .named("bags")
            .named("orders");
    Path file = dir(tmp.resolve("nested"), FIRST.toString()).resolve("orders.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = writer(file, schema)) {
      Group full = order(groups, "o-1", 1_709_287_200_000_000L, 1250, 3);
      full.addGroup("address").append("city", "Lyon \"centre\"").append("zip", 69001);
      Group tags = full.addGroup("tags");
      tags.addGroup("list").append("element", "gift");
      tags.addGroup("list");
      tags.addGroup("list").append("element", "b\\c");
      full.addGroup("old_list").addGroup("array").append("name", "n1");
      full.append("legacy", 1).append("legacy", 2);
      Group attrs = full.addGroup("attrs");
      attrs.addGroup("key_value").append("key", "x").append("value", 1.5);
      attrs.addGroup("key_value").append("key", "y");
      full.addGroup("items").append("sku", "A").append("qty", 1).append("qty", 2);
      full.addGroup("items").append("sku", "B");
      Group odd = full.addGroup("odd_map");
      odd.addGroup("key_value").append("key", "k1").append("value", "v1");
      odd.addGroup("key_value").append("value", "v2");
      Group bags = full.addGroup("bags");
      bags.addGroup("bag").append("x", 1).append("x", 2);
      bags.addGroup("bag");
      w.write(full);
      Group sparse = order(groups, "o-2", 1_709_287_200_000_000L, 100, 1);
      sparse.addGroup("tags"); // an empty list
      sparse.addGroup("address").append("city", "Oslo");
      w.write(sparse);
      w.write(order(groups, "o-3", 1_709_287_200_000_000L, 100, 1));
      for (int i = 10; i < 40; i++) {
        w.write(order(groups, "o-" + i, 1_709_294_400_000_000L, 100 + i, 1));
      }
    }
    try (ActivityHarness h = harness(tmp.resolve("nested"), "files: \"*.parquet\"")) {
      Sources.stage(h, FIRST);
      assertThat(extra(h, "o-1"))
          .isEqualTo(
              JSON.readTree(
                  "{\"address\": {\"city\": \"Lyon \\\"centre\\\"\", \"zip\": \"69001\"},"
                      + " \"tags\": [\"gift\", null, \"b\\\\c\"], \"old_list\": [{\"name\": \"n1\"}],"
                      + " \"legacy\": [\"1\", \"2\"], \"attrs\": {\"x\": \"1.5\", \"y\": null},"
                      + " \"items\": [{\"sku\": \"A\", \"qty\": [\"1\", \"2\"]}, {\"sku\": \"B\"}],"
                      + " \"odd_map\": {\"key_value\": [{\"key\": \"k1\", \"value\": \"v1\"},"
                      + " {\"value\": \"v2\"}]}, \"bags\": [{\"x\": [\"1\", \"2\"]}, {}]}"));
      assertThat(extra(h, "o-2"))
          .isEqualTo(JSON.readTree("{\"tags\": [], \"address\": {\"city\": \"Oslo\"}}"));
      assertThat(h.dsl.fetchValue("select extra from raw.orders where order_id = 'o-3'")).isNull();
      assertThat(h.dsl.fetchValue("select count(*) from stg.orders")).isEqualTo(33L);
    }
  }

  @Test
  void aNulCharacterInANestedParquetValueIsRefused() throws IOException {
    MessageType schema =
        orderColumns()
            .optionalGroup()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("city")
            .named("address")
            .named("orders");
    Path dir = dir(tmp.resolve("nul-nested"), FIRST.toString());
    try (ParquetWriter<Group> w = writer(dir.resolve("orders.parquet"), schema)) {
      Group g = order(new SimpleGroupFactory(schema), "o-1", 1_709_287_200_000_000L, 100, 1);
      g.addGroup("address").append("city", "Ly\0on");
      w.write(g);
    }
    try (ActivityHarness h = harness(tmp.resolve("nul-nested"), "format: parquet")) {
      assertRefused(h, "orders.parquet line 1: nul_character: a NUL character");
    }
  }

  /** The orders' columns as {@link #order} fills them, for a schema to add fields to. */
  private static Types.GroupBuilder<MessageType> orderColumns() {
    return Types.buildMessage()
        .required(PrimitiveTypeName.BINARY)
        .as(LogicalTypeAnnotation.stringType())
        .named("order_id")
        .required(PrimitiveTypeName.BINARY)
        .named("customer_id")
        .required(PrimitiveTypeName.INT64)
        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
        .named("order_ts")
        .required(PrimitiveTypeName.INT64)
        .as(LogicalTypeAnnotation.decimalType(2, 12))
        .named("amount")
        .optional(PrimitiveTypeName.BINARY)
        .named("currency")
        .required(PrimitiveTypeName.BINARY)
        .named("status")
        .required(PrimitiveTypeName.BINARY)
        .named("category")
        .optional(PrimitiveTypeName.BINARY)
        .named("country")
        .optional(PrimitiveTypeName.BINARY)
        .named("channel")
        .required(PrimitiveTypeName.INT32)
        .named("quantity");
  }

  private static com.fasterxml.jackson.databind.JsonNode extra(ActivityHarness h, String orderId)
      throws IOException {
    return JSON.readTree(
        h.dsl
            .fetchValue("select extra::text from raw.orders where order_id = ?", orderId)
            .toString());
  }

  @Test
  void aParquetColumnOfTheWrongTypeRefusesTheFile() throws IOException {
    MessageType schema =
        Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("order_id")
            .required(PrimitiveTypeName.BOOLEAN)
            .named("amount")
            .required(PrimitiveTypeName.DOUBLE)
            .named("quantity")
            .named("orders");
    Path file = dir(tmp.resolve("wrong"), FIRST.toString()).resolve("orders.parquet");
    try (ParquetWriter<Group> w = writer(file, schema)) {
      w.write(
          new SimpleGroupFactory(schema)
              .newGroup()
              .append("order_id", "o-1")
              .append("amount", true)
              .append("quantity", 2.0));
    }
    try (ActivityHarness h = harness(tmp.resolve("wrong"), "format: parquet")) {
      assertRefused(
          h,
          "orders.parquet line 1: type_mismatch: 'amount' is declared decimal but the file stores"
              + " it as BOOLEAN; 'quantity' is declared integer but the file stores it as DOUBLE");
    }
  }

  @Test
  void aTruncatedParquetFileIsRefused() throws IOException {
    Path whole = tmp.resolve("whole.parquet");
    MessageType schema =
        Types.buildMessage()
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("order_id")
            .named("orders");
    try (ParquetWriter<Group> w = writer(whole, schema)) {
      for (int i = 0; i < 1000; i++) {
        w.write(new SimpleGroupFactory(schema).newGroup().append("order_id", "o-" + i));
      }
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path dir = dir(tmp.resolve("truncated"), FIRST.toString());
    Files.write(dir.resolve("orders.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    try (ActivityHarness h = harness(tmp.resolve("truncated"), "format: parquet")) {
      assertRefused(h, "orders.parquet line 1: not_parquet: not a complete Parquet file");
    }
  }

  @Test
  void jsonLinesValuesNestedValuesAndExtras() throws IOException {
    Path dir = dir(tmp.resolve("nested"), FIRST.toString());
    Files.writeString(dir.resolve("orders.jsonl.gz.tmp"), "");
    Files.delete(dir.resolve("orders.jsonl.gz.tmp"));
    String lines =
        "\uFEFF{\"order_id\":\"o-1\",\"customer\":{\"id\":\"c-9\",\"tier\":\"gold\"},"
            + "\"order_ts\":\"2024-03-01T10:00:00Z\",\"amount\":12.50,\"status\":\"completed\","
            + "\"category\":\"books\",\"quantity\":2,\"gift\":true,\"tags\":[\"a\",\"b\"]}\r\n"
            + "\n"
            + "{\"order_id\":\"o-2\",\"customer\":{\"id\":\"c-9\"},\"order_ts\":\"2024-03-01T11:00:00Z\","
            + "\"amount\":{\"value\":3},\"status\":\"completed\",\"category\":\"books\","
            + "\"quantity\":null}\n"
            + "{\"order_id\":\"o-3\",\"customer\":{\"id\":\"c-8\"},\"order_ts\":\"2024-03-01T12:00:00Z\","
            + "\"amount\":1e2,\"status\":\"COMPLETED\",\"category\":\"books\",\"quantity\":\"4\"}\n"
            + good(30);
    try (var out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("orders.jsonl.gz")))) {
      out.write(lines.getBytes(StandardCharsets.UTF_8));
    }
    try (ActivityHarness h = harness(tmp.resolve("nested"), "files: \"*.jsonl.gz\"")) {
      Path yaml = h.settings.pipelinesDir().resolve("orders.yaml");
      Files.writeString(
          yaml,
          Files.readString(yaml)
              .replace(
                  "customer_id: {type: text, nullable: false}",
                  "customer_id: {type: text, nullable: false, json_pointer: /customer/id}"));
      Sources.stage(h, FIRST);
      assertThat(
              h.dsl
                  .fetch(
                      "select concat_ws(' ', order_id, customer_id, amount, quantity, status)"
                          + " from stg.orders where order_id < 'o-4' order by 1")
                  .into(String.class))
          .containsExactly("o-1 c-9 12.50 2 completed", "o-3 c-8 100 4 completed");
      assertThat(
              h.dsl
                  .fetch(
                      "select (record->>'order_id') || ' ' || array_to_string(reasons, ',') || ' ' ||"
                          + " line_no from quarantine.orders order by 1")
                  .into(String.class))
          .containsExactly("o-2 bad_amount,missing_quantity 3");
      assertThat(h.dsl.fetchValue("select extra::text from raw.orders where order_id = 'o-1'"))
          .isEqualTo("{\"gift\": true, \"tags\": [\"a\", \"b\"]}");
      assertThat(h.dsl.fetchValue("select amount from raw.orders where order_id = 'o-2'"))
          .isEqualTo("{\"value\":3}");
      assertThat(h.dsl.fetchValue("select field_count from raw.orders where order_id = 'o-1'"))
          .isNull();
    }
  }

  @Test
  void aLineThatIsNotAnObjectIsRefused() throws IOException {
    assertJsonRefused(
        "{\"order_id\":\"o-1\"}\n[1,2]\n", "orders.jsonl line 2: not_an_object: the line is not");
  }

  @Test
  void aLineThatIsNotJsonIsRefused() throws IOException {
    assertJsonRefused(
        "{\"order_id\":\"o-1\"}\n\n{\"order_id\": \"o-2\",}\n",
        "orders.jsonl line 3: not_json: not valid JSON");
  }

  @Test
  void twoValuesOnOneLineAreRefused() throws IOException {
    assertJsonRefused(
        "{\"order_id\":\"o-1\"} {\"order_id\":\"o-2\"}\n",
        "orders.jsonl line 1: not_json: more than one JSON value on the line");
  }

  @Test
  void aRepeatedKeyIsRefused() throws IOException {
    assertJsonRefused(
        "{\"order_id\":\"o-1\",\"order_id\":\"o-2\"}\n",
        "orders.jsonl line 1: duplicate_key: Duplicate field 'order_id'");
  }

  @Test
  void aRepeatedKeyInANestedObjectIsRefused() throws IOException {
    assertJsonRefused(
        "{\"order_id\":\"o-1\",\"meta\":{\"a\":1,\"a\":2}}\n",
        "orders.jsonl line 1: duplicate_key: Duplicate field 'a' in a nested object");
  }

  @Test
  void aNulCharacterInAJsonLinesExtraIsRefused() throws IOException {
    assertJsonRefused(
        "{\"order_id\":\"o-1\",\"note\":{\"text\":\"a\\u0000b\"}}\n",
        "orders.jsonl line 1: nul_character");
  }

  @Test
  void aNulCharacterInACsvExtraIsRefused() throws IOException {
    Path root = tmp.resolve("nul-csv-extra");
    Files.writeString(
        dir(root, FIRST.toString()).resolve("orders.csv"),
        "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,quantity,note\n"
            + "o-1,c-1,2024-03-01T10:00:00Z,5.00,eur,completed,books,fr,web,1,a\u0000b\n");
    try (ActivityHarness h = harness(root, null)) {
      assertRefused(h, "orders.csv line 2: nul_character");
    }
  }

  @Test
  void aNulCharacterIsRefused() throws IOException {
    assertJsonRefused(
        "{\"order_id\":\"o-1\"}\n{\"order_id\":\"o\\u0000\"}\n",
        "orders.jsonl line 2: nul_character");
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() throws IOException {
    Path dir = dir(tmp.resolve("latin1"), FIRST.toString());
    Files.write(
        dir.resolve("orders.jsonl"),
        "{\"order_id\":\"o-1\"}\n{\"order_id\":\"caf\u00e9\"}\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    try (ActivityHarness h = harness(tmp.resolve("latin1"), "format: jsonl")) {
      assertRefused(h, "orders.jsonl line 2: not_utf8");
    }
  }

  @Test
  void aLineLongerThan16MiBIsRefusedWithoutHoldingIt() throws IOException {
    Path dir = dir(tmp.resolve("huge"), FIRST.toString());
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("orders.jsonl"))) {
      w.write("{\"order_id\":\"o-1\"}\n{\"order_id\":\"");
      char[] chunk = new char[1 << 20];
      java.util.Arrays.fill(chunk, 'x');
      for (int i = 0; i < 20; i++) {
        w.write(chunk);
      }
      w.write("\"}\n");
    }
    try (ActivityHarness h = harness(tmp.resolve("huge"), "format: jsonl")) {
      assertRefused(h, "orders.jsonl line 2: line_too_long");
    }
  }

  @Test
  void aFileWithoutRecordsIsRefusedUnlessDeclaredValid() throws IOException {
    Path dir = dir(tmp.resolve("empty"), FIRST.toString());
    Files.writeString(dir.resolve("orders.jsonl"), "\n\n");
    try (ActivityHarness h = harness(tmp.resolve("empty"), "format: jsonl")) {
      assertRefused(h, "orders.jsonl line 1: header_only: no records");
    }
    Path ok = dir(tmp.resolve("empty-ok"), FIRST.toString());
    Files.writeString(ok.resolve("orders.jsonl"), "");
    try (ActivityHarness h =
        harness(tmp.resolve("empty-ok"), "format: jsonl", "allow_header_only: true")) {
      PartitionRef ref = ActivityHarness.ref(FIRST);
      assertThat(h.ingest.ingest(ref).rawRows()).isZero();
    }
  }

  // -----------------------------------------------------------------------------------------

  private void assertJsonRefused(String content, String problem) throws IOException {
    Path root = tmp.resolve("bad-" + Integer.toHexString(content.hashCode()));
    Files.writeString(dir(root, FIRST.toString()).resolve("orders.jsonl"), content);
    try (ActivityHarness h = harness(root, "format: jsonl")) {
      assertRefused(h, problem);
    }
  }

  private static void assertRefused(ActivityHarness h, String problem) {
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(FIRST)));
    assertThat(t).isInstanceOf(ActivityFailure.class);
    ApplicationFailure f = (ApplicationFailure) t.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains(problem).contains("no row of this file is in raw");
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).as("raw untouched").isZero();
  }

  private static final String BUNDLED_SOURCE =
      """
        path: raw/{date}
        files: "*.{csv,csv.gz}"
        allow_header_only: false
        late_days: 7
      """;

  /** The bundled source with {@code files: ...} replaced by {@code sourceLine}. */
  private static ActivityHarness harness(Path root, String sourceLine) throws IOException {
    return harness(root, sourceLine, "allow_header_only: false");
  }

  private static ActivityHarness harness(Path root, String sourceLine, String headerOnly)
      throws IOException {
    String source = BUNDLED_SOURCE;
    if (sourceLine != null) {
      source =
          source
              .replace("files: \"*.{csv,csv.gz}\"", sourceLine)
              .replace("allow_header_only: false", headerOnly);
    }
    return Sources.harness(root, source);
  }

  private static Path dir(Path root, String day) throws IOException {
    Path d = root.resolve("data/raw").resolve(day);
    Files.createDirectories(d);
    return d;
  }

  private static List<Map<String, String>> csvRecords(Path csv) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(csv);
        CSVParser p = CSVFormat.RFC4180.builder().setHeader().get().parse(r)) {
      List<String> header = p.getHeaderNames();
      for (CSVRecord rec : p) {
        assertThat(rec.size()).as("the generator writes whole records").isEqualTo(header.size());
        Map<String, String> row = new LinkedHashMap<>();
        for (String name : header) {
          row.put(name, rec.get(name));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Each record as an object of strings, line for line (a blank first line for the header). */
  private static void toJsonLines(Path csv, Path jsonl) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(jsonl)) {
      w.write("\n");
      for (Map<String, String> row : csvRecords(csv)) {
        ObjectNode o = JSON.createObjectNode();
        row.forEach(o::put);
        w.write(o.toString());
        w.write("\n");
      }
    }
  }

  /** Each column as an optional string column. */
  private static void toParquet(Path csv, Path parquet) throws IOException {
    List<Map<String, String>> rows = csvRecords(csv);
    var b = Types.buildMessage();
    for (String name : rows.get(0).keySet()) {
      b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
    }
    MessageType schema = b.named("orders");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = writer(parquet, schema)) {
      for (Map<String, String> row : rows) {
        Group g = groups.newGroup();
        row.forEach(g::append);
        w.write(g);
      }
    }
  }

  private static ParquetWriter<Group> writer(Path file, MessageType schema) throws IOException {
    return ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration())
        .withType(schema)
        .build();
  }

  /** {@code n} valid orders as JSON lines, ids p-0.. (after every o- id). */
  private static String good(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"order_id\":\"p-")
          .append(i)
          .append("\",\"customer\":{\"id\":\"c-1\"},\"order_ts\":\"2024-03-01T09:00:00Z\",")
          .append("\"amount\":5,\"status\":\"completed\",\"category\":\"toys\",\"quantity\":1}\n");
    }
    return b.toString();
  }

  private static Group order(
      SimpleGroupFactory groups, String id, long micros, long cents, int quantity) {
    return groups
        .newGroup()
        .append("order_id", id)
        .append("customer_id", "c-1")
        .append("order_ts", micros)
        .append("amount", cents)
        .append("currency", "eur")
        .append("status", "completed")
        .append("category", "books")
        .append("channel", "web")
        .append("quantity", quantity);
  }
}
