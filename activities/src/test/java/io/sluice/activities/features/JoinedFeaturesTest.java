package io.sluice.activities.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.ops.PartitionStates;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature set over three datasets, on a hand-made example whose every expected value is written
 * here: purchases (facts, the population), a customers dimension (attributes as known at the end of
 * d, valid at T) and visits (events keyed by user_id, aggregated), with derived features. A
 * dimension version received after d, or effective at or after T, never reaches the features of d;
 * a late partition of any input recomputes exactly the dates that read it.
 */
class JoinedFeaturesTest {

  static final LocalDate D1 = LocalDate.of(2024, 6, 1);
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(2);
  static final LocalDate D4 = D1.plusDays(3);

  static final String PURCHASES =
      """
      dataset: purchases
      source: {path: "purchases/{date}"}
      columns:
        purchase_id: {type: text, nullable: false}
        customer_id: {type: text, nullable: false}
        purchase_ts: {type: timestamp, nullable: false}
        amount: {type: decimal, nullable: false, min: 0}
      primary_key: purchase_id
      entity_key: customer_id
      event_time: purchase_ts
      features:
        population: {filter: paid, window: 10d}
        filters:
          paid: {column: amount, min: 0}
        aggregates:
          - {name: purchases_3d, agg: count, window: 3d}
          - {name: spend_10d, agg: sum, column: amount, window: 10d}
        joins:
          - dataset: customers
            attributes: [segment, credit_limit]
          - dataset: visits
            key: user_id
            aggregates:
              - {name: visits_3d, agg: count, window: 3d}
              - {name: top_page_10d, agg: most_frequent, column: page, window: 10d}
              - {name: home_share_10d, agg: share, column: page, value: home, window: 10d}
        derived:
          - {name: spend_per_limit, op: ratio, left: spend_10d, right: credit_limit}
          - {name: headroom, op: difference, left: credit_limit, right: spend_10d, max: 150}
      label: {name: bought_next_2d, horizon_days: 2, filter: paid}
      split: {train: 0.5, val: 0.25, test: 0.25}
      """;

  static final String CUSTOMERS =
      """
      dataset: customers
      kind: dimension
      source: {path: "customers/{date}", allow_header_only: true}
      columns:
        customer_id: {type: text, nullable: false}
        segment: {type: text, case: lower}
        credit_limit: {type: decimal, precision: 10, scale: 2}
        updated_at: {type: timestamp, nullable: false}
      primary_key: customer_id
      entity_key: customer_id
      event_time: updated_at
      """;

