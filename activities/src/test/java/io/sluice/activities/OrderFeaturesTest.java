package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.features.FeatureSet;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each feature of the orders dataset (docs/concepts.md#features-and-label-of-orders) on a hand-made
 * dataset; the expected values are worked out below.
 */
class OrderFeaturesTest {

  static final String HEADER =
      "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,quantity\n";
  static final LocalDate D1 = LocalDate.of(2024, 3, 10); // T = 2024-03-11T00:00Z
  static final LocalDate D2 = LocalDate.of(2024, 3, 11); // T = 2024-03-12T00:00Z
  static final LocalDate D8 = LocalDate.of(2024, 3, 17); // D1 + 7: makes D1's label known

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp);
    writeDays();
  }

  /** The hand-made days; every expected value below is worked out from them. */
  private void writeDays() throws IOException {
    write(
        D1,
        // A: exactly T-7d is inside the 7-day window
        "o1,A,2024-03-04T00:00:00Z,10.00,EUR,completed,books,DE,web,1\n"
            // A: one second before T-7d: 30-day window only
            + "o2,A,2024-03-03T23:59:59Z,20.00,EUR,completed,toys,DE,web,1\n"
            // A: refunded inside 90 days
            + "o3,A,2024-02-20T10:00:00+01:00,5.00,EUR,refunded,home,DE,web,1\n"
            // A: exactly T: not a feature of D1 (but the label's first instant)
            + "o4,A,2024-03-11T00:00:00Z,100.00,EUR,completed,books,DE,web,1\n"
            // A: cancelled orders count nowhere
            + "o5,A,2024-03-09T08:00:00Z,50.00,EUR,cancelled,books,DE,web,1\n"
            // B: only a refund, no completed order: no feature row
            + "o6,B,2024-03-01T00:00:00Z,7.00,EUR,refunded,books,DE,web,1\n"
            // C: completed just before T-90d = 2023-12-12T00:00Z: no feature row
            + "o7,C,2023-12-11T23:59:59Z,7.00,EUR,completed,books,DE,web,1\n");
    write(
        D2,
        // A correction of o1 and a late order of A, both received on D2
        "o1,A,2024-03-04T00:00:00Z,99.00,EUR,completed,books,DE,web,1\n"
            + "o8,A,2024-03-10T12:00:00Z,1.00,EUR,completed,sports,DE,web,1\n");
    write(D8, "o9,Z,2024-03-17T10:00:00Z,3.00,EUR,completed,books,DE,web,1\n");
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void featuresOfD1FollowTheDefinitions() {
    h.runPartition(D1);
    Record a = row(D1, "A");
    assertThat(a.get("orders_7d", Integer.class)).isEqualTo(1);
    assertThat(a.get("orders_30d", Integer.class)).isEqualTo(2);
    assertThat(a.get("revenue_7d", BigDecimal.class)).isEqualByComparingTo("10.00");
    assertThat(a.get("revenue_30d", BigDecimal.class)).isEqualByComparingTo("30.00");
    assertThat(a.get("avg_order_value_30d", BigDecimal.class)).isEqualByComparingTo("15");
    assertThat(a.get("distinct_categories_30d", Integer.class)).isEqualTo(2);
    assertThat(a.get("days_since_last_order", Integer.class)).isEqualTo(6);
    assertThat(a.get("refund_rate_90d", BigDecimal.class)).isEqualByComparingTo("0.333333");
    assertThat(a.get("ordered_next_7d")).as("unlabelled until D1+7 is staged").isNull();
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("feats.orders_features"))).isEqualTo(1);
  }

  @Test
  void laterPartitionsChangeLaterDatesNeverEarlierOnes() {
    h.runPartition(D1);
    String before = h.checksum("feats.orders_features", "feature_date, customer_id");
    h.runPartition(D2);
    h.runPartition(D1);
    assertThat(
            h.checksum(
                "(select * from feats.orders_features where feature_date = '2024-03-10')",
                "customer_id"))
        .isEqualTo(before);

    Record a2 = row(D2, "A");
    // T = 2024-03-12, 7 days = [03-05, 03-12): o4 (03-11) and the late o8 (03-10); o1 is out.
    assertThat(a2.get("orders_7d", Integer.class)).isEqualTo(2);
    assertThat(a2.get("revenue_7d", BigDecimal.class)).isEqualByComparingTo("101.00");
    // 30 days: o1 in its corrected version (99.00), o2, o4, o8
    assertThat(a2.get("orders_30d", Integer.class)).isEqualTo(4);
    assertThat(a2.get("revenue_30d", BigDecimal.class)).isEqualByComparingTo("220.00");
    assertThat(a2.get("distinct_categories_30d", Integer.class)).isEqualTo(3);
    assertThat(a2.get("days_since_last_order", Integer.class)).isZero();
    assertThat(a2.get("refund_rate_90d", BigDecimal.class)).isEqualByComparingTo("0.2");
  }

  @Test
  void handWrittenSqlFeaturesSeeTheRowsKnownAtEachDate() throws IOException {
    Path pipelines = h.root.resolve("pipelines");
    Files.createDirectories(pipelines.resolve("sql"));
    Files.copy(
        ActivityHarness.repoFile("pipelines/sql/orders_weekend.sql"),
        pipelines.resolve("sql/orders_weekend.sql"));
    Path config = pipelines.resolve("orders.yaml");
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "\nlabel:",
                "  sql: {file: sql/orders_weekend.sql, window: 30d,"
                    + " columns: {weekend_orders_30d: integer, largest_order_30d: numeric}}\n"
                    + "\nlabel:"));
    h.runPartition(D1);
    h.runPartition(D2); // the daily run: from D1's running state
    // D1: o2 (Sunday 03-03 23:59:59Z) is A's one weekend order; o4 at T is not known yet as a
    // feature of D1; the largest completed order is o2's 20.00.
    assertThat(row(D1, "A").get("weekend_orders_30d", Integer.class)).isEqualTo(1);
    assertThat(row(D1, "A").get("largest_order_30d", BigDecimal.class))
        .isEqualByComparingTo("20.00");
    // D2: the late o8 (Sunday 03-10) is a second; o4 (03-11, 100.00) is now before T.
    assertThat(row(D2, "A").get("weekend_orders_30d", Integer.class)).isEqualTo(2);
    assertThat(row(D2, "A").get("largest_order_30d", BigDecimal.class))
        .isEqualByComparingTo("100.00");
    // The exports carry the columns too (the first export is D8's: D1's label is known then).
    h.runPartition(D8);
    assertThat(
            h.dsl.fetchValue("select columns::text from meta.feature_registry limit 1").toString())
        .contains("weekend_orders_30d");
  }

  @Test
  void labelIsFilledWhenTheHorizonPartitionIsStaged() {
    h.runPartition(D1);
    h.runPartition(D2);
    assertThat(row(D1, "A").get("ordered_next_7d")).isNull();
    h.runPartition(D8);
    // o4 (completed, exactly T) falls in [T, T+7d)
    assertThat(row(D1, "A").get("ordered_next_7d", Integer.class)).isEqualTo(1);
  }

  @Test
  void oneSetBasedPassOverARangeGivesTheRowsOfTheDailyRuns() {
    h.runPartition(D1);
    h.runPartition(D2);
    h.runPartition(D8);
    FeatureSet set = new FeatureSet(h.settings.config("orders"));
    String daily =
        h.checksum(
            "(select " + featureColumns(set) + " from feats.orders_features)",
            "feature_date, customer_id");
    String range =
        h.checksum(
            "(" + h.dsl.renderInlined(set.featureRows(List.of(D1, D2, D8))) + ")",
            "feature_date, customer_id");
    assertThat(range).isEqualTo(daily);
  }

  @Test
  void aChangedPastPartitionMakesExactlyTheLaterDatesStale() throws IOException {
    h.runPartition(D1);
    h.runPartition(D2);
    h.runPartition(D8);
    // D2's file changes: o8 becomes a refund. D1 must not move; D2 and D8 are recomputed.
    String d1 =
        h.checksum(
            "(select * from feats.orders_features where feature_date = '2024-03-10')",
            "customer_id");
    write(
        D2,
        "o1,A,2024-03-04T00:00:00Z,99.00,EUR,completed,books,DE,web,1\n"
            + "o8,A,2024-03-10T12:00:00Z,1.00,EUR,refunded,sports,DE,web,1\n");
    h.ingest.ingest(ActivityHarness.ref(D2));
    h.validate.validate(ActivityHarness.ref(D2));
    h.stage.stage(ActivityHarness.ref(D2));
    FeatureResult rerunOfD2 = h.features.computeFeatures(ActivityHarness.ref(D2), 1);
    assertThat(rerunOfD2.datesComputed()).as("D2 only: D8 is later than this run").isEqualTo(1);
    FeatureResult daily = h.features.computeFeatures(ActivityHarness.ref(D8), 1);
    assertThat(daily.datesComputed()).as("D8, stale since D2 changed").isEqualTo(1);
    assertThat(
            h.checksum(
                "(select * from feats.orders_features where feature_date = '2024-03-10')",
                "customer_id"))
        .isEqualTo(d1);
    assertThat(row(D2, "A").get("orders_7d", Integer.class)).isEqualTo(1);
    assertThat(row(D2, "A").get("refund_rate_90d", BigDecimal.class)).isEqualByComparingTo("0.4");
    FeatureResult again = h.features.computeFeatures(ActivityHarness.ref(D8), 1);
    assertThat(again.datesComputed()).as("nothing stale any more").isZero();
  }

  @Test
  void dataReceivedLaterOrEventsAtOrAfterTNeverChangeFeaturesOfD() throws IOException {
    h.runPartition(D1);
    FeatureSet set = new FeatureSet(h.settings.config("orders"));
    String cols = featureColumns(set);
    String before =
        h.checksum(
            "(select " + cols + " from feats.orders_features where feature_date = '2024-03-10')",
            "customer_id");
    h.close();

    // The same day D1 with extra orders at or after T; then every D1 order mutated by later
    // partitions (status, amount, customer, event time), and new orders before T received late.
    h = new ActivityHarness(tmp.resolve("leak"));
    writeDays();
    Path d1File = h.settings.dataRoot().resolve("raw").resolve(D1.toString()).resolve("orders.csv");
    Files.writeString(
        d1File,
        Files.readString(d1File)
            + "f1,A,2024-03-11T00:00:00Z,500.00,EUR,completed,toys,DE,web,1\n"
            + "f2,D,2024-03-12T09:00:00Z,500.00,EUR,completed,toys,DE,web,1\n"
            + "f3,B,2024-03-11T00:00:00Z,5.00,EUR,completed,home,DE,web,1\n");
    write(
        D2,
        "o1,B,2024-03-05T00:00:00Z,1.00,EUR,refunded,home,DE,web,1\n"
            + "o2,A,2024-03-09T00:00:00Z,2.00,EUR,cancelled,toys,DE,web,1\n"
            + "o3,A,2024-03-08T00:00:00Z,3.00,EUR,completed,home,DE,web,1\n"
            + "o5,A,2024-03-09T08:00:00Z,50.00,EUR,completed,books,DE,web,1\n"
            + "o6,B,2024-03-01T00:00:00Z,7.00,EUR,completed,books,DE,web,1\n"
            + "o7,C,2024-03-10T23:59:59Z,7.00,EUR,completed,books,DE,web,1\n"
            + "n1,E,2024-03-10T10:00:00Z,9.00,EUR,completed,books,DE,web,1\n");
    write(D8, "o4,A,2024-03-01T00:00:00Z,1.00,EUR,completed,books,DE,web,1\n");
    // Everything is staged before D1's features are computed, as in a backfill.
    for (LocalDate d : List.of(D1, D2, D8)) {
      h.ingest.ingest(ActivityHarness.ref(d));
      h.validate.validate(ActivityHarness.ref(d));
      h.stage.stage(ActivityHarness.ref(d));
    }
    h.features.computeFeatures(ActivityHarness.ref(D1), 1);
    assertThat(
            h.checksum(
                "(select "
                    + cols
                    + " from feats.orders_features where feature_date = '2024-03-10')",
                "customer_id"))
        .isEqualTo(before);
    // A range pass over all three dates, with all the late data there, agrees.
    assertThat(
            h.checksum(
                "(select "
                    + cols
                    + " from ("
                    + h.dsl.renderInlined(set.featureRows(List.of(D1, D2, D8)))
                    + ") r where feature_date = '2024-03-10')",
                "customer_id"))
        .isEqualTo(before);
    h.features.computeFeatures(ActivityHarness.ref(D2), 1);
    assertThat(row(D2, "E")).as("the late order does count for D2").isNotNull();
  }

  private static String featureColumns(FeatureSet set) {
    List<String> names = new java.util.ArrayList<>(List.of("feature_date", set.entity()));
    set.featureColumns().forEach(c -> names.add(c.name()));
    return String.join(", ", names);
  }

  private Record row(LocalDate d, String customer) {
    return h.dsl.fetchOne(
        "select * from feats.orders_features where feature_date = ? and customer_id = ?",
        d,
        customer);
  }

  private void write(LocalDate d, String rows) throws IOException {
    Path dir = h.settings.dataRoot().resolve("raw").resolve(d.toString());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("orders.csv"), HEADER + rows);
  }
}
