package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bad row never blocks a day: a key too long for an index, a key that differs from another only
 * by invisible characters, an event time in year 10000 are quarantined with their reason, and the
 * day stages and gets its features.
 */
class ValueBoundsTest {

  static final LocalDate D = LocalDate.of(2024, 5, 1);
  static final String HEADER =
      "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,quantity\n";

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() {
    h = new ActivityHarness(tmp);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private static String row(String orderId, String customerId, String ts) {
    return orderId + "," + customerId + "," + ts + ",10.00,EUR,completed,books,DE,web,1\n";
  }

  private void write(String rows) throws IOException {
    Path dir = h.settings.dataRoot().resolve("raw").resolve(D.toString());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("orders.csv"), HEADER + rows);
  }

  private void setConfig(String from, String to) throws IOException {
    Path cfg = h.settings.pipelinesDir().resolve("orders.yaml");
    String yaml = Files.readString(cfg);
    assertThat(yaml).contains(from);
    Files.writeString(cfg, yaml.replace(from, to));
  }

  private Map<String, List<String>> reasons() {
    Map<String, List<String>> reasons = new LinkedHashMap<>();
    for (Record q :
        h.dsl.fetch(
            "select left(record->>'order_id', 12) || '/' || left(record->>'customer_id', 12) as id,"
                + " reasons from quarantine.orders order by line_no")) {
      reasons.put(q.get("id", String.class), Arrays.asList(q.get("reasons", String[].class)));
    }
    return reasons;
  }

  /** An offset can carry a valid-looking time past year 9999 or before year 1 in UTC. */
  @Test
  void outOfBoundValuesAreQuarantinedAndTheDayGetsItsFeatures() throws IOException {
    String mega = "x".repeat(1 << 20);
    write(
        row("ok1", "C1", "2024-05-01T10:00:00Z")
            + row("O" + mega, "C2", "2024-05-01T10:00:00Z")
            + row("ok2", "C" + mega, "2024-05-01T10:00:00Z")
            + row("ok3", "C1\u200B", "2024-05-01T10:00:00Z")
            + row("\u202Eok4", "C3", "2024-05-01T10:00:00Z")
            + row("ok5", "C\uFEFF4", "2024-05-01T10:00:00Z")
            + row("ok6", "C5", "9999-12-31T23:00:00-05:00")
            + row("ok7", "C6", "0001-01-01T00:00:00+05:00"));
    h.ingest.ingest(ActivityHarness.ref(D));
    h.validate.validate(ActivityHarness.ref(D));
    StageResult r = h.stage.stage(ActivityHarness.ref(D));

    assertThat(r).isEqualTo(new StageResult(8, 7, 1, 0));
    assertThat(reasons())
        .containsExactly(
            Map.entry("Oxxxxxxxxxxx/C2", List.of("too_long_order_id")),
            Map.entry("ok2/Cxxxxxxxxxxx", List.of("too_long_customer_id")),
            Map.entry("ok3/C1\u200B", List.of("invisible_customer_id")),
            Map.entry("\u202Eok4/C3", List.of("invisible_order_id")),
            Map.entry("ok5/C\uFEFF4", List.of("invisible_customer_id")),
            Map.entry("ok6/C5", List.of("out_of_range_order_ts")),
            Map.entry("ok7/C6", List.of("out_of_range_order_ts")));
    h.features.computeFeatures(ActivityHarness.ref(D), 1);
    assertThat(h.dsl.fetchValue("select string_agg(customer_id, ',') from feats.orders_features"))
        .isEqualTo("C1");
  }

  @Test
  void freshnessIgnoresEventTimesOutsideTheBounds() throws IOException {
    write(row("ok1", "C1", "2024-05-01T10:00:00Z") + row("ok6", "C5", "9999-12-31T23:00:00-05:00"));
    h.ingest.ingest(ActivityHarness.ref(D));
    String report = h.validate.validate(ActivityHarness.ref(D)).reportPath();
    String json = Files.readString(Path.of(report));
    assertThat(json).contains("latest event 2024-05-01T10:00Z").doesNotContain("-6991");
  }

  @Test
  void theBoundsAreDeclaredInThePipelineFile() throws IOException {
    setConfig(
        "event_time: order_ts\n",
        "event_time: order_ts\n"
            + "max_text_length: 9\n"
            + "allow_invisible_in_keys: true\n"
            + "event_time_bounds: {min: 2024-01-01, max: 2024-06-01T00:00:00Z}\n");
    write(
        row("ok1", "C1\u200B", "2024-05-01T10:00:00Z")
            + row("ok2", "C123456789", "2024-05-01T10:00:00Z")
            + row("ok3", "C2", "2023-12-31T23:59:59Z")
            + row("ok4", "C3", "2024-06-01T00:00:00Z"));
    h.ingest.ingest(ActivityHarness.ref(D));
    assertThat(h.stage.stage(ActivityHarness.ref(D))).isEqualTo(new StageResult(4, 3, 1, 0));
    assertThat(reasons())
        .containsExactly(
            Map.entry("ok2/C123456789", List.of("too_long_customer_id")),
            Map.entry("ok3/C2", List.of("out_of_range_order_ts")),
            Map.entry("ok4/C3", List.of("out_of_range_order_ts")));
  }
}
