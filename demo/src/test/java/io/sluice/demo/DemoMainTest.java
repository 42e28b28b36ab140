package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.sample.OrdersGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end on the embedded default, over a small generated range. */
class DemoMainTest {

  @TempDir Path tmp;

  @Test
  void runsEveryPartitionAndPrintsTheTable() throws Exception {
    LocalDate first = LocalDate.of(2024, 6, 1);
    OrdersGenerator g = new OrdersGenerator(11, 80);
    for (int i = 0; i < 9; i++) {
      g.writeDay(tmp.resolve("data"), first, first.plusDays(i));
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
    assertThat(out).contains("date          raw quarantined staged duplicates features labelled");
    assertThat(out.lines().filter(l -> l.matches("2024-06-0\\d\\s+80\\s.*"))).hasSize(9);
    // days 1 and 2 have day+7 in range: their rows are labelled; the last day's are not
    assertThat(out.lines().filter(l -> l.startsWith("2024-06-01")).findFirst().orElseThrow())
        .doesNotEndWith(" 0");
    assertThat(out.lines().filter(l -> l.startsWith("2024-06-09")).findFirst().orElseThrow())
        .endsWith(" 0");
    assertThat(tmp.resolve("data/features/orders/v1/metadata.json")).exists();
    assertThat(Files.list(tmp.resolve("artifacts/reports/orders/2024-06-05"))).isNotEmpty();
  }
}
