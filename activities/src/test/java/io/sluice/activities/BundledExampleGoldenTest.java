package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.support.Hashing;
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
 * The bundled example's outputs, pinned: the 14 days under {@code data/raw} run through every stage
 * must give these counts, quarantine reasons, staged rows, feature rows and labels, splits and
 * exports. A change to any stage that moves one of them is a change of behaviour and must say so
 * here, with the new value and why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundledExampleGoldenTest {

  static final LocalDate FIRST = LocalDate.of(2024, 1, 1);
  static final int DAYS = 14;

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
    for (int i = 0; i < DAYS; i++) {
      h.runPartition(FIRST.plusDays(i));
    }
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
        .isEqualTo("125170b0a748ca71887fca5072e8f903/14");
  }

  @Test
  void quarantineReasons() {
    assertThat(
            md5(
                "select q.partition_date, f.file_name, q.line_no, q.reasons, q.record"
                    + " from quarantine.orders q join meta.ingested_files f using (file_id)",
                "partition_date, file_name, line_no"))
        .isEqualTo("a28638e08f4b68c5114c9045202cc657/292");
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
        .isEqualTo("f75d98f926c665fd0b22ba385d4dde6d/3829");
  }

  @Test
  void featureRowsAndLabels() {
    assertThat(md5("select * from feats.orders_features", "feature_date, customer_id"))
        .isEqualTo("607d7341351ea31317f68adacf0b9fda/1381");
  }

  @Test
  void splitsAndTrainingStatistics() {
    assertThat(
            md5(
                "select as_of_date, split, from_date, to_date, row_count, embargo_days from meta.splits",
                "as_of_date, split"))
        .isEqualTo("e8d79842fe331517aeae114db8a0cd93/42");
    assertThat(
            md5(
                "select as_of_date, feature, mean, stddev, min_value, max_value, null_fraction"
                    + " from meta.split_stats",
                "as_of_date, feature"))
        .isEqualTo("9e5062146cf9a94f0047d1aed1408099/56");
  }

  /**
   * The CSV files byte for byte (their text cells quoted since the CSV writer neutralises formula
   * cells; the values are those of the Parquet rows, unchanged), the rows the Parquet files read
   * back as (their bytes carry more than the rows), and metadata.json without its config hash,
   * which changes whenever the pipeline file's schema gains a key, by design.
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
            "train.csv bcd76f7e247edfda0d6b15480a90dc4f402a23b5b4b8de32c631290c3bd80037\n"
                + "train.parquet 8cf8b252644976f11ddeb93bb9578edc5de3186c3a479d70f3e7ddaf43fbae33\n"
                + "val.csv f6b296bb77966f903c2439e439a6114927182b470cc01c96ce8037b8d8f34d73\n"
                + "val.parquet e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                + "test.csv f6b296bb77966f903c2439e439a6114927182b470cc01c96ce8037b8d8f34d73\n"
                + "test.parquet e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                + "metadata 74910bb4bc50c54520f0a2c5084fe2f92af2d97aede57440618a5928158e9630");
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
