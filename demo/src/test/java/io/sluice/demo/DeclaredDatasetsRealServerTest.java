package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.AppEventsGenerator;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.BackfillResult;
import io.sluice.workflows.BackfillWorkflow;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second bundled example, a dataset declared only in YAML, on the real Temporal dev server with
 * a least-privilege worker: a backfill side by side with one of orders, then a daily run, its
 * ledger, staleness and exports.
 */
@RealTemporal
class DeclaredDatasetsRealServerTest {

  static final LocalDate FIRST = LocalDate.of(2024, 4, 1);
  static final int DAYS = 12;

  @TempDir Path tmp;

  @Test
  void anEventsDatasetBackfillsBesideOrdersAndRunsDaily() throws Exception {
    try (RealWorker w = new RealWorker(tmp)) {
      AppEventsGenerator events = new AppEventsGenerator(11, 150);
      OrdersGenerator orders = new OrdersGenerator(11, 100);
      for (int i = 0; i < DAYS; i++) {
        events.writeDay(w.data, FIRST, FIRST.plusDays(i));
        orders.writeDay(w.data, FIRST, FIRST.plusDays(i));
      }
      LocalDate lastOfHistory = FIRST.plusDays(DAYS - 2);
      String range = " --from " + FIRST + " --to " + lastOfHistory;
      w.terminateLeftovers(
          "sluice-backfill/app_events/" + FIRST + ".." + lastOfHistory,
          "sluice-backfill/orders/" + FIRST + ".." + lastOfHistory,
          "sluice/app_events/" + FIRST.plusDays(DAYS - 1));

      // both backfills at once: neither waits for the other
      Cli ordersStarted =
          w.sluice("backfill --dataset orders" + range + " --parallelism 2 --no-wait");
      Cli eventsStarted =
          w.sluice("backfill --dataset app_events" + range + " --parallelism 2 --no-wait");
      assertThat(ordersStarted.exit()).as(ordersStarted.all()).isZero();
      assertThat(eventsStarted.exit()).as(eventsStarted.all()).isZero();
      for (String dataset : new String[] {"orders", "app_events"}) {
        BackfillResult r =
            w.client()
                .newUntypedWorkflowStub(
                    BackfillWorkflow.workflowId(
                        dataset, FIRST.toString(), lastOfHistory.toString()))
                .getResult(5, TimeUnit.MINUTES, BackfillResult.class);
        assertThat(r.status()).as(dataset).isEqualTo("COMPLETED");
      }
      assertThat(
              w.dsl.fetchValue(
                  "select count(*) from meta.stage_reconciliation where dataset = 'app_events'"))
          .isEqualTo((long) DAYS - 1);
      assertThat(
              w.dsl.fetchValue(
                  "select count(*) from meta.stage_reconciliation where dataset = 'orders'"))
          .isEqualTo((long) DAYS - 1);
      assertThat(
              w.dsl.fetchValue(
                  "select min(a.started_at) < max(o.finished_at) and min(o.started_at) <"
                      + " max(a.finished_at) from meta.partition_ledger a, meta.partition_ledger o"
                      + " where a.dataset = 'app_events' and o.dataset = 'orders'"))
          .as("the two backfills' stages ran in the same span of time")
          .isEqualTo(true);

      // the next day as a daily run
      LocalDate last = FIRST.plusDays(DAYS - 1);
      Cli daily = w.sluice("run --dataset app_events --date " + last);
      assertThat(daily.exit()).as(daily.all()).isZero();
      assertThat(
              w.dsl.fetchValue(
                  "select count(*) from feats.app_events_features where feature_date = ?", last))
          .asString()
          .isNotEqualTo("0");
      assertThat(
              w.dsl.fetchValue(
                  "select count(*) from stg.app_events where partition_date = ?", last))
          .asString()
          .isNotEqualTo("0");

      Cli status =
          w.sluiceWithLedger("status --dataset app_events --from " + FIRST + " --to " + last);
      assertThat(status.exit()).as(status.all()).isZero();
      assertThat(status.out())
          .contains("app_events " + FIRST + ".." + last + ": partition ledger")
          .contains("missing 0  done " + DAYS);
      Cli stale = w.sluiceLedgerOnly("stale --dataset app_events");
      assertThat(stale.exit()).as(stale.all()).isZero();
      Cli exports = w.sluiceLedgerOnly("exports list --dataset app_events");
      assertThat(exports.exit()).as(exports.all()).isZero();
      assertThat(exports.out()).contains("v1");
    }
  }
}
