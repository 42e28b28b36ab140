package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: for partitions generated with defects injected at random rates, counts always reconcile
 * and every quarantined row carries exactly the reasons that were injected into it.
 */
class InjectedDefectsPropertyTest {

  static final String[] DEFECTS = {
    "missing_order_id",
    "missing_customer_id",
    "missing_order_ts",
    "bad_order_ts",
    "missing_amount",
    "bad_amount",
    "negative_amount",
    "missing_quantity",
    "bad_quantity",
    "unknown_category",
    "missing_status",
    "unknown_status",
    "wrong_field_count"
  };
  static final int SEEDS = 6;
  static final int ROWS = 250;

  @TempDir Path tmp;

  @Test
  void countsReconcileAndReasonsMatchTheInjectedDefects() throws IOException {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      for (int seed = 1; seed <= SEEDS; seed++) {
        LocalDate d = LocalDate.of(2024, 7, seed);
        Map<Integer, Row> injected = writePartition(h, d, new SplittableRandom(seed));

        h.ingest.ingest(ActivityHarness.ref(d));
        StageResult r = h.stage.stage(ActivityHarness.ref(d));

        long defective = injected.values().stream().filter(x -> !x.reasons().isEmpty()).count();
        Set<String> validIds = new HashSet<>();
        injected.values().stream()
            .filter(x -> x.reasons().isEmpty())
            .forEach(x -> validIds.add(x.orderId()));
        assertThat(r.rawRows()).as("seed %d", seed).isEqualTo(ROWS);
        assertThat(r.quarantined() + r.staged() + r.duplicates()).isEqualTo(r.rawRows());
        assertThat(r.quarantined()).as("seed %d", seed).isEqualTo(defective);
        assertThat(r.staged())
            .as("one staged version per valid order id")
            .isEqualTo(validIds.size());

        for (Record q :
            h.dsl.fetch(
                "select q.line_no, q.reasons from quarantine.orders q where q.partition_date = ?",
                d)) {
          Row expected = injected.get(q.get(0, Integer.class));
          assertThat(new TreeSet<>(Arrays.asList(q.get(1, String[].class))))
              .as("seed %d line %d", seed, q.get(0, Integer.class))
              .isEqualTo(expected.reasons());
        }
      }
    }
  }

  record Row(String orderId, Set<String> reasons) {}

  /**
   * Writes one partition; returns, per line number, the order id and the reasons injected into that
   * row. Each defect has its own random rate per seed; a tenth of the rows repeat an earlier clean
   * id (in-partition duplicates).
   */
  private static Map<Integer, Row> writePartition(
      ActivityHarness h, LocalDate d, SplittableRandom rnd) throws IOException {
    Map<String, Double> rates = new HashMap<>();
    for (String defect : DEFECTS) {
      rates.put(defect, rnd.nextDouble() * 0.08);
    }
    StringBuilder csv = new StringBuilder(String.join(",", OrdersGenerator.COLUMNS)).append('\n');
    Map<Integer, Row> injected = new HashMap<>();
    List<String> cleanIds = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      String id = "p" + d + "-" + i;
      if (!cleanIds.isEmpty() && rnd.nextDouble() < 0.1) {
        id = cleanIds.get(rnd.nextInt(cleanIds.size()));
      }
      String[] v = {
        id,
        "C" + rnd.nextInt(50),
        d + "T10:00:00Z",
        "12.50",
        "EUR",
        "completed",
        "books",
        "DE",
        "web",
        "2"
      };
      Set<String> reasons = new TreeSet<>();
      inject(rnd, rates, reasons, "missing_order_id", () -> v[0] = "");
      inject(rnd, rates, reasons, "missing_customer_id", () -> v[1] = "  ");
      if (!inject(rnd, rates, reasons, "missing_order_ts", () -> v[2] = "")) {
        inject(rnd, rates, reasons, "bad_order_ts", () -> v[2] = d + "T10:00:00");
      }
      if (!inject(rnd, rates, reasons, "missing_amount", () -> v[3] = "")) {
        if (!inject(rnd, rates, reasons, "bad_amount", () -> v[3] = "12,5")) {
          inject(rnd, rates, reasons, "negative_amount", () -> v[3] = "-1");
        }
      }
      if (!inject(rnd, rates, reasons, "missing_quantity", () -> v[9] = "")) {
        inject(rnd, rates, reasons, "bad_quantity", () -> v[9] = "0");
      }
      inject(rnd, rates, reasons, "unknown_category", () -> v[6] = "garden");
      if (!inject(rnd, rates, reasons, "missing_status", () -> v[5] = "")) {
        inject(rnd, rates, reasons, "unknown_status", () -> v[5] = "shipped");
      }
      boolean surplus = inject(rnd, rates, reasons, "wrong_field_count", () -> {});
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < v.length; c++) {
        if (c > 0) {
          line.append(',');
        }
        line.append('"').append(v[c]).append('"');
      }
      if (surplus) {
        line.append(",surplus");
      }
      csv.append(line).append('\n');
      if (reasons.isEmpty() && !cleanIds.contains(id)) {
        cleanIds.add(id);
      }
      injected.put(i + 2, new Row(v[0], reasons));
    }
    Path dir = h.settings.dataRoot().resolve("raw").resolve(d.toString());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("orders.csv"), csv);
    return injected;
  }

  private static boolean inject(
      SplittableRandom rnd,
      Map<String, Double> rates,
      Set<String> reasons,
      String defect,
      Runnable apply) {
    if (rnd.nextDouble() >= rates.get(defect)) {
      return false;
    }
    apply.run();
    reasons.add(defect);
    return true;
  }
}
