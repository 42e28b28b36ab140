package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.temporal.failure.ActivityFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import org.jooq.Record;
import org.jooq.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger row of every stage, written around the activities by the worker's interceptor. */
class PartitionLedgerTest {

  static final LocalDate DAY = LocalDate.of(2024, 6, 1);

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp);
    new OrdersGenerator(3, 120).writeDay(h.settings.dataRoot(), DAY, DAY);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private Result<Record> ledger() {
    return h.dsl.fetch(
        "select stage, status, workflow_id, attempt, input_checksum, config_hash, sql_hash,"
            + " code_version, counts::text as counts, error, finished_at"
            + " from meta.partition_ledger order by started_at, stage");
  }

  @Test
  void everyStageOfARunIsDoneWithItsCountsAndHashes() {
    h.runPartition(DAY);
    Result<Record> rows = ledger();
    assertThat(rows.getValues("stage", String.class))
        .containsExactly("ingest", "validate", "stage", "features", "split", "publish");
    String checksum =
        h.dsl
            .fetchValue(
                "select content_sha256 from meta.partition_versions where partition_date = ?", DAY)
            .toString();
    String configHash = h.settings.config("orders").hash();
    for (Record r : rows) {
      String stage = r.get("stage", String.class);
      assertThat(r.get("status", String.class)).as(stage).isEqualTo("done");
      assertThat(r.get("input_checksum", String.class)).as(stage).isEqualTo(checksum);
      assertThat(r.get("config_hash", String.class)).as(stage).isEqualTo(configHash);
      assertThat(r.get("code_version", String.class)).isEqualTo("test");
      assertThat(r.get("finished_at")).as(stage).isNotNull();
      assertThat(r.get("sql_hash"))
          .as(stage)
          .matches(
              v -> (v != null) == java.util.Set.of("features", "split", "publish").contains(stage));
    }
    assertThat(rows.get(2).get("counts", String.class)).contains("\"staged\": ");
    assertThat(rows.get(0).get("counts", String.class)).contains("\"rowsLoaded\": 120");
  }

  @Test
  void aFailedStageIsRecordedWithItsError() {
    LocalDate missing = DAY.plusDays(1);
    assertThatThrownBy(() -> h.ingest.ingest(ActivityHarness.ref(missing)))
        .isInstanceOf(ActivityFailure.class);
    Record r = ledger().get(0);
    assertThat(r.get("stage", String.class)).isEqualTo("ingest");
    assertThat(r.get("status", String.class)).isEqualTo("failed");
    assertThat(r.get("error", String.class))
        .startsWith("SourceMissing: ")
        .contains(missing.toString());
    assertThat(r.get("input_checksum")).isNull();

    h.ingest.ingest(ActivityHarness.ref(DAY));
    assertThat(ledger()).hasSize(2);
    assertThat(ledger().get(1).get("status", String.class)).isEqualTo("done");
  }
}
