package io.sluice.activities.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running state gives, day after day, exactly the features computed from the windows: on
 * generated messy days with late corrections, plus hand-made versions that move an order's event
 * time, customer and status back and forth, arrive before their event date, and are corrected
 * twice. Short windows (2, 5, 9 days) so that rows leave every window many times, and every kind of
 * aggregate on text, number and instant columns.
 */
class FeatureStateTest {

  static final LocalDate FIRST = LocalDate.of(2024, 5, 1);
  static final int DAYS = 24;

  static final String FEATURES =
      """
      features:
        population: {filter: completed, window: 9d}
        filters:
          completed: {column: status, in: [completed]}
          refunded: {column: status, in: [refunded]}
          settled: {column: status, in: [completed, refunded]}
          big: {column: amount, min: 100}
        aggregates:
          - {name: orders_2d, agg: count, filter: completed, window: 2d}
          - {name: orders_5d, agg: count, filter: completed, window: 5d}
          - {name: revenue_5d, agg: sum, column: amount, filter: completed, window: 5d}
          - {name: avg_amount_9d, agg: avg, column: amount, filter: settled, window: 9d}
          - {name: min_amount_5d, agg: min, column: amount, filter: completed, window: 5d}
          - {name: max_quantity_9d, agg: max, column: quantity, window: 9d}
          - {name: first_big_order_9d, agg: min, column: order_ts, filter: big, window: 9d}
          - {name: last_order_ts_5d, agg: max, column: order_ts, window: 5d}
          - {name: channels_5d, agg: count_distinct, column: channel, filter: completed, window: 5d}
          - {name: quantities_9d, agg: count_distinct, column: quantity, window: 9d}
          - {name: top_channel_5d, agg: most_frequent, column: channel, filter: completed, window: 5d}
          - {name: top_category_9d, agg: most_frequent, column: category, window: 9d}
          - {name: web_share_5d, agg: share, column: channel, value: web, filter: completed, window: 5d}
          - {name: days_since_last_order, agg: days_since_last, filter: completed, window: 9d}
          - {name: days_since_last_refund, agg: days_since_last, filter: refunded, window: 5d}
          - {name: refunds_9d, agg: count, filter: refunded, window: 9d, export: false}
          - {name: settled_9d, agg: count, filter: settled, window: 9d, export: false}
          - {name: refund_rate_9d, agg: ratio, numerator: refunds_9d, denominator: settled_9d}
          - {name: revenue_per_order_5d, agg: ratio, numerator: revenue_5d, denominator: orders_5d}

      label:
      """;

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp);
    Path config = h.root.resolve("pipelines/orders.yaml");
    String yaml = Files.readString(config);
    int from = yaml.indexOf("\nfeatures:");
    int to = yaml.indexOf("\nlabel:");
    Files.writeString(config, yaml.substring(0, from + 1) + FEATURES + yaml.substring(to + 8));
    OrdersGenerator g = new OrdersGenerator(7, 90);
    for (int i = 0; i < DAYS; i++) {
      g.writeDay(h.settings.dataRoot(), FIRST, day(i));
    }
    // Hand-made versions: an order dated two days after the partition it arrives in; a correction
    // that moves an order's event date, status and customer, and a second one that moves it back;
    // a correction of an order that left every window long ago; a customer who orders once (label
    // 0 on every later date).
    append(3, "X1,C00001,2024-05-06T10:00:00Z,150.00,EUR,completed,books,DE,web,2");
    append(4, "X2,C00002,2024-05-04T23:59:59Z,120.00,EUR,completed,books,DE,app,3");
    append(9, "X2,C00003,2024-05-07T00:00:00Z,20.00,EUR,refunded,toys,DE,store,1");
    append(11, "X2,C00002,2024-05-03T00:00:00Z,220.00,EUR,completed,home,DE,web,4");
    append(20, "X1,C00001,2024-05-06T10:00:00Z,15.00,EUR,refunded,books,DE,web,2");
    append(2, "X3,C09999,2024-05-03T12:00:00Z,30.00,EUR,completed,toys,DE,web,1");
  }

  private static LocalDate day(int i) {
    return FIRST.plusDays(i);
  }

  private void append(int dayIndex, String line) throws IOException {
    Path file = h.settings.dataRoot().resolve("raw/" + day(dayIndex) + "/orders.csv");
    List<String> header = List.of(Files.readAllLines(file).get(0).split(","));
    String[] values = line.split(",");
    List<String> columns = OrdersGenerator.COLUMNS;
    List<String> row = new ArrayList<>();
    for (String c : header) {
      int at = columns.indexOf(c);
      row.add(at < 0 ? "" : values[at]);
    }
    Files.writeString(file, String.join(",", row) + "\n", StandardOpenOption.APPEND);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void stageAll() {
    for (int i = 0; i < DAYS; i++) {
      PartitionRef ref = ActivityHarness.ref(day(i));
      h.ingest.ingest(ref);
      h.validate.validate(ref);
      h.stage.stage(ref);
    }
  }

  /** Rows of {@code a} missing from {@code b} plus rows of {@code b} missing from {@code a}. */
  private int difference(String a, String b) {
    return h.dsl
        .fetchOne(
            "select count(*) from (("
                + a
                + " except "
                + b
                + ") union all ("
                + b
                + " except "
                + a
                + ")) x")
        .get(0, Integer.class);
  }

  @Test
  void advancingDayByDayGivesTheFeaturesOfTheWindowsAndTheRebuiltState() {
    stageAll();
    FeatureSet set = new FeatureSet(h.settings.config("orders"));
    Table<Record> table = set.table(h.dsl);
    FeatureState state = new FeatureState(set, table);
    state.createTables(h.dsl);
    state.rebuild(h.dsl, day(0));
    long rows = 0;
    for (int i = 1; i < DAYS; i++) {
      LocalDate d = day(i);
      state.advance(h.dsl, d);
      String advanced = h.dsl.renderInlined(state.featureRows(d));
      String windows = h.dsl.renderInlined(set.featureRows(List.of(d)));
      assertThat(difference(advanced, windows)).as("features of %s", d).isZero();
      rows += h.dsl.fetchCount(state.featureRows(d));
    }
    assertThat(rows).as("the comparison compared something").isGreaterThan(DAYS * 20L);

    // The state advanced 23 times is the state rebuilt from the windows of the last day.
    String acc = h.dsl.render(DSL.name("feats", table.getName() + "_acc"));
    String keys = h.dsl.render(DSL.name("feats", table.getName() + "_keys"));
    h.dsl.execute("create table advanced_acc as select * from " + acc);
    h.dsl.execute("create table advanced_keys as select * from " + keys);
    state.rebuild(h.dsl, day(DAYS - 1));
    assertThat(difference("select * from advanced_acc", "select * from " + acc)).isZero();
    assertThat(difference("select * from advanced_keys", "select * from " + keys)).isZero();
    assertThat(((Number) h.dsl.fetchValue("select count(*) from " + keys)).longValue())
        .isGreaterThan(100L);
  }

  @Test
  void theLabelOfOneDateIsTheLabelOfThatDateInARange() {
    stageAll();
    FeatureSet set = new FeatureSet(h.settings.config("orders"));
    List<LocalDate> labelled = new ArrayList<>();
    for (int i = 0; i + set.horizonDays() < DAYS; i++) {
      labelled.add(day(i));
    }
    String range = h.dsl.renderInlined(set.labelPositives(labelled));
    long positives = 0;
    for (LocalDate d : labelled) {
      String one = h.dsl.renderInlined(set.labelPositives(List.of(d)));
      assertThat(one).as("one date anti-joins the window's versions").contains("not exists");
      assertThat(range).as("a range uses the window function").doesNotContain("not exists");
      String ofD = "select * from (" + range + ") r where feature_date = date '" + d + "'";
      assertThat(difference(one, ofD)).as("positives of %s", d).isZero();
      positives += h.dsl.fetchCount(set.labelPositives(List.of(d)));
    }
    assertThat(positives)
        .as("the comparison compared something")
        .isGreaterThan(labelled.size() * 10L);
  }

  @Test
  void dailyRunsOfTheActivityGiveTheRowsOfOneRangePass() {
    for (int i = 0; i < DAYS; i++) {
      PartitionRef ref = ActivityHarness.ref(day(i));
      h.ingest.ingest(ref);
      h.validate.validate(ref);
      h.stage.stage(ref);
      h.features.computeFeatures(ref, 1);
    }
    FeatureSet set = new FeatureSet(h.settings.config("orders"));
    List<LocalDate> all = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      all.add(day(i));
    }
    String columns =
        String.join(
            ", ",
            set.columns().subList(0, set.columns().size() - 1).stream()
                .map(FeatureSet.Column::name)
                .toList());
    assertThat(
            difference(
                "select " + columns + " from feats.orders_features",
                h.dsl.renderInlined(set.featureRows(all))))
        .isZero();
    assertThat(h.dsl.fetchValue("select state_date::text from meta.feature_state"))
        .isEqualTo(day(DAYS - 1).toString());

    // The range insert (features and labels in one pass over the versions, in entity order) gives
    // the rows and labels the daily runs left, label filled in later included.
    String table = h.dsl.render(set.table(h.dsl));
    h.dsl.execute("create table daily_rows as select * from " + table);
    h.dsl.execute("truncate " + table);
    List<LocalDate> labelled =
        all.stream().filter(d -> d.plusDays(set.horizonDays()).isBefore(day(DAYS))).toList();
    set.insert(h.dsl, all, labelled).execute();
    assertThat(difference("select * from daily_rows", "select * from " + table)).isZero();
    assertThat(h.dsl.fetchCount(DSL.table("daily_rows"), DSL.field("ordered_next_7d").eq(1)))
        .isGreaterThan(50);
    // C09999 orders once: in the population on the 9 dates of its 9-day window, label 0 on each
    assertThat(h.dsl.fetchCount(DSL.table("daily_rows"), DSL.field("ordered_next_7d").eq(0)))
        .isGreaterThanOrEqualTo(9);
    assertThat(h.dsl.fetchCount(DSL.table("daily_rows"), DSL.field("ordered_next_7d").isNull()))
        .isGreaterThan(50);

    // The activity's range pass, cut into runs computed side by side with the state rebuilt
    // beside them, gives the same rows, ledger and state.
    String acc = h.dsl.render(DSL.name("feats", set.table(h.dsl).getName() + "_acc"));
    String keys = h.dsl.render(DSL.name("feats", set.table(h.dsl).getName() + "_keys"));
    h.dsl.execute("create table daily_acc as select * from " + acc);
    h.dsl.execute("create table daily_keys as select * from " + keys);
    String ledger =
        "select feature_date, feature_rows, features_seq, labels_seq from meta.feature_dates";
    h.dsl.execute("create table daily_ledger as " + ledger);
    h.dsl.execute("truncate " + table + ", " + acc + ", " + keys);
    h.dsl.execute("delete from meta.feature_dates");
    h.dsl.execute("delete from meta.feature_state");

    FeatureResult r = h.features.computeFeatures(ActivityHarness.ref(day(DAYS - 1)), 2);

    assertThat(r.datesComputed()).isEqualTo(DAYS);
    assertThat(difference("select * from daily_rows", "select * from " + table)).isZero();
    assertThat(difference("select * from daily_ledger", ledger)).isZero();
    assertThat(difference("select * from daily_acc", "select * from " + acc)).isZero();
    assertThat(difference("select * from daily_keys", "select * from " + keys)).isZero();
    assertThat(h.dsl.fetchValue("select state_date::text from meta.feature_state"))
        .isEqualTo(day(DAYS - 1).toString());
    assertThat(
            h.dsl.fetchValue(
                "select count(distinct run_id) from meta.feature_dates where run_id = ?",
                ActivityHarness.ref(day(DAYS - 1)).runId()))
        .isEqualTo(1L);

    // The range pass leaves the tables it filled analysed (by Sluice, not by autovacuum), so
    // that the next daily run's reads of them are planned for their size.
    String name = set.table(h.dsl).getName();
    for (String t : List.of(name, name + "_acc", name + "_keys")) {
      assertThat(h.manualAnalyses(t)).as("manual analyses of feats.%s", t).isEqualTo(1L);
    }
  }
}
