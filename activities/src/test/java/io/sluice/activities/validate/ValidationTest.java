package io.sluice.activities.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.support.Json;
import io.sluice.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every expectation type of the bundled config, measured on hand-made partitions. */
class ValidationTest {

  static final String HEADER =
      "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,quantity\n";
  static final LocalDate D1 = LocalDate.of(2024, 4, 1);
  static final LocalDate D2 = LocalDate.of(2024, 4, 2);

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

  static String row(String id, String ts, String amount, String currency, String status) {
    return String.join(",", id, "C1", ts, amount, currency, status, "books", "DE", "web", "1")
        + "\n";
  }

  private void write(LocalDate d, String rows) throws IOException {
    Path dir = h.settings.dataRoot().resolve("raw").resolve(d.toString());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("orders.csv"), HEADER + rows);
  }

  private JsonNode report(LocalDate d) throws IOException {
    return Json.MAPPER.readTree(h.settings.reportFile("orders", d, "run-" + d, "json").toFile());
  }

  private static JsonNode outcome(JsonNode report, String name) {
    for (JsonNode o : report.path("expectations")) {
      if (o.path("name").asText().equals(name)) {
        return o;
      }
    }
    throw new AssertionError("no outcome " + name);
  }

  @Test
  void aKeyStagedFromALongerHistoryIsLookedUpAndCountedTheSame() throws IOException {
    stageOrders(D1, 1, 12);
    String t2 = "2024-04-02T12:00:00Z";
    write(D2, row("o7", t2, "10", "EUR", "completed") + row("o99", t2, "10", "EUR", "completed"));
    h.ingest.ingest(ActivityHarness.ref(D2));
    // 12 rows staged from D1, more than four times D2's 2: its keys are looked up one by one
    assertThat(
            ActivityHarness.logged(
                Expectation.Unique.class, () -> h.validate.validate(ActivityHarness.ref(D2))))
        .containsExactly(
            "orders/2024-04-02: 12 rows staged from other partitions, more than 4 x the"
                + " partition's 2: its keys are looked up in the staged key's index");

    JsonNode staged = outcome(report(D2), "order_id_new_to_staging");
    assertThat(staged.path("unexpected_count").asLong()).isEqualTo(1);
    assertThat(staged.path("unexpected_samples").get(0).asText()).isEqualTo("o7");
  }

  @Test
  void theSamplesOfKeysStagedFromAShortHistoryAreLookedUpWhenTheyAreCommon() throws IOException {
    stageOrders(D1, 1, 1000);
    // D2 sends again 400 of D1's orders: 1,000 staged rows are not four times D2's 400 keys, so
    // they are hashed for the count; 50 samples among keys this common take about 50 rows, the
    // lookup reads four times as many, and 1,000 is more than four times 200
    writeOrders(D2, 1, 400);
    h.ingest.ingest(ActivityHarness.ref(D2));
    assertThat(
            ActivityHarness.logged(
                Expectation.Unique.class, () -> h.validate.validate(ActivityHarness.ref(D2))))
        .containsExactly(
            "orders/2024-04-02: 400 of the partition's 400 rows have a key staged from another"
                + " partition: the keys of its first 200 rows are looked up in the staged key's"
                + " index for samples");

    JsonNode staged = outcome(report(D2), "order_id_new_to_staging");
    assertThat(staged.path("unexpected_count").asLong()).isEqualTo(400);
    assertThat(staged.path("unexpected_samples"))
        .extracting(JsonNode::asText)
        .containsExactly("o1", "o2", "o3", "o4", "o5");
  }

  @Test
  void samplesTheFirstRowsDoNotHoldAreTakenFromEveryRow() throws IOException {
    stageOrders(D1, 1, 2100);
    // D2: 600 new orders, then 400 of D1's; the lookup reads the first 500 rows, which hold none
    write(D2, orders("n", 1, 600, D2) + orders("o", 1, 400, D2));
    h.ingest.ingest(ActivityHarness.ref(D2));
    assertThat(
            ActivityHarness.logged(
                Expectation.Unique.class, () -> h.validate.validate(ActivityHarness.ref(D2))))
        .containsExactly(
            "orders/2024-04-02: 400 of the partition's 1000 rows have a key staged from another"
                + " partition: the keys of its first 500 rows are looked up in the staged key's"
                + " index for samples",
            "orders/2024-04-02: its first 500 rows hold 0 of those keys: the samples come from"
                + " every row");

    JsonNode staged = outcome(report(D2), "order_id_new_to_staging");
    assertThat(staged.path("unexpected_count").asLong()).isEqualTo(400);
    assertThat(staged.path("unexpected_samples")).hasSize(5);
    assertThat(staged.path("unexpected_samples"))
        .extracting(JsonNode::asText)
        .allMatch(k -> k.matches("o[0-9]+") && Integer.parseInt(k.substring(1)) <= 400);
  }

  /** Orders o{from}..o{to} of {@code day}, ingested, validated and staged. */
  private void stageOrders(LocalDate day, int from, int to) throws IOException {
    writeOrders(day, from, to);
    h.ingest.ingest(ActivityHarness.ref(day));
    h.validate.validate(ActivityHarness.ref(day));
    h.stage.stage(ActivityHarness.ref(day));
  }

  private void writeOrders(LocalDate day, int from, int to) throws IOException {
    write(day, orders("o", from, to, day));
  }

  /** Rows of orders {prefix}{from}..{prefix}{to}, at noon of {@code day}. */
  private static String orders(String prefix, int from, int to, LocalDate day) {
    StringBuilder rows = new StringBuilder();
    for (int i = from; i <= to; i++) {
      rows.append(row(prefix + i, day + "T12:00:00Z", "10", "EUR", "completed"));
    }
    return rows.toString();
  }

  @Test
  void stagedKeysAreHashedUntilTheyOutnumberThePartitionFourToOne() {
    assertThat(Expectation.Unique.probesKeys(0, 0)).isFalse();
    assertThat(Expectation.Unique.probesKeys(4_000_000, 1_000_000)).isFalse();
    assertThat(Expectation.Unique.probesKeys(4_000_001, 1_000_000)).isTrue();
    assertThat(Expectation.Unique.probesKeys(365_000_000, 1_000_000)).isTrue();
  }

  @Test
  void eachExpectationTypeMeasuresWhatItSays() throws IOException {
    String t1 = "2024-04-01T12:00:00Z";
    write(
        D1,
        row("o1", t1, "10", "EUR", "completed")
            + row("o2", t1, "10", "EUR", "completed")
            + row("o3", t1, "10", "EUR", "completed")
            + row("o4", t1, "10", "EUR", "completed"));
    h.ingest.ingest(ActivityHarness.ref(D1));
    h.validate.validate(ActivityHarness.ref(D1));
    h.stage.stage(ActivityHarness.ref(D1));

    // D2: o1 again (already staged), o5 twice, a non-ISO currency, amounts 10x higher,
    // and nothing newer than two days before the partition's end.
    String t2 = "2024-03-31T23:00:00Z";
    write(
        D2,
        row("o1", t2, "100", "EUR", "completed")
            + row("o5", t2, "100", "EUR", "completed")
            + row("o5", t2, "100", "EUR", "refunded")
            + row("o6", t2, "100", " EURO", "completed"));
    h.ingest.ingest(ActivityHarness.ref(D2));
    h.validate.validate(ActivityHarness.ref(D2)); // only warnings: the run goes on
    JsonNode r = report(D2);

    assertThat(r.path("success").asBoolean()).isTrue();
    assertThat(outcome(r, "currency_is_iso_code").path("unexpected_count").asLong()).isEqualTo(1);
    assertThat(outcome(r, "currency_is_iso_code").path("unexpected_samples").get(0).asText())
        .isEqualTo(" EURO");
    assertThat(outcome(r, "order_id_unique_in_partition").path("unexpected_count").asLong())
        .isEqualTo(1);
    assertThat(
            outcome(r, "order_id_unique_in_partition").path("unexpected_samples").get(0).asText())
        .isEqualTo("o5");
    assertThat(outcome(r, "order_id_new_to_staging").path("unexpected_count").asLong())
        .isEqualTo(1);
    assertThat(outcome(r, "order_id_new_to_staging").path("unexpected_samples").get(0).asText())
        .isEqualTo("o1");
    assertThat(outcome(r, "partition_size").path("observed").asText()).startsWith("4 rows");
    assertThat(outcome(r, "partition_size").path("success").asBoolean()).isTrue();
    JsonNode fresh = outcome(r, "events_are_recent");
    assertThat(fresh.path("success").asBoolean()).isFalse();
    assertThat(fresh.path("observed").asText()).contains("49.0 h before");
    JsonNode drift = outcome(r, "amount_mean_stable");
    assertThat(drift.path("success").asBoolean()).isFalse();
    assertThat(drift.path("observed").asText()).contains("mean 100.0000 vs 10.0000");
    assertThat(r.path("warn_failures").asInt()).isEqualTo(5);
    assertThat(r.path("error_failures").asInt()).isZero();

    String html = Files.readString(h.settings.reportFile("orders", D2, "run-" + D2, "html"));
    assertThat(html).contains("<svg", "amount_mean_stable", "PASSED").doesNotContain("<script");
  }

  @Test
  void repeatsFoundWhileJudgingGiveTheOutcomeOfGroupingEveryRow() throws IOException {
    String t = "2024-04-01T12:00:00Z";
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      rows.append(row("o" + i, t, "10", "EUR", "completed"));
      if (i % 173 == 0) { // 18 ids twice, 6 of them three times
        rows.append(row("o" + i, t, "11", "EUR", "completed"));
        if (i % 3 == 0) {
          rows.append(row(" o" + i + " ", t, "12", "EUR", "completed"));
        }
      }
    }
    write(D1, rows.toString());
    h.ingest.ingest(ActivityHarness.ref(D1));
    h.validate.validate(ActivityHarness.ref(D1)); // judges: the repeats are found on the way
    JsonNode found = outcome(report(D1), "order_id_unique_in_partition");
    h.validate.validate(ActivityHarness.ref(D1)); // the judged table again: every row grouped
    JsonNode grouped = outcome(report(D1), "order_id_unique_in_partition");

    assertThat(found.path("unexpected_count").asLong()).isEqualTo(24);
    assertThat(found).isEqualTo(grouped);
  }

  @Test
  void parsedFieldsAreCountedSampledAndProfiledFromTheirTrimmedText() throws IOException {
    String t = "2024-04-01T12:00:00Z";
    StringBuilder rows =
        new StringBuilder()
            .append(row("o1", "not-a-time", "10", "EUR", "completed"))
            .append(row("o2", t, "-5", "EUR", "completed"))
            .append(row("o3", t, "ten", "EUR", "completed"))
            .append(row("o4", " 2024-04-01T23:30:00+01:00 ", " 20 ", "EUR", "completed"));
    for (int i = 5; i <= 20; i++) {
      rows.append(row("o" + i, t, "10", "EUR", "completed"));
    }
    write(D1, rows.toString());
    h.ingest.ingest(ActivityHarness.ref(D1));
    catchThrowable(() -> h.validate.validate(ActivityHarness.ref(D1))); // 2 of 20 amounts fail
    JsonNode r = report(D1);

    JsonNode ts = outcome(r, "order_ts_is_instant");
    assertThat(ts.path("element_count").asLong()).isEqualTo(20);
    assertThat(ts.path("unexpected_count").asLong()).isEqualTo(1);
    assertThat(ts.path("unexpected_samples").toString()).isEqualTo("[\"not-a-time\"]");
    JsonNode amount = outcome(r, "amount_non_negative");
    assertThat(amount.path("unexpected_count").asLong()).isEqualTo(2);
    assertThat(amount.path("unexpected_samples").toString()).isEqualTo("[\"-5\",\"ten\"]");
    assertThat(outcome(r, "events_are_recent").path("observed").asText())
        .contains("latest event 2024-04-01T22:30Z");
    JsonNode amountProfile = profile(r, "amount");
    // 10 x 17 - 5 + 20 over the 19 amounts that parse; "ten" counts as present, not parsed
    assertThat(amountProfile.path("null_count").asLong()).isZero();
    assertThat(amountProfile.path("mean").asDouble()).isCloseTo(185.0 / 19, within(1e-9));
    assertThat(amountProfile.path("min").asDouble()).isEqualTo(-5.0);
    assertThat(amountProfile.path("max").asDouble()).isEqualTo(20.0);
    // 20 bins of 1.25 from -5: -5 in the first, 10 in the 13th, the maximum in the last
    long[] amounts = new long[20];
    amounts[0] = 1;
    amounts[12] = 17;
    amounts[19] = 1;
    assertThat(histogram(amountProfile)).containsExactly(amounts);
    // every quantity is 1: all in the first bin
    long[] quantities = new long[20];
    quantities[0] = 20;
    assertThat(histogram(profile(r, "quantity"))).containsExactly(quantities);
    assertThat(histogram(profile(r, "status"))).isEmpty();
  }

  private static JsonNode profile(JsonNode report, String column) {
    for (JsonNode c : report.path("columns")) {
      if (c.path("column").asText().equals(column)) {
        return c;
      }
    }
    throw new AssertionError("no profile of " + column);
  }

  private static long[] histogram(JsonNode profile) {
    long[] counts = new long[profile.path("histogram").size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = profile.path("histogram").get(i).asLong();
    }
    return counts;
  }

  @Test
  void anErrorLevelFailureStopsTheRunAfterTheReportIsWritten() throws IOException {
    String t = "2024-04-01T12:00:00Z";
    write(
        D1,
        row("o1", t, "10", "EUR", "lost")
            + row("o2", t, "10", "EUR", "lost")
            + row("o3", t, "10", "EUR", "completed"));
    h.ingest.ingest(ActivityHarness.ref(D1));

    Throwable t1 = catchThrowable(() -> h.validate.validate(ActivityHarness.ref(D1)));
    ApplicationFailure f = (ApplicationFailure) t1.getCause();
    Path html = h.settings.reportFile("orders", D1, "run-" + D1, "html");
    assertThat(f.getType()).isEqualTo(FailureTypes.VALIDATION_FAILED);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .contains("validation of orders/2024-04-01 failed 1 error-level expectation(s)")
        .contains("status_known (2 of 3 unexpected")
        .contains("report: " + html);
    assertThat(html).exists();
    assertThat(report(D1).path("success").asBoolean()).isFalse();
    assertThat(
            h.dsl.fetchValue(
                "select count(*) from meta.validation_results where not success and severity = 'error'"))
        .isEqualTo(1L);
    // the partition is not staged from this judgement: its table of judged rows is not kept
    assertThat(h.dsl.fetchValue("select count(*) from pg_tables where schemaname = 'judged'"))
        .isEqualTo(0L);
  }

  @Test
  void aPassingValidationKeepsTheJudgedRowsForStaging() throws IOException {
    write(D1, row("o1", "2024-04-01T12:00:00Z", "10", "EUR", "completed"));
    h.ingest.ingest(ActivityHarness.ref(D1));
    h.validate.validate(ActivityHarness.ref(D1));
    assertThat(h.dsl.fetchValue("select count(*) from pg_tables where schemaname = 'judged'"))
        .isEqualTo(1L);
    h.stage.stage(ActivityHarness.ref(D1));
    assertThat(h.dsl.fetchValue("select count(*) from pg_tables where schemaname = 'judged'"))
        .as("staging drops it")
        .isEqualTo(0L);
  }

  @Test
  void aReportDirectoryLinkedOutsideTheArtifactsDirectoryIsRefused() throws IOException {
    write(D1, row("o1", "2024-04-01T12:00:00Z", "10", "EUR", "completed"));
    h.ingest.ingest(ActivityHarness.ref(D1));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path reports = h.settings.artifactsDir().resolve("reports");
    Files.createDirectories(reports);
    Files.createSymbolicLink(reports.resolve("orders"), elsewhere);

    Throwable t = catchThrowable(() -> h.validate.validate(ActivityHarness.ref(D1)));
    assertThat(t).as("validate refused").isNotNull();
    ApplicationFailure f = (ApplicationFailure) t.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.OUTPUT_FAILED);
    assertThat(f.getOriginalMessage())
        .contains(
            "reports/orders/2024-04-01/run-2024-04-01.", h.settings.artifactsDir().toString());
    try (var written = Files.list(elsewhere)) {
      assertThat(written).as("nothing written outside the artifacts directory").isEmpty();
    }
  }

  @Test
  void aRowCountOutsideItsBoundsFails() throws IOException {
    Path cfg = h.settings.pipelinesDir().resolve("orders.yaml");
    Files.writeString(cfg, Files.readString(cfg).replace("    min: 1\n", "    min: 10\n"));
    write(D1, row("o1", "2024-04-01T12:00:00Z", "10", "EUR", "completed"));
    h.ingest.ingest(ActivityHarness.ref(D1));
    Throwable t = catchThrowable(() -> h.validate.validate(ActivityHarness.ref(D1)));
    assertThat(((ApplicationFailure) t.getCause()).getOriginalMessage())
        .contains("partition_size (1 rows, expected within [10, 10000000])");
  }
}
