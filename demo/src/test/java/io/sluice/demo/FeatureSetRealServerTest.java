package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.CustomersGenerator;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.BackfillResult;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.PipelineResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled feature set file (orders joined with the customers dimension) on the real Temporal
 * dev server with a least-privilege worker: run from the CLI once both datasets are staged, a late
 * customers partition shown by {@code sluice stale} and recomputed, and a run that waits for its
 * inputs and goes on when they are staged.
 */
@RealTemporal
class FeatureSetRealServerTest {

  static final LocalDate FIRST = LocalDate.of(2024, 4, 1);
  static final int DAYS = 12;
  static final LocalDate LAST = FIRST.plusDays(DAYS - 1);

  @TempDir Path tmp;

  @Test
  void theBundledFeatureSetRunsOnceItsDatasetsAreStagedAndFollowsLateData() throws Exception {
    try (RealWorker w = new RealWorker(tmp)) {
      OrdersGenerator orders = new OrdersGenerator(13, 100);
      CustomersGenerator customers = new CustomersGenerator(13, 100);
      for (int i = 0; i <= DAYS; i++) {
        orders.writeDay(w.data, FIRST, FIRST.plusDays(i));
        customers.writeDay(w.data, FIRST, FIRST.plusDays(i));
      }
      String range = " --from " + FIRST + " --to " + LAST;
      w.terminateLeftovers(
          "sluice-backfill/orders/" + FIRST + ".." + LAST,
          "sluice-backfill/customers/" + FIRST + ".." + LAST,
          Partitions.workflowId("customer_value", LAST.toString()),
          BackfillWorkflow.workflowId("customer_value", FIRST.toString(), LAST.toString()),
          Partitions.workflowId("customer_value", LAST.plusDays(1).toString()),
          Partitions.workflowId("orders", LAST.plusDays(1).toString()),
          Partitions.workflowId("customers", LAST.plusDays(1).toString()),
          Partitions.workflowId("customers", LAST.minusDays(1).toString()));
      for (String dataset : new String[] {"orders", "customers"}) {
        Cli started = w.sluice("backfill --dataset " + dataset + range + " --no-wait");
        assertThat(started.exit()).as(started.all()).isZero();
      }
      for (String dataset : new String[] {"orders", "customers"}) {
        BackfillResult r =
            w.client()
                .newUntypedWorkflowStub(
                    BackfillWorkflow.workflowId(dataset, FIRST.toString(), LAST.toString()))
                .getResult(5, TimeUnit.MINUTES, BackfillResult.class);
        assertThat(r.status()).as(dataset).isEqualTo("COMPLETED");
      }

      Cli plan = w.sluiceLedgerOnly("backfill --feature-set customer_value" + range + " --dry-run");
      assertThat(plan.exit()).as(plan.all()).isZero();
      assertThat(plan.out())
          .contains("would compute " + DAYS + " feature date(s) of customer_value " + FIRST)
          .doesNotContain("not staged");
      Cli run = w.sluice("backfill --feature-set customer_value" + range + " --parallelism 2");
      assertThat(run.exit()).as(run.all()).isZero();
      assertThat(run.out())
          .contains("customer_value " + LAST + " completed")
          .contains("dates_computed=" + DAYS);
      assertThat(
              w.dsl.fetchValue(
                  "select count(distinct feature_date) from feats.customer_value_features"))
          .isEqualTo((long) DAYS);
      assertThat(
              w.dsl.fetchValue(
                  "select count(*) from feats.customer_value_features where segment is null"))
          .as("every customer of the population has a segment known")
          .isEqualTo(0L);
      Path export =
          Path.of(
              (String)
                  w.dsl.fetchValue(
                      "select export_path from meta.feature_registry where dataset ="
                          + " 'customer_value'"));
      JsonNode meta = new ObjectMapper().readTree(export.resolve("metadata.json").toFile());
      assertThat(meta.path("dataset").asText()).isEqualTo("customer_value");
      assertThat(meta.at("/transforms/columns").size()).isGreaterThan(10);

      // a customers file of the day before the last changes: that day and the last are stale
      LocalDate late = LAST.minusDays(1);
      Files.writeString(
          w.data.resolve("customers/" + late + "/customers.csv"),
          "C00007,enterprise,north,99000.00," + late + "T01:00:00Z\n",
          StandardOpenOption.APPEND);
      Cli restaged = w.sluice("run --dataset customers --date " + late);
      assertThat(restaged.exit()).as(restaged.all()).isZero();
      Cli stale = w.sluiceLedgerOnly("stale --dataset customer_value" + range);
      assertThat(stale.exit()).as(stale.all()).isEqualTo(1);
      assertThat(stale.out())
          .contains("customer_value: 2 stale partition(s): " + late + ".." + LAST)
          .contains("features read customers " + late + ", staged again after they were computed")
          .contains("sluice run --feature-set customer_value --date " + LAST);
      Cli replan =
          w.sluiceLedgerOnly("backfill --feature-set customer_value" + range + " --dry-run");
      assertThat(replan.out())
          .contains("would compute 2 feature date(s) of customer_value")
          .contains("up to date: " + (DAYS - 2) + " date(s)");
      Cli again = w.sluice("run --feature-set customer_value --date " + LAST);
      assertThat(again.exit()).as(again.all()).isZero();
      assertThat(again.out()).contains("dates_computed=2");
      assertThat(
              w.dsl.fetchValue(
                  "select segment from feats.customer_value_features where customer_id = 'C00007'"
                      + " and feature_date = ?",
                  LAST))
          .isIn("enterprise", null);

      // the next day: the feature set waits for both datasets, and goes on once they are staged
      LocalDate next = LAST.plusDays(1);
      Cli waiting =
          w.sluice(
              "run --feature-set customer_value --date "
                  + next
                  + " --wait-for-inputs PT5M --no-wait");
      assertThat(waiting.exit()).as(waiting.all()).isZero();
      assertThat(w.sluice("run --dataset orders --date " + next).exit()).isZero();
      assertThat(w.sluice("run --dataset customers --date " + next).exit()).isZero();
      PipelineResult r =
          w.client()
              .newUntypedWorkflowStub(Partitions.workflowId("customer_value", next.toString()))
              .getResult(3, TimeUnit.MINUTES, PipelineResult.class);
      assertThat(r.stages().get(0).stage()).isEqualTo("features");
      assertThat(r.stages().get(0).detail()).as("nothing left out").isNull();
      assertThat(
              w.dsl.fetchValue(
                  "select count(*) from feats.customer_value_features where feature_date = ?",
                  next))
          .asString()
          .isNotEqualTo("0");
    }
  }
}
