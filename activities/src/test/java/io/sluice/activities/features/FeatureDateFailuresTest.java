package io.sluice.activities.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature date that fails on its data (here a hand-written SQL feature dividing by zero on one
 * date) fails its own run once, with the run id, and does not block the dates after it.
 */
class FeatureDateFailuresTest {

  static final LocalDate FIRST = LocalDate.of(2024, 6, 1);
  static final LocalDate BAD = FIRST.plusDays(2);

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp);
    Path pipelines = h.settings.pipelinesDir();
    Files.createDirectories(pipelines.resolve("sql"));
    Files.writeString(
        pipelines.resolve("sql/fragile.sql"),
        "SELECT feature_date, customer_id,\n"
            + "       (count(*) / (feature_date - DATE '"
            + BAD
            + "'))::integer AS orders_per_day_off\n"
            + "FROM known GROUP BY feature_date, customer_id\n");
    Path cfg = pipelines.resolve("orders.yaml");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace(
                "  aggregates:\n",
                "  sql: {file: sql/fragile.sql, window: 30d,"
                    + " columns: {orders_per_day_off: integer}}\n  aggregates:\n"));
    OrdersGenerator g = new OrdersGenerator(4, 80);
    for (int i = 0; i < 6; i++) {
      g.writeDay(h.settings.dataRoot(), FIRST, FIRST.plusDays(i));
    }
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void stageDay(LocalDate d) {
    PartitionRef ref = ActivityHarness.ref(d);
    h.ingest.ingest(ref);
    h.validate.validate(ref);
    h.stage.stage(ref);
  }

  private long rowsOf(LocalDate d) {
    return ((Number)
            h.dsl.fetchValue(
                "select count(*) from feats.orders_features where feature_date = ?", d))
        .longValue();
  }

  @Test
  void aDateThatFailsOnItsDataDoesNotBlockTheDatesAfterIt() {
    for (int i = 0; i < 2; i++) {
      stageDay(FIRST.plusDays(i));
      h.features.computeFeatures(ActivityHarness.ref(FIRST.plusDays(i)), 1);
    }
    stageDay(BAD);
    assertThatThrownBy(() -> h.features.computeFeatures(ActivityHarness.ref(BAD), 1))
        .getCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.DATA_ERROR);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains("feature date(s) " + BAD, "run-" + BAD, "division by zero");
            });
    assertThat(h.dsl.fetchValue("select run_id from meta.feature_date_failures"))
        .isEqualTo("run-" + BAD);

    // the next days compute without the failed date, and say so
    for (int i = 3; i < 6; i++) {
      LocalDate d = FIRST.plusDays(i);
      stageDay(d);
      FeatureResult r = h.features.computeFeatures(ActivityHarness.ref(d), 1);
      assertThat(r.featureRows()).isPositive();
      assertThat(r.failedDates()).containsExactly(BAD.toString());
      assertThat(rowsOf(d)).isEqualTo(r.featureRows());
    }
    assertThat(rowsOf(BAD)).isZero();

    // a rerun of the failed date tries it again, and fails the same way
    assertThatThrownBy(() -> h.features.computeFeatures(ActivityHarness.ref(BAD), 1))
        .getCause()
        .hasMessageContaining("division by zero");
  }

  @Test
  void aRangeThatHitsAFailingDateComputesEveryOtherDate() {
    for (int i = 0; i < 6; i++) {
      stageDay(FIRST.plusDays(i));
    }
    LocalDate last = FIRST.plusDays(5);
    FeatureResult r = h.features.computeFeatures(ActivityHarness.ref(last), 2);
    assertThat(r.failedDates()).containsExactly(BAD.toString());
    assertThat(r.datesComputed()).isEqualTo(5);
    for (int i = 0; i < 6; i++) {
      LocalDate d = FIRST.plusDays(i);
      if (d.equals(BAD)) {
        assertThat(rowsOf(d)).isZero();
      } else {
        assertThat(rowsOf(d)).as(d.toString()).isPositive();
      }
    }
  }
}
