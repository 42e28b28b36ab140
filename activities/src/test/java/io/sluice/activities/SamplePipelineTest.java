package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.activities.features.FeatureSet;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Generated messy partitions through every stage: counts reconcile, re-runs are identical. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamplePipelineTest {

  static final LocalDate FIRST = LocalDate.of(2024, 1, 1);
  static final int DAYS = 12;

  @TempDir static Path tmp;
  ActivityHarness h;

  @BeforeAll
  void setUp() throws Exception {
    h = new ActivityHarness(tmp);
    OrdersGenerator g = new OrdersGenerator(7, 200);
    for (int i = 0; i < DAYS; i++) {
      g.writeDay(h.settings.dataRoot(), FIRST, FIRST.plusDays(i));
    }
    for (int i = 0; i < DAYS; i++) {
      h.runPartition(FIRST.plusDays(i));
    }
  }

  @AfterAll
  void tearDown() {
    h.close();
  }

  @Test
  void everyPartitionReconciles() {
    for (Record r :
        h.dsl.fetch(
            "select raw_rows, quarantined_rows, staged_rows, duplicate_rows from meta.stage_reconciliation")) {
      long raw = r.get(0, Long.class);
      assertThat(raw).isEqualTo(200);
      assertThat(r.get(1, Long.class) + r.get(2, Long.class) + r.get(3, Long.class)).isEqualTo(raw);
      assertThat(r.get(1, Long.class)).as("messy data is quarantined").isPositive();
    }
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.stage_reconciliation"))).isEqualTo(DAYS);
  }

  @Test
  void reingestingTheSameBytesIsANoOp() {
    IngestResult again = h.ingest.ingest(ActivityHarness.ref(FIRST));
    assertThat(again.filesNew()).isZero();
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.partitionVersion()).isEqualTo(1);
    assertThat(again.rawRows()).isEqualTo(200);
  }

  @Test
  void rerunningAPartitionGivesIdenticalRows() {
    String stg = h.checksum("stg.orders", "order_id, partition_date");
    String feats = h.checksum("feats.orders_features", "feature_date, customer_id");
    String quarantine = h.checksum("quarantine.orders", "file_id, line_no");
    LocalDate d = FIRST.plusDays(5);
    StageResult before =
        h.dsl
            .fetchOne(
                "select raw_rows, quarantined_rows, staged_rows, duplicate_rows from meta.stage_reconciliation where partition_date = ?",
                d)
            .map(
                r ->
                    new StageResult(
                        r.get(0, Long.class),
                        r.get(1, Long.class),
                        r.get(2, Long.class),
                        r.get(3, Long.class)));
    h.runPartition(d);
    assertThat(h.checksum("stg.orders", "order_id, partition_date")).isEqualTo(stg);
    assertThat(h.checksum("feats.orders_features", "feature_date, customer_id")).isEqualTo(feats);
    assertThat(h.checksum("quarantine.orders", "file_id, line_no")).isEqualTo(quarantine);
    assertThat(h.stage.stage(ActivityHarness.ref(d))).isEqualTo(before);
  }

  @Test
  void labelsAreFilledOnlyOnceTheHorizonPartitionIsStaged() {
    LocalDate lastLabelled = FIRST.plusDays(DAYS - 1 - 7);
    assertThat(
            h.dsl.fetchCount(
                h.dsl
                    .selectFrom("feats.orders_features")
                    .where("feature_date <= ? and ordered_next_7d is null", lastLabelled)))
        .isZero();
    assertThat(
            h.dsl.fetchCount(
                h.dsl
                    .selectFrom("feats.orders_features")
                    .where("feature_date > ? and ordered_next_7d is not null", lastLabelled)))
        .isZero();
  }

  @Test
  void scalingStatisticsComeFromTheTrainingRowsOnly() {
    LocalDate asOf = FIRST.plusDays(DAYS - 1);
    Record train =
        h.dsl.fetchOne(
            "select from_date, to_date from meta.splits where as_of_date = ? and split = 'train'",
            asOf);
    Record stats =
        h.dsl.fetchOne(
            "select mean, min_value, max_value from meta.split_stats"
                + " where as_of_date = ? and feature = 'orders_30d'",
            asOf);
    Record expected =
        h.dsl.fetchOne(
            "select avg(orders_30d)::float8, min(orders_30d)::float8, max(orders_30d)::float8"
                + " from feats.orders_features where feature_date between ? and ?"
                + " and ordered_next_7d is not null",
            train.get(0),
            train.get(1));
    assertThat(stats.get(0, Double.class)).isCloseTo(expected.get(0, Double.class), within(1e-9));
    assertThat(stats.get(1, Double.class)).isEqualTo(expected.get(1, Double.class));
    assertThat(stats.get(2, Double.class)).isEqualTo(expected.get(2, Double.class));
    // Later dates have more history, so the mean over every row is larger: train-only matters.
    Double all =
        h.dsl
            .fetchOne("select avg(orders_30d)::float8 from feats.orders_features")
            .get(0, Double.class);
    assertThat(all).isGreaterThan(stats.get(0, Double.class));
  }

  @Test
  void theStatisticsDoNotDependOnThePhysicalOrderOfTheFeatureRows() {
    LocalDate asOf = FIRST.plusDays(DAYS - 1);
    String stats =
        "select feature, mean, stddev, min_value, max_value, null_fraction from meta.split_stats"
            + " where as_of_date = '"
            + asOf
            + "' order by feature";
    List<Record> before = h.dsl.fetch(stats);
    assertThat(before).hasSizeGreaterThan(3);
    // the same rows laid down in another order, as runs of a range pass side by side leave them
    String table = h.dsl.render(new FeatureSet(h.settings.config("orders")).table(h.dsl));
    h.dsl.execute("create temporary table shuffled as select * from " + table);
    h.dsl.execute("truncate " + table);
    h.dsl.execute(
        "insert into "
            + table
            + " select * from shuffled order by md5(customer_id || feature_date)");
    h.dsl.execute("drop table shuffled");

    h.split.split(ActivityHarness.ref(asOf));

    assertThat(h.dsl.fetch(stats)).isEqualTo(before);
  }

  @Test
  void theParquetExportHoldsTheCsvRowsAndReadsBackWithAParquetReader() throws Exception {
    Path v1 = h.settings.dataRoot().resolve("features/orders/v1/latest");
    List<CSVRecord> csv;
    try (CSVParser p =
        CSVParser.parse(v1.resolve("train.csv"), StandardCharsets.UTF_8, CSVFormat.DEFAULT)) {
      csv = p.getRecords();
    }
    Path parquet = v1.resolve("train.parquet");
    List<Group> rows = ParquetRows.read(parquet);
    assertThat(rows).hasSize(csv.size() - 1).isNotEmpty();
    MessageType schema = (MessageType) rows.get(0).getType();
    List<String> header = csv.get(0).toList();
    assertThat(schema.getFields().stream().map(f -> f.getName()).toList()).isEqualTo(header);
    CSVRecord first = csv.get(1);
    Group g = rows.get(0);
    assertThat(LocalDate.ofEpochDay(g.getInteger("feature_date", 0)).toString())
        .isEqualTo(first.get(0));
    assertThat(g.getString("customer_id", 0)).isEqualTo(first.get(1));
    assertThat(g.getInteger("orders_7d", 0)).isEqualTo(Integer.parseInt(first.get(2)));
    assertThat(g.getDouble("revenue_30d", 0)).isEqualTo(Double.parseDouble(first.get(5)));

    // Scaled columns use the training split's statistics, in every split.
    assertThat(header.get(header.size() - 1)).isEqualTo("ordered_next_7d");
    Record st =
        h.dsl.fetchOne(
            "select mean, stddev from meta.split_stats where as_of_date = ? and feature = 'orders_7d'",
            FIRST.plusDays(DAYS - 1));
    double expected =
        (Integer.parseInt(first.get(2)) - st.get(0, Double.class)) / st.get(1, Double.class);
    assertThat(g.getDouble("orders_7d_scaled", 0)).isCloseTo(expected, within(1e-6));
    assertThat(Double.parseDouble(first.get(header.indexOf("orders_7d_scaled"))))
        .isCloseTo(expected, within(1e-6));
  }

  @Test
  void publishWritesExportsAndARegistryRow() throws Exception {
    Path v1 = h.settings.dataRoot().resolve("features/orders/v1/latest");
    assertThat(v1.resolve("train.csv")).exists();
    assertThat(v1.resolve("metadata.json")).exists();
    assertThat(Files.readAllLines(v1.resolve("train.csv")).get(0))
        .startsWith("feature_date,customer_id");
    // the first 7 days have no label known yet: nothing is published for them
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.feature_registry"))).isEqualTo(DAYS - 7);
    Record reg =
        h.dsl.fetchOne(
            "select feature_table, columns::text from meta.feature_registry where as_of_date = ?",
            FIRST.plusDays(DAYS - 1));
    assertThat(reg.get(0, String.class)).startsWith("\"feats\".\"orders_");
    assertThat(reg.get(1, String.class))
        .contains("\"name\": \"orders_7d\"", "\"type\": \"integer\"", "orders_7d_scaled");
    String metadata = Files.readString(v1.resolve("metadata.json")).replaceAll("\\s", "");
    assertThat(metadata)
        .contains("\"first_feature_date\":\"2024-01-01\"")
        .containsPattern(
            "\"as_of_date\":\"2024-01-(\\d\\d)\".*\"knowledge_cutoff\":\"2024-01-\\d\\dT00:00Z\"")
        .contains("\"parquet_file\":\"train.parquet\"");
    // the end of the partition the last exported label depends on: its date plus the horizon
    String last = metadata.replaceAll(".*\"last_feature_date\":\"([0-9-]+)\".*", "$1");
    assertThat(metadata)
        .contains("\"knowledge_cutoff\":\"" + LocalDate.parse(last).plusDays(8) + "T00:00Z\"");
    assertThat(h.settings.artifactsDir().resolve("reports/orders/2024-01-03/run-2024-01-03.json"))
        .exists();
  }
}