  static final String VISITS =
      """
      dataset: visits
      kind: events
      source: {path: "visits/{date}"}
      columns:
        visit_id: {type: text, nullable: false}
        user_id: {type: text, nullable: false}
        visit_ts: {type: timestamp, nullable: false}
        page: {type: text, case: lower}
      primary_key: visit_id
      entity_key: user_id
      event_time: visit_ts
      """;

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp);
    Path pipelines = h.settings.pipelinesDir();
    Files.writeString(pipelines.resolve("purchases.yaml"), PURCHASES);
    Files.writeString(pipelines.resolve("customers.yaml"), CUSTOMERS);
    Files.writeString(pipelines.resolve("visits.yaml"), VISITS);
    purchases(D1, "p1,c1,2024-06-01T10:00:00Z,10.00", "p2,c2,2024-06-01T11:00:00Z,20.00");
    purchases(D2, "p3,c1,2024-06-02T09:00:00Z,5.00");
    // p2 corrected on the third day
    purchases(D3, "p4,c2,2024-06-03T12:00:00Z,7.50", "p2,c2,2024-06-01T11:00:00Z,25.00");
    purchases(D4, "p5,c2,2024-06-04T08:00:00Z,1.00");
    customers(D1, "c1,Retail,100,2024-06-01T00:00:00Z", "c2,business,1000,2024-06-01T00:00:00Z");
    // c1 moves up; c2's new limit takes effect on June 5: T of June 4 is June 5 00:00, not after it
    customers(D2, "c1,premium,200,2024-06-02T06:00:00Z", "c2,business,1500,2024-06-05T00:00:00Z");
    // received on day 3 but effective before day 2's version: premium stays the valid one
    customers(D3, "c1,gold,300,2024-06-01T12:00:00Z");
    customers(D4);
    visits(
        D1,
        "v1,c1,2024-06-01T09:00:00Z,home",
        "v2,c1,2024-06-01T09:05:00Z,product",
        "v3,c2,2024-06-01T10:00:00Z,home");
    visits(D2, "v4,c1,2024-06-02T10:00:00Z,product", "v5,c3,2024-06-02T10:00:00Z,home");
    visits(D3, "v6,c2,2024-06-03T10:00:00Z,cart");
    // a visit stamped five days ahead is in no window of these dates
    visits(D4, "v7,c2,2024-06-04T10:00:00Z,cart", "v8,c2,2024-06-09T10:00:00Z,home");
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void purchases(LocalDate d, String... rows) throws IOException {
    write("purchases", d, "purchase_id,customer_id,purchase_ts,amount", rows);
  }

  private void customers(LocalDate d, String... rows) throws IOException {
    write("customers", d, "customer_id,segment,credit_limit,updated_at", rows);
  }

  private void visits(LocalDate d, String... rows) throws IOException {
    write("visits", d, "visit_id,user_id,visit_ts,page", rows);
  }

  private void write(String dataset, LocalDate d, String header, String... rows)
      throws IOException {
    Path dir = Files.createDirectories(h.settings.dataRoot().resolve(dataset + "/" + d));
    StringBuilder b = new StringBuilder(header).append('\n');
    for (String r : rows) {
      b.append(r).append('\n');
    }
    Files.writeString(dir.resolve(dataset + ".csv"), b.toString());
  }

  private void stage(String dataset, LocalDate d, String run) {
    PartitionRef ref = new PartitionRef(dataset, d.toString(), run);
    h.ingest.ingest(ref);
    h.validate.validate(ref);
    h.stage.stage(ref);
  }

  private FeatureResult features(LocalDate d, String run) {
    return h.features.computeFeatures(new PartitionRef("purchases", d.toString(), run), 1);
  }

  /**
   * Every feature row of the dataset's own feature set, one line each, in date and entity order.
   */
  private List<String> rows() {
    return rows("purchases");
  }

  static final List<String> EXPECTED =
      List.of(
          "2024-06-01 c1 1 10.00 retail 100.00 2 home 0.100000 90.00 1",
          "2024-06-01 c2 1 20.00 business 1000.00 1 home 0.020000 150 1",
          "2024-06-02 c1 2 15.00 premium 200.00 3 product 0.075000 150 0",
          "2024-06-02 c2 1 20.00 business 1000.00 1 home 0.020000 150 1",
          "2024-06-03 c1 2 15.00 premium 200.00 3 product 0.075000 150 -",
          "2024-06-03 c2 2 32.50 business 1000.00 2 cart 0.032500 150 -",
          "2024-06-04 c1 1 15.00 premium 200.00 1 product 0.075000 150 -",
          "2024-06-04 c2 2 33.50 business 1000.00 2 cart 0.033500 150 -");

  @Test
  void dailyRunsGiveTheHandComputedRows() {
    for (LocalDate d : List.of(D1, D2, D3, D4)) {
      stage("customers", d, "run-" + d);
      stage("visits", d, "run-" + d);
      stage("purchases", d, "run-" + d);
      features(d, "run-" + d);
    }
    assertThat(rows()).containsExactlyElementsOf(EXPECTED);
    // visits' pages in the 10 days before T: c1 home, product (+ product on day 2); c2 home (+ cart
    // on days 3 and 4; the visit stamped June 9 is in no window)
    assertThat(
            h.dsl
                .fetch(
                    "select concat_ws(' ', feature_date, customer_id, home_share_10d)"
                        + " from feats.purchases_features order by feature_date, customer_id")
                .getValues(0, String.class))
        .containsExactly(
            "2024-06-01 c1 0.500000",
            "2024-06-01 c2 1.000000",
            "2024-06-02 c1 0.333333",
            "2024-06-02 c2 1.000000",
            "2024-06-03 c1 0.333333",
            "2024-06-03 c2 0.500000",
            "2024-06-04 c1 0.333333",
            "2024-06-04 c2 0.333333");
  }

  @Test
  void oneRangePassGivesTheSameRows() {
    for (LocalDate d : List.of(D1, D2, D3, D4)) {
      stage("customers", d, "run-" + d);
      stage("visits", d, "run-" + d);
      stage("purchases", d, "run-" + d);
    }
    FeatureResult r = features(D4, "backfill");
    assertThat(r.datesComputed()).isEqualTo(4);
    assertThat(rows()).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void aLatePartitionOfAJoinedDatasetRecomputesExactlyTheDatesThatReadIt() throws IOException {
    for (LocalDate d : List.of(D1, D2, D3, D4)) {
      stage("customers", d, "run-" + d);
      stage("visits", d, "run-" + d);
      stage("purchases", d, "run-" + d);
      features(d, "run-" + d);
    }
    // day 4's customers file was incomplete: c1 moved to 'late' on June 3, known from day 4 on
    customers(D4, "c1,late,400,2024-06-03T00:00:00Z");
    stage("customers", D4, "late-customers");
    List<PartitionStates.Partition> states =
        new PartitionStates(h.dsl, h.settings).read("purchases", D1.toString(), D4.toString());
    assertThat(states.stream().map(p -> p.state().mark).toList())
        .as("the ledger says which dates the late customers make stale")
        .containsExactly('D', 'D', 'D', 'S');
    assertThat(states.get(3).reason())
        .startsWith("features read customers 2024-06-04, staged again after they were computed");
    FeatureDatePlan plan = FeatureDatePlan.of(h.dsl, h.settings.config("purchases"), D2, D4);
    assertThat(plan.compute()).containsExactly(D4);
    assertThat(plan.current()).containsExactly(D2, D3);
    assertThat(plan.notStaged()).isEmpty();
    assertThat(plan.inputsMissing()).isEmpty();
    FeatureResult r = features(D4, "after-late-customers");
    assertThat(r.datesComputed()).as("only day 4 reads day 4's customers").isEqualTo(1);
    assertThat(rows())
        .containsExactlyElementsOf(
            EXPECTED.stream()
                .map(
                    row ->
                        row.startsWith("2024-06-04 c1")
                            ? "2024-06-04 c1 1 15.00 late 400.00 1 product 0.037500 150 -"
                            : row)
                .toList());

    // a visit of day 2 sent late: days 2 to 4 read it, day 1 does not
    visits(
        D2,
        "v4,c1,2024-06-02T10:00:00Z,product",
        "v5,c3,2024-06-02T10:00:00Z,home",
        "v9,c1,2024-06-02T11:00:00Z,home",
        "v10,c1,2024-06-02T11:30:00Z,home");
    stage("visits", D2, "late-visits");
    plan = FeatureDatePlan.of(h.dsl, h.settings.config("purchases"), D3, D4);
    assertThat(plan.compute()).containsExactly(D3, D4);
    assertThat(plan.earlier())
        .as("before the range, and computed by the same run")
        .containsExactly(D2);
    r = features(D4, "after-late-visits");
    assertThat(r.datesComputed()).isEqualTo(3);
    List<String> now = rows();
    assertThat(now.get(0)).isEqualTo(EXPECTED.get(0));
    assertThat(now.get(1)).isEqualTo(EXPECTED.get(1));
    assertThat(now.get(2)).isEqualTo("2024-06-02 c1 2 15.00 premium 200.00 5 home 0.075000 150 0");
    assertThat(
            h.dsl.fetchValue(
                "select run_id from meta.feature_dates where feature_date = ?"
                    + " and dataset = 'purchases'",
                D1))
        .as("day 1 was not recomputed")
        .isEqualTo("run-" + D1);
  }

  /** Every feature row of {@code featureSet}, one line each, in date and entity order. */
  private List<String> rows(String featureSet) {
    return h.dsl
        .fetch(
            "select concat_ws(' ', feature_date, customer_id, purchases_3d, spend_10d, segment,"
                + " credit_limit, visits_3d, coalesce(top_page_10d, '-'), spend_per_limit,"
                + " headroom, coalesce(bought_next_2d::text, '-'))"
                + " from feats."
                + featureSet
                + "_features order by feature_date, customer_id")
        .getValues(0, String.class);
  }

  @Test
  void aFeatureSetFileHasTheSameRowsInATableAndExportsOfItsOwn() throws IOException {
    Path dir = Files.createDirectories(h.settings.pipelinesDir().resolve("features"));
    String declaration = PURCHASES.substring(PURCHASES.indexOf("features:"));
    Files.writeString(
        dir.resolve("purchase_value.yaml"),
        "feature_set: purchase_value\ndataset: purchases\n" + declaration);
    for (LocalDate d : List.of(D1, D2, D3, D4)) {
      stage("customers", d, "run-" + d);
      stage("visits", d, "run-" + d);
      stage("purchases", d, "run-" + d);
    }
    PartitionRef ref = new PartitionRef("purchase_value", D4.toString(), "feature-set");
    assertThat(h.features.probeInputs(ref).missing()).isEmpty();
    assertThat(
            h.features
                .probeInputs(new PartitionRef("purchase_value", D4.plusDays(1).toString(), "x"))
                .missing())
        .containsExactly("purchases 2024-06-05", "customers 2024-06-05", "visits 2024-06-05");
    assertThat(h.features.computeFeatures(ref, 1).datesComputed()).isEqualTo(4);
    assertThat(rows("purchase_value")).containsExactlyElementsOf(EXPECTED);
    assertThat(
            h.dsl.fetchValue(
                "select count(*) from information_schema.tables where table_schema = 'feats'"
                    + " and table_name like 'purchases\\_%'"))
        .as("the dataset's own feature set has no table: nothing ran it")
        .isEqualTo(0L);
    h.split.split(ref);
    var published = h.publish.publish(ref);
    assertThat(published.exportPath())
        .startsWith(h.settings.dataRoot().resolve("features/purchase_value/v1").toString());
    assertThat(
            h.dsl.fetchValue(
                "select dataset from meta.feature_registry where run_id = 'feature-set'"))
        .isEqualTo("purchase_value");
  }

  @Test
  void aLabelFromAJoinedDatasetMaturesWithThatDataset() throws IOException {
    Path dir = Files.createDirectories(h.settings.pipelinesDir().resolve("features"));
    String declaration =
        PURCHASES
            .substring(PURCHASES.indexOf("features:"))
            .replace(
                "      key: user_id\n",
                "      key: user_id\n      filters:\n        carts: {column: page, in: [cart]}\n")
            .replace(
                "label: {name: bought_next_2d, horizon_days: 2, filter: paid}",
                "label: {name: carted_next_2d, horizon_days: 2, filter: carts, dataset: visits}");
    Files.writeString(
        dir.resolve("cart_intent.yaml"),
        "feature_set: cart_intent\ndataset: purchases\n" + declaration);
    for (LocalDate d : List.of(D1, D2, D3, D4)) {
      stage("customers", d, "run-" + d);
      stage("purchases", d, "run-" + d);
      if (!d.equals(D4)) {
        stage("visits", d, "run-" + d);
      }
    }
    String labels =
        "select string_agg(feature_date || ' ' || customer_id || ' '"
            + " || coalesce(carted_next_2d::text, '-'), ', ' order by feature_date, customer_id)"
            + " from feats.cart_intent_features where feature_date <= '2024-06-02'";
    h.features.computeFeatures(new PartitionRef("cart_intent", D4.toString(), "early"), 1);
    // c2's carts fall on June 3 and 4; day 2's label waits for the visits of day 4
    assertThat(h.dsl.fetchValue(labels))
        .isEqualTo("2024-06-01 c1 0, 2024-06-01 c2 1, 2024-06-02 c1 -, 2024-06-02 c2 -");
    stage("visits", D4, "run-" + D4);
    FeatureResult r =
        h.features.computeFeatures(new PartitionRef("cart_intent", D4.toString(), "later"), 1);
    assertThat(r.labelsFilled()).isEqualTo(2);
    assertThat(h.dsl.fetchValue(labels))
        .isEqualTo("2024-06-01 c1 0, 2024-06-01 c2 1, 2024-06-02 c1 0, 2024-06-02 c2 1");
    assertThat(h.settings.config("cart_intent").labelDataset()).isEqualTo("visits");

    Files.writeString(
        dir.resolve("cart_intent.yaml"),
        "feature_set: cart_intent\ndataset: purchases\n"
            + declaration.replace("dataset: visits}", "dataset: customers}"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.settings.config("cart_intent"))
        .hasMessageContaining(
            "key 'label.dataset': this dataset or a facts or events dataset joined under"
                + " features.joins, got 'customers'");
  }

  @Test
  void aFeatureSetFileIsCheckedAsADatasetFileIs() throws IOException {
    Path dir = Files.createDirectories(h.settings.pipelinesDir().resolve("features"));
    String declaration = PURCHASES.substring(PURCHASES.indexOf("features:"));
    Files.writeString(
        dir.resolve("mistyped.yaml"), "feature_set: other\ndataset: purchase\n" + declaration);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.settings.config("mistyped"))
        .hasMessageContaining("features/mistyped.yaml: key 'feature_set': is 'other' but the file")
        .hasMessageContaining("key 'dataset': cannot read dataset 'purchase'");
    Files.writeString(
        dir.resolve("visits.yaml"), "feature_set: visits\ndataset: purchases\n" + declaration);
    org.assertj.core.api.Assertions.assertThat(h.settings.config("visits").isFeatureSet())
        .as("a dataset's own file wins")
        .isFalse();
    Files.writeString(
        dir.resolve("bad_join.yaml"),
        "feature_set: bad_join\ndataset: purchases\n"
            + declaration.replace("attributes: [segment, credit_limit]", "attributes: [tier]"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.settings.config("bad_join"))
        .hasMessageContaining("key 'features.joins[0].attributes[0]': one of customers's columns");
  }

  @Test
  void aJoinedDatasetNotStagedYetIsSaidAndItsStagingMakesTheDateStale() {
    for (LocalDate d : List.of(D1, D2)) {
      stage("customers", d, "run-" + d);
      stage("visits", d, "run-" + d);
      stage("purchases", d, "run-" + d);
      features(d, "run-" + d);
    }
    stage("purchases", D3, "run-" + D3);
    stage("customers", D3, "run-" + D3);
    FeatureDatePlan plan = FeatureDatePlan.of(h.dsl, h.settings.config("purchases"), D2, D4);
    assertThat(plan.compute()).as("what a backfill of D2..D4 computes").containsExactly(D3);
    assertThat(plan.current()).containsExactly(D2);
    assertThat(plan.notStaged()).containsExactly(D4);
    assertThat(plan.earlier()).isEmpty();
    assertThat(plan.inputsMissing()).isEqualTo(java.util.Map.of("visits", List.of(D3)));
    FeatureResult r = features(D3, "early");
    assertThat(r.missingInputs()).containsExactly("visits " + D3);
    String early = rows().get(5);
    assertThat(early).as("c2 on day 3 without its day 3 visit").contains(" 1 home ");
    stage("visits", D3, "run-" + D3);
    r = features(D3, "after-visits");
    assertThat(r.missingInputs()).isEmpty();
    assertThat(r.datesComputed()).isEqualTo(1);
    assertThat(rows().get(5)).isEqualTo(EXPECTED.get(5));
  }

  /** The feature columns (no label) of the dates up to {@code last}, one line per row. */
  private List<String> featuresUpTo(LocalDate last) {
    return h.dsl
        .fetch(
            "select concat_ws(' ', feature_date, customer_id, purchases_3d, spend_10d, segment,"
                + " credit_limit, visits_3d, coalesce(top_page_10d, '-'), home_share_10d,"
                + " spend_per_limit, headroom) from feats.purchases_features"
                + " where feature_date <= ? order by feature_date, customer_id",
            last)
        .getValues(0, String.class);
  }

  @Test
  void whatArrivesAfterDOrTakesEffectAtOrAfterTNeverChangesTheFeaturesOfD() throws IOException {
    for (LocalDate d : List.of(D1, D2, D3)) {
      stage("customers", d, "run-" + d);
      stage("visits", d, "run-" + d);
      stage("purchases", d, "run-" + d);
      features(d, "run-" + d);
    }
    List<String> before = featuresUpTo(D3);
    assertThat(before).hasSize(6);

    // received on day 3 but taking effect at T of day 3 (June 4 00:00): days 1-3 never see them
    customers(
        D3,
        "c1,gold,300,2024-06-01T12:00:00Z",
        "c1,edge,1,2024-06-04T00:00:00Z",
        "c2,edge,2,2024-06-04T00:00:00Z");
    visits(D3, "v6,c2,2024-06-03T10:00:00Z,cart", "v30,c1,2024-06-04T00:00:00Z,home");
    purchases(
        D3,
        "p4,c2,2024-06-03T12:00:00Z,7.50",
        "p2,c2,2024-06-01T11:00:00Z,25.00",
        "p30,c1,2024-06-04T00:00:00Z,99.00");
    for (String dataset : List.of("customers", "visits", "purchases")) {
      stage(dataset, D3, "again-" + dataset);
    }
    assertThat(features(D3, "after-edge").datesComputed()).isEqualTo(1);
    assertThat(featuresUpTo(D3)).as("event time at T").isEqualTo(before);

    // received on day 4 with event times of days 1-3: known after d for every one of them
    customers(D4, "c1,late,999,2024-06-01T01:00:00Z", "c2,late,999,2024-06-02T01:00:00Z");
    visits(D4, "v20,c1,2024-06-01T12:00:00Z,cart", "v21,c2,2024-06-02T12:00:00Z,cart");
    purchases(D4, "p20,c1,2024-06-02T12:00:00Z,500.00", "p21,c2,2024-06-03T12:00:00Z,1.00");
    for (String dataset : List.of("customers", "visits", "purchases")) {
      stage(dataset, D4, "run-" + D4);
    }
    features(D4, "run-" + D4);
    assertThat(featuresUpTo(D3)).as("daily runs: received after d").isEqualTo(before);
    // day 4 reads them: p20 in the spend; of c1's versions the one effective last before T (June
    // 5) is still day 3's edge, not the late one effective on June 1
    assertThat(rows().get(6))
        .isEqualTo("2024-06-04 c1 3 614.00 edge 1.00 2 home 614.000000 -613.00 -");

    // the same dates again in one range pass
    h.dsl.execute("delete from meta.feature_dates where dataset = 'purchases'");
    h.dsl.execute("delete from meta.feature_state");
    assertThat(features(D4, "range").datesComputed()).isEqualTo(4);
    assertThat(featuresUpTo(D3)).as("a range pass: received after d").isEqualTo(before);
  }
}
