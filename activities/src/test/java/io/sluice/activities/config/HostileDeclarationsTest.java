package io.sluice.activities.config;

import static io.sluice.activities.config.PipelineKeys.get;
import static io.sluice.activities.config.PipelineKeys.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.dataset.DatasetSchemas;
import io.sluice.activities.features.SchemaMigration;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile names and values in every key of a pipeline file (docs/hostile-input.md#configuration): a
 * file loads, or is refused with a {@link BadConfigException} that starts with the file and names
 * the key; the hostile values a file may hold reach SQL bound, so rows stage as declared and every
 * table stays; a hostile dataset name is refused by migrate before any DDL.
 */
class HostileDeclarationsTest {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Texts that break quoting, look like SQL, hide or reorder characters, or are no name. */
  static final Map<String, String> HOSTILE_TEXT = new LinkedHashMap<>();

  static {
    HOSTILE_TEXT.put("SQL after a double quote", "x\"; drop table meta.ingested_files; --");
    HOSTILE_TEXT.put("SQL after a single quote", "x'); drop table meta.runs; --");
    HOSTILE_TEXT.put(
        "SQL after a quote, on a table that exists", "x'); drop table meta.partition_ledger; --");
    HOSTILE_TEXT.put("quotes and backslashes", "a'b\"c\\d\\\\'e");
    HOSTILE_TEXT.put("dollar quotes", "$$; drop table meta.ingested_files; $$");
    HOSTILE_TEXT.put("a control character", "a\u0007b\u001b[31m");
    HOSTILE_TEXT.put("a zero-width space", "order\u200b_id");
    HOSTILE_TEXT.put("a right-to-left override", "\u202edi_redro");
    HOSTILE_TEXT.put("300 characters", "a".repeat(300));
    HOSTILE_TEXT.put("empty text", "");
    HOSTILE_TEXT.put("the key word select", "select");
    HOSTILE_TEXT.put("the key word user", "user");
    HOSTILE_TEXT.put("upper case", "Status");
    HOSTILE_TEXT.put("a dot", "a.b");
    HOSTILE_TEXT.put("a space", "a b");
    HOSTILE_TEXT.put("non-ASCII letters", "café_заказ");
    HOSTILE_TEXT.put("a number as text", "42");
    HOSTILE_TEXT.put("not a number", "NaN");
    HOSTILE_TEXT.put("infinity", "-Infinity");
    HOSTILE_TEXT.put("a number past PostgreSQL's numeric", "1e200000");
    HOSTILE_TEXT.put("a number too small for PostgreSQL's numeric", "1e-20000");
  }

  /** Every hostile text, and values of the wrong shape. */
  static final Map<String, JsonNode> HOSTILE = new LinkedHashMap<>();

  static {
    HOSTILE_TEXT.forEach((what, text) -> HOSTILE.put(what, NODES.textNode(text)));
    HOSTILE.put("a number", NODES.numberNode(42));
    HOSTILE.put("a negative number", NODES.numberNode(-1));
    HOSTILE.put(
        "a number too large for any column", NODES.numberNode(new BigInteger("9".repeat(30))));
    HOSTILE.put("a list", NODES.arrayNode().add("a").add("b"));
    HOSTILE.put("a mapping", NODES.objectNode().put("a", 1));
    HOSTILE.put("a boolean", NODES.booleanNode(true));
    HOSTILE.put("a YAML null", NODES.nullNode());
  }

  /** Keys that are no text (a number, a null, a list), written into the file as they are. */
  static final Map<String, String> HOSTILE_RAW_NAMES =
      Map.of("a number as a key", "42", "a null key", "~", "a list as a key", "[a, b]");

  // ---------------------------------------------------------------------------------------------

  /** The keys the docs call names: lower-case identifiers that are not SQL key words. */
  static final Set<String> NAMES =
      Set.of(
          "dataset",
          "columns.<name>",
          "expectations[].name",
          "features.filters.<name>",
          "features.aggregates[].name",
          "features.sql.columns.<name>",
          "label.name");

  @Nested
  class EveryKey {

    private static final ObjectMapper JSON =
        new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @TempDir Path dir;

    /**
     * One try.
     *
     * @param key the key a refusal names (or a key or item inside it), or else {@code holder}, the
     *     mapping or item holding it
     * @param refused whether the docs say it is refused (a name that is no plain name)
     * @param absent the file without the key, when a YAML null means that
     */
    private record Case(
        String what, String yaml, String key, String holder, boolean refused, String absent) {

      /** Whether the message complains about the key, or about the mapping or item holding it. */
      boolean namedBy(String message) {
        return Stream.of("'", ".", "[").anyMatch(end -> message.contains("key '" + key + end))
            || message.contains("key '" + holder + "'");
      }
    }

    @TestFactory
    Stream<DynamicTest> loadsOrIsRefusedNamingTheFileAndTheKey() throws IOException {
      copyTree(ActivityHarness.repoFile("pipelines/sql"), dir.resolve("sql"));
      // the datasets base() joins
      Files.copy(
          ActivityHarness.repoFile("pipelines/app_events.yaml"), dir.resolve("app_events.yaml"));
      Files.writeString(dir.resolve("customers.yaml"), CUSTOMERS);
      ObjectNode base = base();
      assertThat(outcome(YAML.writeValueAsString(base)))
          .as("the base file")
          .isInstanceOf(LoadedConfig.class);
      Set<String> keys = PipelineKeys.ofPipelineFile().all();
      assertThat(keys).hasSizeGreaterThan(80);
      return keys.stream()
          .map(
              key ->
                  DynamicTest.dynamicTest(
                      key,
                      () -> {
                        List<Case> cases = cases(base, key);
                        List<String> broken = new ArrayList<>();
                        cases.forEach(c -> check(c, broken));
                        assertThat(broken)
                            .as("%s, %d cases: loads or is refused naming it", key, cases.size())
                            .isEmpty();
                      }));
    }

    /**
     * Every hostile value at the key's place in {@link #base} (and as one more item of a list), and
     * for a mapping's entries every hostile name.
     */
    private List<Case> cases(ObjectNode base, String key) throws IOException {
      String at = instance(key);
      boolean name = NAMES.contains(key);
      boolean nameValue = name && !key.endsWith(".<name>");
      List<Case> cases = new ArrayList<>();
      for (Map.Entry<String, JsonNode> v : HOSTILE.entrySet()) {
        JsonNode value = v.getValue();
        boolean plain = value.isTextual() && DatasetSchemas.isPlainName(value.asText());
        cases.add(valueCase(base, at, v.getKey(), value, nameValue && !plain));
        JsonNode there = get(base, at);
        if (there.isArray() && !value.isContainerNode()) {
          ArrayNode longer = ((ArrayNode) there.deepCopy()).add(value);
          cases.add(valueCase(base, at, "one item " + v.getKey(), longer, false));
        }
      }
      if (!key.endsWith(".<name>")) {
        return cases;
      }
      String map = parent(at);
      JsonNode entry = get(base, at);
      for (Map.Entry<String, String> n : HOSTILE_TEXT.entrySet()) {
        ObjectNode config = base.deepCopy();
        ((ObjectNode) get(config, map)).set(n.getValue(), entry);
        cases.add(
            new Case(
                map + " named " + n.getKey() + " '" + n.getValue() + "'",
                YAML.writeValueAsString(config),
                map + "." + n.getValue(),
                map,
                name && !DatasetSchemas.isPlainName(n.getValue()),
                null));
      }
      for (Map.Entry<String, String> n : HOSTILE_RAW_NAMES.entrySet()) {
        ObjectNode config = base.deepCopy();
        ((ObjectNode) get(config, map)).set("hostile_name_here", entry);
        String yaml =
            YAML.writeValueAsString(config).replace("hostile_name_here:", n.getValue() + ":");
        cases.add(
            new Case(
                map + " named " + n.getKey() + " " + n.getValue(),
                yaml,
                map + "." + n.getValue(),
                map,
                name,
                null));
      }
      return cases;
    }

    private Case valueCase(ObjectNode base, String at, String what, JsonNode value, boolean refused)
        throws IOException {
      ObjectNode config = base.deepCopy();
      set(config, at, value);
      String yaml = YAML.writeValueAsString(config);
      assertThat(get(YAML.readTree(yaml), at)).as("%s at %s, written", what, at).isEqualTo(value);
      String absent = null;
      if (value.isNull() && get(base, parent(at)) instanceof ObjectNode) {
        ObjectNode without = base.deepCopy();
        String last = at.substring(parent(at).length()).replaceFirst("^\\.", "");
        ((ObjectNode) get(without, parent(at))).remove(last);
        absent = YAML.writeValueAsString(without);
      }
      return new Case(at + " = " + what + " " + value, yaml, at, parent(at), refused, absent);
    }

    private void check(Case c, List<String> broken) {
      Object outcome = outcome(c.yaml());
      if (outcome instanceof LoadedConfig loaded) {
        if (c.refused()) {
          broken.add(c.what() + ": loaded, but names are plain identifiers, not SQL key words");
        }
        unusable("", JSON.valueToTree(loaded.config()), c.what() + ": loaded, but ", broken);
        return;
      }
      Throwable t = (Throwable) outcome;
      String message = String.valueOf(t.getMessage());
      String file = dir.resolve("orders.yaml").toString();
      if (!(t instanceof BadConfigException)) {
        broken.add(c.what() + ": " + t);
      } else if (!message.startsWith(file + ": ")) {
        broken.add(c.what() + ": the message does not start with the file: " + message);
      } else if (!c.namedBy(message)
          && !(c.absent() != null
              && outcome(c.absent()) instanceof BadConfigException e
              && message.equals(e.getMessage()))) {
        broken.add(c.what() + ": the message names neither the key nor its holder: " + message);
      }
    }

    /**
     * What of a loaded config SQL cannot take: a number that is none (NaN, infinite) or that
     * PostgreSQL's numeric cannot hold (131072 digits before the point, 16383 after), or a null
     * item of a list.
     */
    private static void unusable(String key, JsonNode node, String prefix, List<String> found) {
      if (node.isDouble() && !Double.isFinite(node.doubleValue())
          || node.isBigDecimal()
              && (node.decimalValue().precision() - node.decimalValue().scale() > 131_072
                  || node.decimalValue().scale() > 16_383)) {
        found.add(prefix + "'" + key + "' is " + node);
      }
      for (int i = 0; node.isArray() && i < node.size(); i++) {
        if (node.get(i).isNull()) {
          found.add(prefix + "'" + key + "' holds a null");
        }
        unusable(key + "[" + i + "]", node.get(i), prefix, found);
      }
      node.fields()
          .forEachRemaining(
              e ->
                  unusable(
                      key.isEmpty() ? e.getKey() : key + "." + e.getKey(),
                      e.getValue(),
                      prefix,
                      found));
    }

    /** The loaded config, or what loading threw. */
    private Object outcome(String yaml) {
      try {
        Files.writeString(dir.resolve("orders.yaml"), yaml);
        return new PipelineConfigLoader(dir).load("orders");
      } catch (Throwable t) {
        return t;
      }
    }
  }

  /**
   * Hostile values the loader accepts, through the real stages: rows stage or are quarantined
   * exactly as the declaration says, and every table is still there.
   */
  @Nested
  class ValuesReachSqlBound {

    static final LocalDate D = LocalDate.of(2024, 5, 1);
    static final String ENUM = "it's \"x\"; drop table meta.partition_ledger; --";
    static final String NULL_TOKEN = "'n/a\" $$ \\'); drop table meta.ingested_files; --";
    static final String CHANNEL = "o'brien\\\"; drop table meta.runs; --";
    static final String COUNTRY = "it's \"x\"; drop table raw.orders; --";

    @TempDir Path tmp;

    @Test
    void rowsStageAsDeclaredAndEveryTableStays() throws IOException {
      try (ActivityHarness h = new ActivityHarness(tmp)) {
        Path file = h.settings.pipelinesDir().resolve("orders.yaml");
        ObjectNode c = (ObjectNode) YAML.readTree(file.toFile());
        set(c, "columns.status.values", texts("completed", "cancelled", "refunded", ENUM));
        set(c, "columns.currency.null_values", texts("n/a", NULL_TOKEN));
        set(c, "columns.channel.in", texts("web", "app", CHANNEL));
        set(c, "columns.channel.reasons", YAML.readTree("{in: select}"));
        set(
            c,
            "columns.country.pattern",
            NODES.textNode("^([A-Z]{2}|IT'S \"X\"; DROP TABLE RAW\\.ORDERS; --)$"));
        set(c, "columns.amount.max", NODES.textNode("1e131071")); // numeric's largest order
        set(c, "expectations[6].mostly", NODES.numberNode(0.5)); // status_known: one row fails
        ArrayNode expectations = (ArrayNode) c.get("expectations");
        expectations.add(
            YAML.readTree("{name: channel_known, type: in_set, column: channel, severity: warn}"));
        ((ObjectNode) expectations.get(expectations.size() - 1))
            .set("values", texts("web", "app", CHANNEL));
        expectations.add(
            YAML.readTree(
                "{name: country_quoted, type: matches, column: country, severity: warn}"));
        ((ObjectNode) expectations.get(expectations.size() - 1))
            .put("pattern", "^\\s*([A-Za-z]{2}|it's \"x\".*)\\s*$");
        set(c, "features.filters.hostile_status", YAML.readTree("{column: status}"));
        set(c, "features.filters.hostile_status.in", texts(ENUM));
        set(c, "features.filters.hostile_channel", YAML.readTree("{column: channel}"));
        set(c, "features.filters.hostile_channel.in", texts(CHANNEL));
        set(c, "features.filters.big", YAML.readTree("{column: amount, min: 5}"));
        set(c, "features.filters.big.max", NODES.textNode("1e131071"));
        set(c, "features.population.filter", NODES.textNode("hostile_status"));
        set(c, "label.filter", NODES.textNode("hostile_status"));
        ((ArrayNode) c.at("/features/aggregates"))
            .add(
                YAML.readTree(
                    "{name: hostile_orders_30d, agg: count, filter: hostile_channel, window: 30d}"))
            .add(YAML.readTree("{name: big_orders_30d, agg: count, filter: big, window: 30d}"));
        Files.writeString(file, YAML.writeValueAsString(c));

        List<String> tables = tables(h);
        assertThat(tables).contains("meta.ingested_files", "meta.partition_ledger", "raw.orders");
        Path dir = h.settings.dataRoot().resolve("raw").resolve(D.toString());
        Files.createDirectories(dir);
        try (CSVPrinter csv =
            new CSVPrinter(Files.newBufferedWriter(dir.resolve("orders.csv")), CSVFormat.DEFAULT)) {
          List<String> header = new ArrayList<>();
          c.get("columns").fieldNames().forEachRemaining(header::add);
          csv.printRecord(header);
          String t = D + "T10:00:00Z";
          String padded = " " + NULL_TOKEN + " "; // compared after trimming
          String[][] rows = {
            {"hostile", "C1", t, "10", "EUR", ENUM, "books", COUNTRY, CHANNEL, "1"},
            {"null_token", "C2", t, "10", padded, "completed", "books", "DE", "web", "1"},
            {"other_status", "C3", t, "10", "EUR", "it's \"y\"", "books", "DE", "web", "1"},
            {"other_channel", "C4", t, "10", "EUR", "completed", "books", "DE", "o'brien", "1"},
            {"other_country", "C5", t, "10", "EUR", "completed", "books", "X'Y", "web", "1"}
          };
          for (String[] row : rows) {
            csv.printRecord((Object[]) row);
          }
        }
        PartitionRef ref = ActivityHarness.ref(D);
        h.ingest.ingest(ref);
        h.validate.validate(ref);
        StageResult staged = h.stage.stage(ref);
        h.features.computeFeatures(ref, 1);

        assertThat(staged).isEqualTo(new StageResult(5, 3, 2, 0));
        Record hostile = h.dsl.fetchOne("select * from stg.orders where order_id = 'hostile'");
        assertThat(hostile.get("status")).isEqualTo(ENUM);
        assertThat(hostile.get("channel")).isEqualTo(CHANNEL);
        assertThat(hostile.get("country")).isEqualTo(COUNTRY.toUpperCase(Locale.ROOT));
        assertThat(
                h.dsl.fetchValue("select currency from stg.orders where order_id = 'null_token'"))
            .isNull();
        assertThat(
                h.dsl.fetchValue(
                    "select string_agg(record->>'order_id' || ': ' || array_to_string(reasons,"
                        + " ', '), '; ' order by line_no) from quarantine.orders"))
            .hasToString(
                "other_status: unknown_status; other_channel: select;"
                    + " other_country: malformed_country");
        assertThat(
                h.dsl
                    .fetch(
                        "select expectation, unexpected_count from meta.validation_results"
                            + " where expectation in ('channel_known', 'country_quoted')"
                            + " order by 1")
                    .intoMap(0, 1))
            .as("the bound values and pattern checked in validation")
            .isEqualTo(Map.of("channel_known", 1L, "country_quoted", 1L));
        Record features =
            h.dsl.fetchOne("select * from feats.orders_features where customer_id = 'C1'");
        assertThat(features.get("hostile_orders_30d")).asString().isEqualTo("1");
        assertThat(features.get("big_orders_30d")).asString().isEqualTo("1");
        assertThat(h.dsl.fetchValue("select count(*) from feats.orders_features"))
            .as("the population: customers with an order of the hostile status")
            .isEqualTo(1L);
        assertThat(tables(h)).containsAll(tables);
      }
    }

    private static ArrayNode texts(String... values) {
      ArrayNode list = NODES.arrayNode();
      Arrays.stream(values).forEach(list::add);
      return list;
    }

    /** The tables of Sluice's schemas, as {@code schema.table}. */
    private static List<String> tables(ActivityHarness h) {
      return h.dsl
          .fetch(
              "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on"
                  + " n.oid = c.relnamespace where c.relkind in ('r', 'p') and n.nspname in"
                  + " ('meta', 'raw', 'stg', 'quarantine', 'feats') order by 1")
          .getValues(0, String.class);
    }
  }

  /**
   * A file named as the file name rule allows whose dataset name is hostile: migrate refuses it,
   * naming the file, and makes no table for it.
   */
  @Nested
  class DatasetNames {

    @TempDir Path tmp;

    @Test
    void migrateRefusesThemBeforeAnyDdl() throws IOException {
      try (ActivityHarness h = new ActivityHarness(tmp)) {
        Path pipelines = tmp.resolve("hostile-pipelines");
        Files.createDirectories(pipelines);
        List<String> names = new ArrayList<>(HOSTILE_TEXT.values());
        names.remove("a".repeat(300)); // longer than a file name may be
        names.addAll(List.of("a".repeat(41), "orders_2024", "Orders", "a\\b"));
        ObjectNode config =
            (ObjectNode) YAML.readTree(ActivityHarness.repoFile("pipelines/orders.yaml").toFile());
        for (String name : names) {
          config.put("dataset", name);
          Files.writeString(pipelines.resolve(name + ".yaml"), YAML.writeValueAsString(config));
        }

        SchemaMigration.Result r = SchemaMigration.run(h.owner, pipelines);

        List<String> broken = new ArrayList<>();
        for (String name : names) {
          String file = pipelines.resolve(name + ".yaml").toString();
          List<String> said =
              r.badConfigs().stream().filter(m -> m.startsWith(file + ": ")).toList();
          if (said.size() != 1 || !said.get(0).contains("key 'dataset'")) {
            broken.add("'" + name + "': " + (said.isEmpty() ? "not named by its file" : said));
          }
          List<String> made =
              h.dsl
                  .fetch(
                      "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n"
                          + " on n.oid = c.relnamespace where n.nspname in ('raw', 'stg',"
                          + " 'quarantine', 'feats') and (c.relname = {0} or starts_with(c.relname,"
                          + " {0} || '_'))",
                      DSL.val(name))
                  .getValues(0, String.class);
          if (!made.isEmpty()) {
            broken.add("'" + name + "': tables " + made);
          }
        }
        assertThat(r.datasetChanges()).as("DDL run").isEmpty();
        assertThat(broken).as("migrate said %s", r.badConfigs()).isEmpty();
      }
    }
  }

  /**
   * The bundled file, plus what gives every key a place: a numeric filter and hand-written SQL
   * features.
   */
  static ObjectNode base() throws IOException {
    ObjectNode config =
        (ObjectNode) YAML.readTree(ActivityHarness.repoFile("pipelines/orders.yaml").toFile());
    set(config, "expectations[5].values", YAML.readTree("[electronics, books, home, toys]"));
    // a pulled source with every key of its own (files and format belong to files only)
    set(
        config,
        "source",
        YAML.readTree(
            "{path: 'raw/{date}', kind: http, allow_empty: true, late_days: 7, http: {url:"
                + " 'https://api.example.com/v1/orders?day={date}', records: /data, headers:"
                + " {accept: application/json}, token_env: API_TOKEN, pagination: {kind: cursor,"
                + " param: cursor, start: 1, size_param: limit, size: 100, cursor: /next},"
                + " rate_limit: 5, timeout_seconds: 30, retries: 3}}"));
    set(config, "features.filters.big", YAML.readTree("{column: amount, min: 100, max: 100000}"));
    set(
        config,
        "features.sql",
        YAML.readTree(
            "{file: sql/orders_weekend.sql, window: 30d, columns: {weekend_orders_30d: integer,"
                + " largest_order_30d: numeric}}"));
    ((com.fasterxml.jackson.databind.node.ArrayNode) config.at("/features/aggregates"))
        .add(
            YAML.readTree(
                "{name: top_category_30d, agg: most_frequent, column: category, window: 30d}"));
    set(
        config,
        "features.joins",
        YAML.readTree(
            "[{dataset: customers, attributes: [segment]}, {dataset: app_events, key: user_id,"
                + " filters: {viewed: {column: event_type, in: [view]}, rich: {column: revenue,"
                + " min: 1, max: 1000}}, aggregates: [{name: views_7d, agg: count, filter: viewed,"
                + " window: 7d}, {name: app_revenue_30d, agg: sum, column: revenue, window: 30d},"
                + " {name: app_events_30d, agg: count, window: 30d, export: false}, {name:"
                + " revenue_per_event_30d, agg: ratio, numerator: app_revenue_30d, denominator:"
                + " app_events_30d}]}]"));
    set(
        config,
        "features.derived",
        YAML.readTree(
            "[{name: revenue_per_view, op: ratio, left: app_revenue_30d, right: views_7d, min: 0,"
                + " max: 1000}]"));
    set(
        config,
        "transforms",
        YAML.readTree(
            "[{name: revenue_30d_t, column: revenue_30d, steps: [{op: impute, strategy: constant,"
                + " value: 0, indicator: true}, {op: clip, lower: 0.01, upper: 0.99}, {op:"
                + " standard}]}, {column: top_category_30d, steps: [{op: one_hot, top_k: 3, unseen:"
                + " other}]}, {column: top_category_30d, steps: [{op: ordinal, order: [books,"
                + " home]}]}]"));
    return config;
  }

  /** The parent of a key: the mapping or list item that holds it. */
  static String parent(String key) {
    int cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
    return cut < 0 ? "" : key.substring(0, cut);
  }

  private static final Pattern COLUMN = Pattern.compile("^columns\\.<name>(?:\\.(\\w+))?");
  private static final Pattern EXPECTATION = Pattern.compile("^expectations\\[\\](?:\\.(\\w+))?");
  private static final Pattern AGGREGATE =
      Pattern.compile("^features\\.aggregates\\[\\](?:\\.(\\w+))?");

  /** The dimension base() joins, written beside the file under test. */
  static final String CUSTOMERS =
      """
      dataset: customers
      kind: dimension
      source: {path: "customers/{date}"}
      columns:
        customer_id: {type: text, nullable: false}
        segment: {type: text}
        updated_at: {type: timestamp, nullable: false}
      primary_key: customer_id
      entity_key: customer_id
      event_time: updated_at
      """;

  private static final Pattern JOIN_AGGREGATE =
      Pattern.compile("^features\\.joins\\[\\]\\.aggregates\\[\\](?:\\.(\\w+))?");
  private static final Pattern JOIN_FILTER =
      Pattern.compile("^features\\.joins\\[\\]\\.filters\\.<name>(?:\\.(\\w+))?");
  private static final Pattern JOIN = Pattern.compile("^features\\.joins\\[\\](?:\\.(\\w+))?");
  private static final Pattern DERIVED = Pattern.compile("^features\\.derived\\[\\](\\.never)?");

  private static final Pattern STEP =
      Pattern.compile("^transforms\\[\\]\\.steps\\[\\](?:\\.(\\w+))?");
  private static final Pattern TRANSFORM = Pattern.compile("^transforms\\[\\](\\.never)?");
  private static final Pattern FILTER =
      Pattern.compile("^features\\.filters\\.<name>(?:\\.(\\w+))?");

  /** Where in {@link #base} a key is tried: the instance whose declaration gives it meaning. */
  static String instance(String key) {
    String k = key;
    k = replace(k, COLUMN, p -> "columns." + COLUMN_FOR.getOrDefault(p, "currency"));
    k = replace(k, EXPECTATION, p -> "expectations[" + EXPECTATION_FOR.getOrDefault(p, 0) + "]");
    k = replace(k, AGGREGATE, p -> "features.aggregates[" + AGGREGATE_FOR.getOrDefault(p, 0) + "]");
    k =
        replace(
            k,
            JOIN_AGGREGATE,
            p -> "features.joins[1].aggregates[" + JOIN_AGGREGATE_FOR.getOrDefault(p, 0) + "]");
    k =
        replace(
            k,
            JOIN_FILTER,
            p ->
                "features.joins[1].filters."
                    + (p.equals("min") || p.equals("max") ? "rich" : "viewed"));
    k =
        replace(
            k,
            JOIN,
            p ->
                "features.joins["
                    + (Set.of("key", "aggregates", "filters").contains(p) ? 1 : 0)
                    + "]");
    k = replace(k, DERIVED, p -> "features.derived[0]");
    k = replace(k, STEP, HostileDeclarationsTest::transformStep);
    k = replace(k, TRANSFORM, p -> "transforms[0]");
    k =
        replace(
            k,
            FILTER,
            p -> "features.filters." + (p.equals("min") || p.equals("max") ? "big" : "completed"));
    return k.replace("reasons.<name>", "reasons.min")
        .replace("sql.columns.<name>", "sql.columns.weekend_orders_30d");
  }

  /** {@code key} with the part {@code p} matches written by {@code to}, given the next step. */
  private static String replace(String key, Pattern p, Function<String, String> to) {
    Matcher m = p.matcher(key);
    if (!m.find()) {
      return key;
    }
    String next = m.group(1);
    return to.apply(next == null ? "" : next)
        + (next == null ? "" : "." + next)
        + key.substring(m.end());
  }

  /** The column each column key is tried on. */
  private static final Map<String, String> COLUMN_FOR =
      Map.of(
          "values", "status",
          "precision", "amount",
          "scale", "amount",
          "min", "amount",
          "max", "amount",
          "positive", "quantity",
          "assume_zone", "order_ts",
          "reasons", "amount",
          "in", "channel");

  /** The bundled expectation each expectation key is tried on. */
  private static final Map<String, Integer> EXPECTATION_FOR =
      Map.ofEntries(
          Map.entry("mostly", 1),
          Map.entry("column", 1),
          Map.entry("as", 3),
          Map.entry("min", 4),
          Map.entry("max", 10),
          Map.entry("values", 5),
          Map.entry("pattern", 7),
          Map.entry("scope", 8),
          Map.entry("max_lag_hours", 11),
          Map.entry("metric", 12),
          Map.entry("lookback", 12),
          Map.entry("tolerance", 12));

  /** The bundled aggregate each aggregate key is tried on. */
  /** The step of {@link #base}'s transforms that reads a step's key. */
  private static String transformStep(String key) {
    return switch (String.valueOf(key)) {
      case "strategy", "value", "indicator" -> "transforms[0].steps[0]";
      case "lower", "upper" -> "transforms[0].steps[1]";
      case "top_k", "unseen" -> "transforms[1].steps[0]";
      case "order" -> "transforms[2].steps[0]";
      default -> "transforms[0].steps[2]";
    };
  }

  private static final Map<String, Integer> JOIN_AGGREGATE_FOR =
      Map.of("column", 1, "numerator", 3, "denominator", 3, "export", 2);

  private static final Map<String, Integer> AGGREGATE_FOR =
      Map.of("column", 2, "numerator", 4, "denominator", 4, "export", 7);

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
  }
}
