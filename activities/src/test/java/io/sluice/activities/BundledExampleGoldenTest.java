package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.support.Hashing;
import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled example's outputs, pinned: the days under {@code data/raw}, run as the demo runs them
 * (the history but the last day as a backfill: every partition staged, then the features of the
 * range in one pass, split and publish; then the last day as a daily run), must give these counts,
 * quarantine reasons, staged rows, feature rows and labels, splits and exports. A change to any
 * stage that moves one of them is a change of behaviour and must say so here, with the new value
 * and why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundledExampleGoldenTest {

  static final LocalDate FIRST = LocalDate.of(2024, 1, 1);
  static final int DAYS = 150;

  @TempDir static Path tmp;
  ActivityHarness h;

  @BeforeAll
  void runTheBundledDays() throws IOException {
    h = new ActivityHarness(tmp);
    Path bundled = ActivityHarness.repoFile("data/raw");
    for (int i = 0; i < DAYS; i++) {
      String day = FIRST.plusDays(i).toString();
      Path to = h.settings.dataRoot().resolve("raw").resolve(day);
      Files.createDirectories(to);
      try (Stream<Path> files = Files.list(bundled.resolve(day))) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    LocalDate last = FIRST.plusDays(DAYS - 1);
    for (LocalDate d = FIRST; d.isBefore(last); d = d.plusDays(1)) {
      PartitionRef ref = ActivityHarness.ref(d);
      h.ingest.ingest(ref);
      h.validate.validate(ref);
      h.stage.stage(ref);
    }
    PartitionRef history = ActivityHarness.ref(last.minusDays(1));
    h.features.computeFeatures(history, 2);
    h.split.split(history);
    h.publish.publish(history);
    h.runPartition(last);
  }

  @AfterAll
  void tearDown() {
    h.close();
  }

  @Test
  void countsPerPartition() {
    assertThat(
            md5(
                "select partition_date, raw_rows, quarantined_rows, staged_rows, duplicate_rows"
                    + " from meta.stage_reconciliation",
                "partition_date"))
        .isEqualTo("99dff1d6b431af4fb2ad8e783f4b033d/150");
  }

  @Test
  void quarantineReasons() {
    assertThat(
            md5(
                "select q.partition_date, f.file_name, q.line_no, q.reasons, q.record"
                    + " from quarantine.orders q join meta.ingested_files f using (file_id)",
                "partition_date, file_name, line_no"))
        .isEqualTo("539fd24e1eac9c81ecdc7f8a3ce25aae/1550");
  }

  @Test
  void stagedRows() {
    assertThat(
            md5(
                "select s.order_id, s.partition_date, f.file_name, s.line_no, s.customer_id,"
                    + " s.order_ts, s.amount, s.currency, s.status, s.category, s.country,"
                    + " s.channel, s.quantity"
                    + " from stg.orders s join meta.ingested_files f using (file_id)",
                "order_id, partition_date"))
        .isEqualTo("08f2cebfa40f31939533c01a3435de2e/20513");
  }

  @Test
  void featureRowsAndLabels() {
    assertThat(md5("select * from feats.orders_features", "feature_date, customer_id"))
        .isEqualTo("6eb820253369b4c4ee6a500b511e9b22/50324");
  }

  @Test
  void splitsAndTrainingStatistics() {
    assertThat(
            md5(
                "select as_of_date, split, from_date, to_date, row_count, embargo_days from meta.splits",
                "as_of_date, split"))
        .isEqualTo("d0aba55e9d7c3d9b17665c73efb111b9/6");
    assertThat(
            md5(
                "select as_of_date, feature, mean, stddev, min_value, max_value, null_fraction"
                    + " from meta.split_stats",
                "as_of_date, feature"))
        .isEqualTo("68b6dd6913dd96626a21c76cb36a82ab/16");
  }

  /**
   * The CSV files byte for byte (their text cells quoted since the CSV writer neutralises formula
   * cells; the values are those of the Parquet rows, unchanged), the rows the Parquet files read
   * back as (their bytes carry more than the rows), and metadata.json without its config hash,
   * which changes whenever the pipeline file's schema gains a key, by design. Its SQL hash stays
   * in: a change to the generated SQL is a new feature table and version for every deployment, so
   * it is made on purpose, with the new value here (docs/operations.md has the last one).
   */
  @Test
  void exports() throws IOException {
    Path v1 = h.settings.dataRoot().resolve("features/orders/v1/latest");
    StringBuilder sums = new StringBuilder();
    for (String split : new String[] {"train", "val", "test"}) {
      sums.append(split).append(".csv ").append(sha256(v1.resolve(split + ".csv"))).append('\n');
      StringBuilder rows = new StringBuilder();
      ParquetRows.read(v1.resolve(split + ".parquet")).forEach(g -> rows.append(g).append('\n'));
      sums.append(split).append(".parquet ").append(Hashing.sha256Hex(rows.toString()));
      sums.append('\n');
    }
    ObjectNode metadata =
        (ObjectNode) new ObjectMapper().readTree(v1.resolve("metadata.json").toFile());
    metadata.remove("config_hash");
    sums.append("metadata ").append(Hashing.sha256Hex(metadata.toString()));
    assertThat(sums.toString())
        .isEqualTo(
            "train.csv 5c485a02c51082da87036e9793afe4e6c4f2adfbcd421e65875ca95f79243ab3\n"
                + "train.parquet 3dc2ad45de52fc24b2a686c60b4b31dd56533f1e3f865759f90adf597a861ecd\n"
                + "val.csv ef2e54cbd695d877963f5ffc0aef59dedcac1b65e3421e743acafd7e5e963c45\n"
                + "val.parquet cf0c92ef0339490cc62fc5acf447908dbaa5b988283dacec1ed2978a35a23843\n"
                + "test.csv 1f024868a0bc41d2f9274174c45509eb44a4c16e4e24ee43c15dd6fff4da4f6f\n"
                + "test.parquet b2cff0e559f067f7e373b313c06938a6a9fb1bb15b2063ae51106a4089c74a82\n"
                + "metadata 04c654bf9dd1fbf841ba1960f6fbba62ce9e0cc5be361943ec258a356f6352b9");
  }

  private String md5(String select, String orderBy) {
    return h.dsl
        .fetchValue(
            "select md5(coalesce(string_agg(t::text, '|' order by "
                + orderBy
                + "), '')) || '/' || count(*) from ("
                + select
                + ") t")
        .toString();
  }

  private static String sha256(Path p) {
    try {
      return Hashing.sha256Hex(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
