package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end on the embedded default over the bundled data, as {@code ./sluice demo} runs
 * it: a dataset a model can learn from, with both label values in every split.
 */
class DemoMainTest {

  @TempDir Path tmp;

  @Test
  void theBundledDataGivesAnExportWithBothClassesInEverySplit() throws Exception {
    Path bundled = RealWorker.repoPipelines().resolveSibling("data");
    try (Stream<Path> files = Files.walk(bundled)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path relative = bundled.relativize(f);
        if (relative.startsWith("raw")
            || relative.startsWith("app_events")
            || relative.startsWith("customers")) {
          Path to = tmp.resolve("data").resolve(relative);
          Files.createDirectories(to.getParent());
          Files.copy(f, to);
        }
      }
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code =
        new DemoMain()
            .run(
                tmp.resolve("data"),
                RealWorker.repoPipelines(),
                tmp.resolve("artifacts"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(code).as(out).isZero();
    assertThat(out)
        .contains("Sluice demo: 150 partitions of orders (facts)")
        .contains("Sluice demo: 60 partitions of app_events (events)")
        .contains("== orders", "== app_events")
        .containsPattern("backfill \\S+ .* completed in")
        .contains("date          raw quarantined staged duplicates features labelled")
        .containsPattern("150 partitions: 22500 raw rows = \\d+ quarantined \\+ \\d+ staged")
        .containsPattern(
            "60 partitions: \\d+ raw rows = \\d+ quarantined \\+ \\d+ staged \\+ 0 dup")
        .containsPattern("  train +\\d+ rows, .*label 1 in \\d+ \\(\\d+\\.\\d%\\), 0 in \\d+")
        .containsPattern("  test +\\d+ rows, ")
        .contains("Sluice demo: 150 partitions of customers (dimension)")
        .contains("== customer_value (a feature set over orders, joined with customers)")
        .contains("features: 150 feature dates in the table feats.customer_value_features\n")
        .contains("19 transformed columns, fitted on the");
    bothClassesInEverySplit(tmp.resolve("data/features/orders/v1/latest"), "ordered_next_7d");
    bothClassesInEverySplit(tmp.resolve("data/features/app_events/v1/latest"), "purchased_next_3d");
    bothClassesInEverySplit(
        tmp.resolve("data/features/customer_value/v1/latest"), "ordered_next_7d");
    try (Stream<Path> reports = Files.list(tmp.resolve("artifacts/reports/orders/2024-03-01"))) {
      assertThat(reports).isNotEmpty();
    }
  }

  private static void bothClassesInEverySplit(Path latest, String label) throws IOException {
    assertThat(latest.resolve("metadata.json")).exists();
    for (String split : new String[] {"train", "val", "test"}) {
      long ones = 0;
      long zeros = 0;
      try (Reader r = Files.newBufferedReader(latest.resolve(split + ".csv"))) {
        for (CSVRecord row :
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
          ones += row.get(label).equals("1") ? 1 : 0;
          zeros += row.get(label).equals("0") ? 1 : 0;
        }
      }
      assertThat(ones).as(latest + " " + split + ": rows labelled 1").isPositive();
      assertThat(zeros).as(latest + " " + split + ": rows labelled 0").isPositive();
    }
  }

  /** No partition at all: the demo says so and runs nothing. */
  @Test
  void anEmptyDataRootRunsNothing() throws IOException, Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code =
        new DemoMain()
            .run(
                tmp.resolve("empty"),
                RealWorker.repoPipelines(),
                tmp.resolve("artifacts"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(buf.toString(StandardCharsets.UTF_8)).contains("nothing to run");
  }
}
