package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.PipelineResult;
import io.temporal.client.WorkflowExecutionMetadata;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daily Temporal Schedule through {@code sluice schedule ...} on the real dev server. */
@RealTemporal
class ScheduleRealServerTest {

  @TempDir Path tmp;

  @Test
  void theDailyScheduleRunsTheDayBeforeItsTimeAndBackfillsThroughTemporal() throws Exception {
    LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    try (RealWorker w = new RealWorker(tmp)) {
      w.sluice("schedule delete --dataset orders"); // one left by an interrupted run, if any
      for (LocalDate d : List.of(yesterday, LocalDate.of(2024, 8, 1), LocalDate.of(2024, 8, 2))) {
        new OrdersGenerator(d.toEpochDay(), 120).writeDay(w.data, d, d);
      }

      Cli created = w.sluice("schedule create --dataset orders --at 03:15 --wait-for-data PT1M");
      assertThat(created.exit()).isZero();
      assertThat(created.out()).contains("sluice/orders/daily: daily at 03:15 UTC");
      Cli again = w.sluice("schedule create --dataset orders");
      assertThat(again.exit()).isEqualTo(2);
      assertThat(again.err()).contains("exists already");

      Cli described = w.sluice("schedule describe --dataset orders");
      assertThat(described.out())
          .contains("daily at 03:15 UTC; waits up to PT1M for files")
          .contains("overlap BUFFER_ONE")
          .contains("pause on failure no")
          .containsPattern("next:\\n    \\S+T03:15:00Z  partition \\d{4}-\\d{2}-\\d{2}");

      assertThat(
              w.sluice(
                      "schedule update --dataset orders --at 04:30 --overlap skip --pause-on-failure")
                  .exit())
          .isZero();
      assertThat(w.sluice("schedule describe --dataset orders").out())
          .contains("daily at 04:30 UTC; waits up to PT1M")
          .contains("overlap SKIP")
          .contains("pause on failure yes");
      w.sluice("schedule pause --dataset orders --note maintenance");
      assertThat(w.sluice("schedule describe --dataset orders").out())
          .contains("PAUSED (maintenance)");
      w.sluice("schedule unpause --dataset orders");
      assertThat(w.sluice("schedule list").out()).contains("sluice/orders/daily  active");

      // a triggered run processes yesterday, derived from its scheduled time
      assertThat(w.sluice("schedule trigger --dataset orders").out())
          .contains("processes partition " + yesterday);
      Pattern recent = Pattern.compile("partition " + yesterday + "  started \\S+  (\\S+)");
      OperationsRealServerTest.waitFor(
          () -> recent.matcher(w.sluice("schedule describe --dataset orders").out()).find());
      Matcher m = recent.matcher(w.sluice("schedule describe --dataset orders").out());
      assertThat(m.find()).isTrue();
      String scheduledRun = m.group(1);
      assertThat(scheduledRun).startsWith("sluice/orders/scheduled");
      PipelineResult result =
          w.client().newUntypedWorkflowStub(scheduledRun).getResult(PipelineResult.class);
      assertThat(result.partitionDate()).isEqualTo(yesterday.toString());

      // Temporal's schedule backfill: one run per partition, at the time that processes it
      Cli dry =
          w.sluice(
              "schedule backfill --dataset orders --from 2024-08-01 --to 2024-08-02 --dry-run");
      assertThat(dry.out())
          .contains("would run 2 partition(s)")
          .contains("2024-08-01 (scheduled time 2024-08-02T04:30)")
          .contains("2024-08-02 (scheduled time 2024-08-03T04:30)");
      assertThat(
              w.sluice("schedule backfill --dataset orders --from 2024-08-01 --to 2024-08-02")
                  .exit())
          .isZero();
      String query =
          "SluiceDataset = 'orders' AND ExecutionStatus = 'Completed' AND SluicePartitionDate >="
              + " '2024-08-01T00:00:00Z' AND SluicePartitionDate < '2024-08-03T00:00:00Z'"
              + " AND TaskQueue = '"
              + w.queue
              + "'";
      OperationsRealServerTest.waitFor(() -> w.client().listExecutions(query).count() >= 2);
      assertThat(w.client().listExecutions(query).map(WorkflowExecutionMetadata::getExecution))
          .allSatisfy(e -> assertThat(e.getWorkflowId()).startsWith("sluice/orders/scheduled"));

      assertThat(w.sluice("schedule delete --dataset orders").exit()).isZero();
      assertThat(w.sluice("schedule list").out()).doesNotContain("sluice/orders/daily");
    }
  }

  /**
   * A feature set file has a daily schedule of its own: its runs start {@code FeatureSetWorkflow}
   * for the day before, waiting for the datasets it reads; here none is staged, so the triggered
   * run ends late, saying what to run.
   */
  @Test
  void aFeatureSetHasADailyScheduleOfItsOwn() throws Exception {
    LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    try (RealWorker w = new RealWorker(tmp)) {
      w.sluice("schedule delete --dataset customer_value"); // left by an interrupted run, if any
      Cli created =
          w.sluice("schedule create --dataset customer_value --at 04:00 --wait-for-data PT2S");
      assertThat(created.exit()).as(created.all()).isZero();
      assertThat(w.sluice("schedule describe --dataset customer_value").out())
          .contains(
              "daily at 04:00 UTC; waits up to PT2S for the datasets it reads (a feature set)");
      assertThat(w.sluice("schedule update --dataset customer_value --at 05:00").exit()).isZero();
      assertThat(w.sluice("schedule describe --dataset customer_value").out())
          .contains("daily at 05:00 UTC; waits up to PT2S for the datasets it reads");
      assertThat(w.sluice("schedule trigger --dataset customer_value").out())
          .contains("processes partition " + yesterday);
      Pattern recent = Pattern.compile("partition " + yesterday + "  started \\S+  (\\S+)");
      OperationsRealServerTest.waitFor(
          () ->
              recent.matcher(w.sluice("schedule describe --dataset customer_value").out()).find());
      Matcher m = recent.matcher(w.sluice("schedule describe --dataset customer_value").out());
      assertThat(m.find()).isTrue();
      assertThat(m.group(1)).startsWith("sluice/customer_value/scheduled");
      Throwable failed =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  w.client()
                      .newUntypedWorkflowStub(m.group(1))
                      .getResult(2, java.util.concurrent.TimeUnit.MINUTES, PipelineResult.class));
      assertThat(failed).isInstanceOf(io.temporal.client.WorkflowFailedException.class);
      assertThat(io.temporal.failure.ApplicationFailure.class)
          .isAssignableFrom(rootOf(failed).getClass());
      assertThat(rootOf(failed).getMessage())
          .contains("its dataset orders has no staged partition " + yesterday)
          .contains("sluice run --dataset orders --date " + yesterday);
      assertThat(w.sluice("schedule delete --dataset customer_value").exit()).isZero();
    }
  }

  private static Throwable rootOf(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
