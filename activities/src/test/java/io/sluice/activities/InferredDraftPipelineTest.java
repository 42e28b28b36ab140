package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.dataset.SchemaInference;
import io.sluice.samples.AppEventsGenerator;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities.StageResult;
import io.sluice.workflows.activity.ValidateActivities.ValidateResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A draft {@code sluice infer} writes runs as it is: files the user brought, drafted under a name
 * of their own, are ingested, validated and staged, and their counts reconcile.
 */
class InferredDraftPipelineTest {

  static final LocalDate FIRST = LocalDate.of(2024, 5, 1);

  @TempDir Path tmp;

  @Test
  void aDraftFromGeneratedEventsIngestsValidatesAndStagesTwoDays() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      Path data = h.settings.dataRoot();
      AppEventsGenerator g = new AppEventsGenerator(3, 200);
      for (int i = 0; i < 2; i++) {
        g.writeDay(data, FIRST, FIRST.plusDays(i));
      }
      SchemaInference.Draft draft = runDraft(h, data.resolve("app_events"), "clicks", 2);
      assertThat(draft.files().sourcePath()).isEqualTo("app_events/{date}");
      assertThat(
              h.dsl.fetchValue(
                  "select count(distinct partition_date) from stg.clicks where revenue is not null"))
          .as("typed values staged for both days")
          .isEqualTo(2L);
    }
  }

  /** Orders: a column only some files carry, instants some of which lack an offset. */
  @Test
  void aDraftFromGeneratedOrdersIngestsValidatesAndStagesThreeDays() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      Path data = h.settings.dataRoot();
      OrdersGenerator g = new OrdersGenerator(5, 200);
      for (int i = 0; i < 3; i++) {
        g.writeDay(data, FIRST, FIRST.plusDays(i));
      }
      SchemaInference.Draft draft = runDraft(h, data.resolve("raw"), "shop_orders", 3);
      assertThat(draft.yaml()).contains("required: false", "assume_zone: UTC");
      assertThat(
              h.dsl.fetchValue(
                  "select count(*) from stg.shop_orders where coupon_code = 'SAVE10'"
                      + " and order_ts is not null and amount is not null"))
          .asString()
          .isNotEqualTo("0");
    }
  }

  /** Drafts {@code dataset} from {@code dir}, then runs the first {@code days} partitions. */
  private static SchemaInference.Draft runDraft(
      ActivityHarness h, Path dir, String dataset, int days) throws Exception {
    SchemaInference.Draft draft =
        SchemaInference.infer(dir, dataset, h.settings.dataRoot(), 10_000);
    Files.writeString(h.settings.pipelinesDir().resolve(dataset + ".yaml"), draft.yaml());
    for (int i = 0; i < days; i++) {
      LocalDate day = FIRST.plusDays(i);
      PartitionRef ref = new PartitionRef(dataset, day.toString(), "run-" + day);
      IngestResult in = h.ingest.ingest(ref);
      ValidateResult v = h.validate.validate(ref);
      StageResult s = h.stage.stage(ref);

      assertThat(in.rawRows()).as(day + " raw rows").isGreaterThanOrEqualTo(200);
      assertThat(v.errorFailures()).as(day + " error-level expectations").isZero();
      assertThat(s.rawRows()).isEqualTo(in.rawRows());
      assertThat(s.staged() + s.quarantined() + s.duplicates())
          .as(day + ": raw = staged + quarantined + duplicates")
          .isEqualTo(s.rawRows());
      assertThat(s.staged()).as(day + ": most rows staged").isGreaterThan(s.rawRows() * 9 / 10);
      assertThat(s.quarantined()).as(day + ": the generator's broken rows").isPositive();
    }
    return draft;
  }
}
