package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.ParquetRows;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature set with declared transforms, through split and publish on generated orders: the export
 * carries the transformed columns and their spec, and a client that reads nothing but metadata.json
 * and the raw columns recomputes every transformed value (a JVM client written here, and the Python
 * client in clients/python, which also trains a logistic regression on the export).
 */
class TransformedExportTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 45;
  static final LocalDate LAST = FIRST.plusDays(DAYS - 1);

  static final String TRANSFORMS =
      """
      transforms:
        - name: revenue_30d_log_std
          column: revenue_30d
          steps: [{op: log1p}, {op: standard}]
        - column: orders_30d
          steps: [{op: minmax}]
        - name: aov_30d
          column: avg_order_value_30d
          steps:
            - {op: impute, strategy: median, indicator: true}
            - {op: clip, lower: 0.05, upper: 0.95}
            - {op: standard}
        - column: refund_rate_90d
          steps: [{op: impute, strategy: constant, value: 0}]
        - column: top_category_30d
          steps: [{op: one_hot, top_k: 4}]
        - {name: top_category_30d_code, column: top_category_30d, steps: [{op: ordinal}]}
        - {name: top_category_30d_share, column: top_category_30d, steps: [{op: frequency}]}
      """;

  @TempDir Path tmp;
  ActivityHarness h;
  String bundled;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp.resolve("sluice"));
    bundled = Files.readString(h.root.resolve("pipelines/orders.yaml"));
    declare(TRANSFORMS);
    OrdersGenerator g = new OrdersGenerator(11, 60);
    for (LocalDate d = FIRST; !d.isAfter(LAST); d = d.plusDays(1)) {
      g.writeDay(h.settings.dataRoot(), FIRST, d);
      PartitionRef ref = ActivityHarness.ref(d);
      h.ingest.ingest(ref);
      h.validate.validate(ref);
      h.stage.stage(ref);
    }
    h.features.computeFeatures(ActivityHarness.ref(LAST), 1);
  }

  /**
   * The bundled orders features plus a categorical one, a label horizon of 3 days and a split that
   * leaves rows for each of train, validation and test after 45 days, and {@code transforms}.
   */
  private void declare(String transforms) throws IOException {
    Path config = h.root.resolve("pipelines/orders.yaml");
    String yaml =
        bundled
            .replace("horizon_days: 7", "horizon_days: 3")
            .replace("train: 0.7", "train: 0.6")
            .replace("val: 0.15", "val: 0.2")
            .replace("test: 0.15", "test: 0.2")
            .replace(
                "    - {name: days_since_last_order,",
                "    - {name: top_category_30d, agg: most_frequent, column: category,"
                    + " filter: completed, window: 30d}\n"
                    + "    - {name: days_since_last_order,");
    Files.writeString(config, yaml + transforms);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private Path publish() {
    return publish(ActivityHarness.ref(LAST));
  }

  private Path publish(PartitionRef ref) {
    h.split.split(ref);
    PublishResult p = h.publish.publish(ref);
    assertThat(p.exportPath()).isNotNull();
    return Path.of(p.exportPath());
  }

  @Test
  void aClientRecomputesEveryTransformedValueFromTheSpecAlone() throws Exception {
    Path snapshot = publish();
    JsonNode meta = new ObjectMapper().readTree(snapshot.resolve("metadata.json").toFile());
    JsonNode spec = meta.get("transforms");
    assertThat(spec).as("metadata.json carries the transforms' spec").isNotNull();
    assertThat(spec.at("/fitted_on/from_date").asText())
        .isEqualTo(meta.at("/splits/train/from_date").asText());
    assertThat(spec.at("/fitted_on/rows").asLong())
        .isEqualTo(meta.at("/splits/train/rows").asLong());
    List<String> names = new ArrayList<>();
    spec.get("columns").forEach(c -> names.add(c.get("name").asText()));
    assertThat(names)
        .startsWith("revenue_30d_log_std", "orders_30d_minmax", "aov_30d", "aov_30d_missing")
        .contains("top_category_30d_one_hot__other__", "top_category_30d_code")
        .hasSize(4 + 1 + 5 + 2);
    List<String> exported = new ArrayList<>();
    meta.get("columns").forEach(c -> exported.add(c.get("name").asText()));
    assertThat(exported).noneMatch(n -> n.endsWith("_scaled")).containsAll(names);
    assertThat(exported.get(exported.size() - 1)).isEqualTo("ordered_next_7d");

    long compared = 0;
    for (String split : List.of("train", "val", "test")) {
      List<CSVRecord> rows = csv(snapshot.resolve(split + ".csv"));
      assertThat(rows).as("%s rows", split).isNotEmpty();
      assertThat(ParquetRows.read(snapshot.resolve(split + ".parquet"))).hasSize(rows.size());
      for (CSVRecord r : rows) {
        for (JsonNode c : spec.get("columns")) {
          Double expected = reapply(c, r.get(c.get("input").asText()));
          String cell = r.get(c.get("name").asText());
          if (expected == null) {
            assertThat(cell).as("%s of %s", c.get("name"), r).isEmpty();
          } else {
            assertThat(Double.parseDouble(cell))
                .as("%s of %s", c.get("name"), r)
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
          }
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(1000);

    // the parameters of a standard step are the training rows' own: mean and population deviation
    List<Double> logs = new ArrayList<>();
    for (CSVRecord r : csv(snapshot.resolve("train.csv"))) {
      logs.add(Math.log1p(Double.parseDouble(r.get("revenue_30d"))));
    }
    double mean = logs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double var = logs.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / logs.size();
    JsonNode standard = spec.at("/columns/0/steps/1");
    assertThat(standard.get("mean").asDouble()).isCloseTo(mean, within());
    assertThat(standard.get("scale").asDouble()).isCloseTo(Math.sqrt(var), within());
    // the one-hot vocabulary: the training rows' most frequent categories
    Map<String, Integer> counts = new HashMap<>();
    for (CSVRecord r : csv(snapshot.resolve("train.csv"))) {
      if (!r.get("top_category_30d").isEmpty()) {
        counts.merge(r.get("top_category_30d"), 1, Integer::sum);
      }
    }
    List<String> top =
        counts.entrySet().stream()
            .sorted(
                Map.Entry.<String, Integer>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(4)
            .map(Map.Entry::getKey)
            .toList();
    JsonNode oneHot = spec.at("/columns/5/steps/0/vocabulary");
    List<String> vocabulary = new ArrayList<>();
    oneHot.forEach(v -> vocabulary.add(v.asText()));
    assertThat(vocabulary).isEqualTo(top);
  }

  @Test
  void thePythonClientRecomputesTheExportAndTrainsOnIt() throws Exception {
    pythonClient(publish());
  }

  @Test
  void changingValidationAndTestFeaturesChangesNoFittedParameter() throws Exception {
    Path first = publish();
    JsonNode before = new ObjectMapper().readTree(first.resolve("metadata.json").toFile());
    String train = before.at("/splits/train/to_date").asText();
    String table =
        h.dsl
            .fetchValue("select feature_table from meta.feature_registry where dataset = 'orders'")
            .toString();
    int changed =
        h.dsl.execute(
            "update "
                + table
                + " set revenue_30d = revenue_30d * 10 + 1, avg_order_value_30d = null,"
                + " orders_30d = orders_30d + 100, top_category_30d = 'toys'"
                + " where feature_date > date '"
                + train
                + "'");
    assertThat(changed).isPositive();
    Path second = publish(new PartitionRef("orders", LAST.toString(), "a-later-run"));
    assertThat(second).isNotEqualTo(first);
    JsonNode after = new ObjectMapper().readTree(second.resolve("metadata.json").toFile());
    assertThat(after.get("transforms")).isEqualTo(before.get("transforms"));
  }

  @Test
  void aCategoryOutsideAVocabularyDeclaredStrictFailsThePublish() throws Exception {
    declare(
        """
        transforms:
          - column: top_category_30d
            steps: [{op: one_hot, top_k: 1, unseen: error}]
        """);
    PartitionRef ref = ActivityHarness.ref(LAST);
    h.features.computeFeatures(ref, 1);
    h.split.split(ref);
    Throwable t = catchThrowable(() -> h.publish.publish(ref));
    assertThat(t.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) t.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.DATA_ERROR);
    assertThat(f.getOriginalMessage())
        .contains("cannot export the train split of orders as of " + LAST)
        .contains("top_category_30d has the value")
        .contains("not among the 1 training value the one-hot encoding keeps (top_k: 1")
        .contains("unseen: other");
    try (var dirs = Files.list(h.settings.dataRoot().resolve("features/orders"))) {
      assertThat(dirs.flatMap(TransformedExportTest::list))
          .as("no snapshot and no temporary directory left")
          .isEmpty();
    }
  }

  private static java.util.stream.Stream<Path> list(Path dir) {
    try {
      return Files.list(dir).toList().stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  private static List<CSVRecord> csv(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file)) {
      return CSVFormat.DEFAULT.builder().setHeader().get().parse(in).getRecords();
    }
  }

  /**
   * A client's reading of one spec entry (docs/exports.md#transforms), written apart from Sluice's
   * own: the value of the column from the raw cell of its input, null as an empty cell.
   */
  private static Double reapply(JsonNode column, String cell) {
    boolean isNull = cell.isEmpty();
    JsonNode steps = column.get("steps");
    JsonNode first = steps.get(0);
    switch (first.get("op").asText()) {
      case "missing_indicator":
        return isNull ? 1.0 : 0.0;
      case "one_hot":
        {
          List<String> vocabulary = new ArrayList<>();
          first.get("vocabulary").forEach(v -> vocabulary.add(v.asText()));
          if (isNull) {
            return 0.0;
          }
          if (first.path("other").asBoolean(false)) {
            return vocabulary.contains(cell) ? 0.0 : 1.0;
          }
          return cell.equals(first.get("value").asText()) ? 1.0 : 0.0;
        }
      case "ordinal":
        {
          if (isNull) {
            return null;
          }
          int i = 0;
          for (JsonNode v : first.get("vocabulary")) {
            if (v.asText().equals(cell)) {
              return (double) i;
            }
            i++;
          }
          return first.get("unseen_code").asDouble();
        }
      case "frequency":
        return isNull
            ? null
            : first.get("frequencies").path(cell).asDouble(first.get("unseen_value").asDouble());
      default:
        break;
    }
    Double x = isNull ? null : Double.parseDouble(cell);
    for (JsonNode s : steps) {
      String op = s.get("op").asText();
      if (op.equals("impute")) {
        x = x == null && !s.get("value").isNull() ? s.get("value").asDouble() : x;
        continue;
      }
      if (x == null) {
        continue;
      }
      switch (op) {
        case "clip" -> {
          if (!s.path("lower").isNull() && x < s.get("lower").asDouble()) {
            x = s.get("lower").asDouble();
          }
          if (!s.path("upper").isNull() && x > s.get("upper").asDouble()) {
            x = s.get("upper").asDouble();
          }
        }
        case "log1p" -> x = x > -1 ? Math.log1p(x) : null;
        case "standard" -> {
          double scale = s.get("scale").asDouble();
          x = scale == 0 ? x - s.get("mean").asDouble() : (x - s.get("mean").asDouble()) / scale;
        }
        case "minmax" -> {
          double span = s.get("max").asDouble() - s.get("min").asDouble();
          x = span == 0 ? 0.0 : (x - s.get("min").asDouble()) / span;
        }
        default -> throw new AssertionError("a step the client does not know: " + op);
      }
    }
    return x;
  }

  /**
   * The Python client (clients/python/sluice_transforms.py, pandas and pyarrow from PyPI) checks
   * the snapshot the same way and trains a logistic regression on it. Its interpreter comes from
   * SLUICE_PYTHON (scripts/python-client makes one); without it the test is skipped on a developer
   * machine and fails where SLUICE_REQUIRE_REAL_SERVICES=true, as in CI.
   */
  private static void pythonClient(Path snapshot) throws Exception {
    String python = System.getenv("SLUICE_PYTHON");
    if (python == null || python.isBlank()) {
      if ("true".equals(System.getenv("SLUICE_REQUIRE_REAL_SERVICES"))) {
        throw new IllegalStateException(
            "SLUICE_REQUIRE_REAL_SERVICES=true but SLUICE_PYTHON is not set: export"
                + " SLUICE_PYTHON=$(scripts/python-client)");
      }
      Assumptions.abort(
          "set SLUICE_PYTHON=$(scripts/python-client) to check the export with the Python client");
    }
    Path script = clientScript();
    Process p =
        new ProcessBuilder(python, script.toString(), "check", snapshot.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.println("Python client:\n" + out);
    assertThat(p.exitValue()).as("the Python client's check:\n%s", out).isZero();
    assertThat(out).contains("train: ").contains("AUC on test: 0.");
  }

  private static Path clientScript() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("clients/python/sluice_transforms.py"))) {
      dir = dir.getParent();
    }
    assertThat(dir)
        .as("clients/python/sluice_transforms.py above the working directory")
        .isNotNull();
    return dir.resolve("clients/python/sluice_transforms.py");
  }
}
