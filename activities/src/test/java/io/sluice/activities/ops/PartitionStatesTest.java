package io.sluice.activities.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.ops.PartitionStates.Partition;
import io.sluice.activities.ops.PartitionStates.State;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.BackfillActivities.BackfillPlan;
import io.sluice.workflows.activity.BackfillActivities.PlanRequest;
import io.sluice.workflows.activity.SourceActivities.SourceProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.List;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five days: 1, 2 and 4 staged; 3's file is empty (ingest fails); 5 has no files. What the ledger,
 * the disk and today's hashes say about each, and what a backfill would run.
 */
class PartitionStatesTest {

  static final LocalDate D1 = LocalDate.of(2024, 6, 1);

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp);
    OrdersGenerator g = new OrdersGenerator(5, 60);
    for (int day = 0; day < 4; day++) {
      Path file = g.writeDay(h.settings.dataRoot(), D1, D1.plusDays(day));
      if (day == 2) {
        Files.writeString(file, "");
      }
    }
    for (int day : List.of(0, 1, 3)) {
      LocalDate d = D1.plusDays(day);
      h.ingest.ingest(ActivityHarness.ref(d));
      h.validate.validate(ActivityHarness.ref(d));
      h.stage.stage(ActivityHarness.ref(d));
    }
    assertThatThrownBy(() -> h.ingest.ingest(ActivityHarness.ref(D1.plusDays(2))))
        .hasMessageContaining("empty");
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private List<Partition> read(SluiceSettings settings) {
    return new PartitionStates(h.dsl, settings).read("orders", "2024-06-01", "2024-06-05");
  }

  @Test
  void eachPartitionIsDoneFailedOrMissing() {
    List<Partition> states = read(h.settings);
    assertThat(states)
        .extracting(Partition::state)
        .containsExactly(State.DONE, State.DONE, State.FAILED, State.DONE, State.MISSING);
    assertThat(states.get(2).reason())
        .startsWith("ingest: ")
        .contains("empty")
        .contains("workflow ");
    assertThat(states.get(4).reason()).isEqualTo("no files, not staged");
    assertThat(states.get(4).filesPresent()).isFalse();
  }

  @Test
  void partitionsMadeByOtherCodeOrConfigAreStale() throws IOException {
    SluiceSettings newerCode =
        new SluiceSettings(
            h.settings.dataRoot(), h.settings.pipelinesDir(), h.settings.artifactsDir(), "v2");
    assertThat(read(newerCode))
        .extracting(Partition::state)
        .containsExactly(State.STALE, State.STALE, State.FAILED, State.STALE, State.MISSING);
    assertThat(read(newerCode).get(0).reason()).contains("ingest code test").contains("code v2");

    Path yaml = h.settings.pipelinesDir().resolve("orders.yaml");
    Files.writeString(yaml, Files.readString(yaml).replace("horizon_days: 7", "horizon_days: 6"));
    assertThat(read(h.settings).get(0).reason()).contains("ingest config ");
  }

  @Test
  void aBackfillPlanRunsWhatItIsAskedAndReportsGaps() {
    BackfillPlan all = h.planner.plan(new PlanRequest("orders", "2024-06-01", "2024-06-05", "all"));
    assertThat(all.run()).containsExactly("2024-06-01", "2024-06-02", "2024-06-03", "2024-06-04");
    assertThat(all.noSource()).containsExactly("2024-06-05");

    BackfillPlan failed =
        h.planner.plan(new PlanRequest("orders", "2024-06-01", "2024-06-05", "failed"));
    assertThat(failed.run()).containsExactly("2024-06-03");
    assertThat(failed.skipped()).hasSize(4);

    BackfillPlan missing =
        h.planner.plan(new PlanRequest("orders", "2024-06-01", "2024-06-05", "missing"));
    assertThat(missing.run()).isEmpty();
    assertThat(missing.noSource()).containsExactly("2024-06-05");

    assertThatThrownBy(
            () -> h.planner.plan(new PlanRequest("orders", "2024-06-05", "2024-06-01", "all")))
        .hasMessageContaining("after");
  }

  @Test
  void aBackfillPlanMakesTheRawDayTablesOfThePartitionsItRuns() throws IOException {
    LocalDate d6 = D1.plusDays(5);
    new OrdersGenerator(5, 60).writeDay(h.settings.dataRoot(), D1, d6);
    assertThat(dayTable(d6)).isNull();

    BackfillPlan plan =
        h.planner.plan(new PlanRequest("orders", "2024-06-05", "2024-06-06", "all"));

    assertThat(plan.run()).containsExactly("2024-06-06");
    assertThat(dayTable(d6)).isEqualTo("raw.orders_20240606");
    assertThat(dayTable(D1.plusDays(4))).as("a gap gets no table").isNull();
    // the ingest that follows copies into the table the plan made
    long loaded = h.ingest.ingest(ActivityHarness.ref(d6)).rowsLoaded();
    assertThat(loaded).isPositive();
    assertThat((long) h.dsl.fetchCount(DSL.table(DSL.name("raw", "orders_20240606"))))
        .isEqualTo(loaded);
  }

  private String dayTable(LocalDate date) {
    String name = "raw.orders_" + date.toString().replace("-", "");
    return h.dsl.fetchOne("select to_regclass(?)::text", name).get(0, String.class);
  }

  @Test
  void partitionsWhoseFilesChangedSinceTheirIngestAreFound() throws IOException {
    assertThat(h.source.changedPartitions(ActivityHarness.ref(D1.plusDays(4)))).isEmpty();

    // 06-02 is corrected (other rows, same name); 06-04 gains a second file
    Path day2 = h.settings.dataRoot().resolve("raw/2024-06-02/orders.csv");
    String original = Files.readString(day2);
    new OrdersGenerator(99, 60).writeDay(h.settings.dataRoot(), D1, D1.plusDays(1));
    assertThat(Files.readString(day2)).isNotEqualTo(original);
    Files.copy(
        h.settings.dataRoot().resolve("raw/2024-06-04/orders.csv"),
        h.settings.dataRoot().resolve("raw/2024-06-04/orders-late.csv"));

    assertThat(h.source.changedPartitions(ActivityHarness.ref(D1.plusDays(4))))
        .containsExactly("2024-06-02", "2024-06-04");
    // rewritten with the very same bytes: not a change
    Files.writeString(day2, original);
    assertThat(h.source.changedPartitions(ActivityHarness.ref(D1.plusDays(4))))
        .containsExactly("2024-06-04");
  }

  /** A correction of the same size whose modification time was kept (a copy with -p, rsync -t). */
  @Test
  void aCorrectionThatKeepsSizeAndModificationTimeIsFoundWhenContentIsCompared()
      throws IOException {
    Path day2 = h.settings.dataRoot().resolve("raw/2024-06-02/orders.csv");
    FileTime modified = Files.getLastModifiedTime(day2);
    byte[] bytes = Files.readAllBytes(day2);
    int digit = bytes.length - 1;
    while (!Character.isDigit(bytes[digit])) {
      digit--;
    }
    bytes[digit] = (byte) (bytes[digit] == '1' ? '2' : '1');
    Files.write(day2, bytes);
    Files.setLastModifiedTime(day2, modified);

    assertThat(h.source.changedPartitions(ActivityHarness.ref(D1.plusDays(4))))
        .as("by metadata (the default) the rewrite is not seen")
        .isEmpty();
    Path cfg = h.settings.pipelinesDir().resolve("orders.yaml");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace("  late_days: 7", "  late_days: 7\n  change_detection: content"));
    assertThat(h.source.changedPartitions(ActivityHarness.ref(D1.plusDays(4))))
        .containsExactly("2024-06-02");
  }

  /** Planned by a backfill, an unknown dataset is a bad config at once, not five retries. */
  @Test
  void planningAnUnknownDatasetFailsAsBadConfigWithoutRetrying() {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> h.planner.plan(new PlanRequest("payments", "2024-06-01", "2024-06-02", "all")));
    assertThat(t.getCause())
        .isInstanceOfSatisfying(
            io.temporal.failure.ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo("BadConfig");
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).contains("payments.yaml", "no pipeline config");
            });
  }

  @Test
  void featuresComputedAcrossAGapSayWhichPartitionsTheyLack() {
    // 06-03 failed to ingest: the features of 06-04 read a window without it
    h.features.computeFeatures(ActivityHarness.ref(D1.plusDays(3)), 1);
    assertThat(h.features.computeFeatures(ActivityHarness.ref(D1.plusDays(3)), 1).gaps())
        .containsExactly("2024-06-03");
    assertThat(h.features.computeFeatures(ActivityHarness.ref(D1.plusDays(1)), 1).gaps()).isEmpty();
  }

  @Test
  void theSensorSeesFilesAndRecordsLateData() {
    SourceProbe there = h.source.probe(ActivityHarness.ref(D1));
    assertThat(there.ready()).isTrue();
    assertThat(there.files()).isEqualTo(1);
    assertThat(there.bytes()).isPositive();
    SourceProbe absent = h.source.probe(ActivityHarness.ref(D1.plusDays(4)));
    assertThat(absent.ready()).isFalse();
    assertThat(absent.directory()).endsWith("2024-06-05");

    h.source.recordLate(ActivityHarness.ref(D1.plusDays(4)), "late data: no files after PT6H");
    Partition late = read(h.settings).get(4);
    assertThat(late.state()).isEqualTo(State.LATE);
    assertThat(late.reason()).contains("SourceLate: late data: no files after PT6H");
  }
}
