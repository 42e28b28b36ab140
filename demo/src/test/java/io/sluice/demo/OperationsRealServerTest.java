package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.BackfillProgress;
import io.sluice.workflows.BackfillRequest;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.PipelineResult;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How people operate Sluice, through the {@code sluice} CLI against the real Temporal dev server
 * and a worker: backfills (failures, gaps, --only-failed/--only-missing, continue-as-new, the
 * ledger calendar, staleness), steering a running backfill, the data sensor, runs, rerun, replay.
 */
@RealTemporal
class OperationsRealServerTest {

  @TempDir Path tmp;

  private static void day(Path data, LocalDate d) throws IOException {
    new OrdersGenerator(d.toEpochDay(), 120).writeDay(data, d, d);
  }

  private static void breakDay(Path data, LocalDate d) throws IOException {
    try (var files = Files.list(data.resolve("raw").resolve(d.toString()))) {
      for (Path f : files.toList()) {
        Files.writeString(f, "");
      }
    }
  }

  private static LocalDate lastFeatureDate(RealWorker w) {
    return w.dsl
        .fetchOne("select max(feature_date) from meta.feature_dates")
        .get(0, LocalDate.class);
  }

  @Test
  void aBackfillStagesWhatItCanAndTheLedgerSaysWhatIsLeft() throws Exception {
    LocalDate d1 = LocalDate.of(2024, 3, 1);
    try (RealWorker w = new RealWorker(tmp)) {
      w.terminateLeftovers("sluice-backfill/orders/2024-03-01..2024-03-07");
      for (int i = 0; i < 6; i++) {
        day(w.data, d1.plusDays(i));
      }
      breakDay(w.data, d1.plusDays(3)); // 03-04 is an empty file; 03-07 never arrives

      Cli first =
          w.sluice(
              "backfill --dataset orders --from 2024-03-01 --to 2024-03-07 --parallelism 2 --history-limit 50");
      assertThat(first.exit()).isEqualTo(1);
      assertThat(first.out())
          .contains("COMPLETED_WITH_FAILURES: 5 of 6 partition(s) staged")
          .contains("FAILED 2024-03-04: BadInput: ")
          .contains("MISSING (no files): 2024-03-07")
          .contains("through 2024-03-03")
          .contains("continue-as-new")
          .contains("blocked: feature dates 2024-03-04..2024-03-07 read partition 2024-03-04");
      assertThat(lastFeatureDate(w)).isEqualTo(LocalDate.of(2024, 3, 3));

      Cli status = w.sluiceWithLedger("status --dataset orders --from 2024-03-01 --to 2024-03-07");
      assertThat(status.exit()).isEqualTo(1);
      assertThat(status.out())
          .contains("2024-03   D  D  D  F  D  D  .")
          .contains("done 5")
          .contains("FAILED  2024-03-04  ingest: BadInput")
          .contains("MISSING 2024-03-07  no files, not staged");

      Cli dry =
          w.sluiceWithLedger(
              "backfill --dataset orders --from 2024-03-01 --to 2024-03-07 --only-failed --dry-run");
      assertThat(dry.out())
          .contains(
              "would run 1 partition(s) of orders 2024-03-01..2024-03-07 (failed): 2024-03-04");

      day(w.data, d1.plusDays(3)); // the fix
      Cli again =
          w.sluice("backfill --dataset orders --from 2024-03-01 --to 2024-03-07 --only-failed");
      assertThat(again.out())
          .contains("1 of 1 partition(s) staged")
          .contains("through 2024-03-06")
          .contains("read partition 2024-03-07");
      assertThat(lastFeatureDate(w)).isEqualTo(LocalDate.of(2024, 3, 6));

      day(w.data, d1.plusDays(6)); // the late day lands
      Cli missing =
          w.sluice("backfill --dataset orders --from 2024-03-01 --to 2024-03-07 --only-missing");
      assertThat(missing.exit()).isZero();
      assertThat(missing.out()).contains("COMPLETED: 1 of 1").contains("through 2024-03-07");
      assertThat(lastFeatureDate(w)).isEqualTo(LocalDate.of(2024, 3, 7));

      assertThat(w.sluiceLedgerOnly("stale --dataset orders").exit()).isZero();
      Cli stale = w.sluiceLedgerOnly("stale --dataset orders --code-version next");
      assertThat(stale.exit()).isEqualTo(1);
      assertThat(stale.out())
          .contains("7 stale partition(s): 2024-03-01..2024-03-07")
          .contains("sluice backfill --dataset orders --from 2024-03-01 --to 2024-03-07");
    }
  }

  @Test
  void aRunningBackfillIsPausedResizedResumedAndWatched() throws Exception {
    LocalDate d1 = LocalDate.of(2024, 5, 1);
    try (RealWorker w = new RealWorker(tmp)) {
      w.terminateLeftovers("sluice-backfill/orders/2024-05-01..2024-05-06");
      for (int i = 0; i < 6; i++) {
        day(w.data, d1.plusDays(i));
      }
      Cli started =
          w.sluice(
              "backfill --dataset orders --from 2024-05-01 --to 2024-05-06 --parallelism 1 --no-wait");
      String id = started.out().strip();
      assertThat(id).isEqualTo("sluice-backfill/orders/2024-05-01..2024-05-06");
      assertThat(w.sluice("pause " + id).out()).contains("paused");

      BackfillWorkflow wf = w.client().newWorkflowStub(BackfillWorkflow.class, id);
      waitFor(() -> "partitions".equals(wf.progress().phase()) && wf.progress().running() == 0);
      BackfillProgress paused = wf.progress();
      assertThat(paused.paused()).isTrue();
      TimeUnit.SECONDS.sleep(3);
      assertThat(wf.progress().done()).isEqualTo(paused.done());
      assertThat(paused.done()).isLessThan(6);

      assertThat(w.sluice("resize " + id + " 3").exit()).isZero();
      assertThat(w.sluice("resume " + id).exit()).isZero();
      Cli watched = w.sluice("watch " + id);
      assertThat(watched.exit()).isZero();
      assertThat(watched.out())
          .contains(" partitions  done ")
          .contains("COMPLETED: 6 of 6 partition(s) staged");
      assertThat(wf.progress().parallelism()).isEqualTo(3);

      // Ctrl-C on a following CLI detaches; the backfill goes on and can be cancelled. The
      // backfill is started paused (signal-with-start: the pause is in its first workflow task),
      // so it is still in its partitions when the CLI detaches, however fast they would have run.
      String second = "sluice-backfill/orders/2024-05-01..2024-05-03";
      w.terminateLeftovers(second);
      BackfillWorkflow held =
          w.client()
              .newWorkflowStub(
                  BackfillWorkflow.class,
                  WorkflowOptions.newBuilder().setWorkflowId(second).setTaskQueue(w.queue).build());
      BatchRequest start = w.client().newSignalWithStartRequest();
      start.add(held::run, new BackfillRequest("orders", "2024-05-01", "2024-05-03", 1, "all"));
      start.add(held::pause);
      w.client().signalWithStart(start);
      Process cli =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.sluice.starter.SluiceCli",
                  "watch",
                  second,
                  "--address",
                  w.address,
                  "--task-queue",
                  w.queue)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("cli.log").toFile())
              .start();
      waitFor(
          () ->
              Files.exists(tmp.resolve("cli.log"))
                  && read(tmp.resolve("cli.log")).contains("following " + second));
      new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();
      assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(read(tmp.resolve("cli.log")))
          .contains("detached: " + second + " keeps running")
          .contains("sluice watch " + second);
      BackfillWorkflow detached = w.client().newWorkflowStub(BackfillWorkflow.class, second);
      assertThat(detached.progress().phase()).isEqualTo("partitions");

      assertThat(w.sluice("cancel " + second).out())
          .contains("cancelling: no new partition starts");
      Cli cancelled = w.sluice("watch " + second);
      assertThat(cancelled.exit()).isEqualTo(3);
      assertThat(cancelled.out()).contains("backfill orders 2024-05-01..2024-05-03 CANCELLED");
    }
  }

  @Test
  void sensorLateDataRunsRerunAndReplay() throws Exception {
    try (RealWorker w = new RealWorker(tmp)) {
      w.terminateLeftovers(
          "sluice/orders/2024-07-01",
          "sluice/orders/2024-07-02",
          "sluice/orders/2024-07-03",
          "sluice/orders/2024-07-04",
          "sluice/orders/2024-07-05",
          "sluice/orders/2024-07-06");
      day(w.data, LocalDate.of(2024, 7, 1));
      assertThat(w.sluice("run --dataset orders --date 2024-07-01").exit()).isZero();

      // the sensor: files land while the run waits for them
      Cli waiting =
          w.sluice("run --dataset orders --date 2024-07-02 --wait-for-data PT2M --no-wait");
      assertThat(waiting.exit()).isZero();
      // a second run of the same partition meanwhile: refused, told which workflow runs it
      Cli twice = w.sluice("run --dataset orders --date 2024-07-02");
      assertThat(twice.exit()).isEqualTo(2);
      assertThat(twice.err())
          .contains("already running as workflow sluice/orders/2024-07-02")
          .contains("sluice watch sluice/orders/2024-07-02");
      TimeUnit.SECONDS.sleep(3);
      day(w.data, LocalDate.of(2024, 7, 2));
      assertThat(w.sluice("watch sluice/orders/2024-07-02").exit()).isZero();

      // late data: nothing lands before the deadline
      Cli late = w.sluice("run --dataset orders --date 2024-07-03 --wait-for-data PT3S");
      assertThat(late.exit()).isEqualTo(1);
      assertThat(late.err()).contains("late data: orders partition 2024-07-03");

      // a failed run, listed, then reset to its failed stage after the fix
      day(w.data, LocalDate.of(2024, 7, 4));
      breakDay(w.data, LocalDate.of(2024, 7, 4));
      assertThat(w.sluice("run --dataset orders --date 2024-07-04").exit()).isEqualTo(1);
      waitFor(
          () ->
              w.sluice("runs --dataset orders --failed")
                  .out()
                  .contains("sluice/orders/2024-07-04"));
      Cli failedRuns = w.sluice("runs --dataset orders --failed");
      assertThat(failedRuns.out())
          .containsPattern("sluice/orders/2024-07-04 +FAILED +2024-07-04 +ingest")
          .containsPattern("sluice/orders/2024-07-03 +FAILED +2024-07-03 +late")
          .doesNotContain("sluice/orders/2024-07-01");

      Cli status = w.sluiceWithLedger("status --dataset orders --from 2024-07-01 --to 2024-07-04");
      assertThat(status.out()).contains("2024-07   D  D  L  F");

      Cli plan =
          w.sluice("rerun --failed --dataset orders --from 2024-07-04 --to 2024-07-04 --dry-run");
      assertThat(plan.out()).contains("would rerun sluice/orders/2024-07-04");

      day(w.data, LocalDate.of(2024, 7, 4)); // the fix
      Cli rerun = w.sluice("rerun sluice/orders/2024-07-04 --wait");
      assertThat(rerun.exit()).isZero();
      assertThat(rerun.out()).contains("reset to before its failed stage").contains("completed");
      PipelineResult result =
          w.client()
              .newUntypedWorkflowStub("sluice/orders/2024-07-04")
              .getResult(PipelineResult.class);
      assertThat(result.stages()).hasSize(6);
      assertThat(w.sluice("rerun sluice/orders/2024-07-04").err()).contains("not failed");

      Cli replay = w.sluice("replay sluice/orders/2024-07-04");
      assertThat(replay.exit()).isZero();
      assertThat(replay.out()).contains("deterministic: sluice/orders/2024-07-04");
      // a validation failure: statuses outside the allowed set; the message names the report
      Path dir = Files.createDirectories(w.data.resolve("raw/2024-07-05"));
      StringBuilder csv =
          new StringBuilder(
              "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,"
                  + "quantity\n");
      for (int i = 0; i < 20; i++) {
        csv.append("o").append(i).append(",C1,2024-07-05T10:00:00Z,10,EUR,lost,books,DE,web,1\n");
      }
      Files.writeString(dir.resolve("orders.csv"), csv);
      Cli invalid = w.sluice("run --dataset orders --date 2024-07-05");
      assertThat(invalid.exit()).isEqualTo(1);
      assertThat(invalid.err())
          .contains("validate failed for orders partition 2024-07-05")
          .contains(".html");
      assertThat(w.sluice("replay sluice/orders/2024-07-05").exit()).isZero();

      // a corrected file for 07-01 lands; the next daily run re-stages it and recomputes from it
      new OrdersGenerator(4242, 130)
          .writeDay(w.data, LocalDate.of(2024, 7, 1), LocalDate.of(2024, 7, 1));
      day(w.data, LocalDate.of(2024, 7, 6));
      Cli next = w.sluice("run --dataset orders --date 2024-07-06");
      assertThat(next.exit()).isZero();
      assertThat(next.out())
          .containsPattern("late-data .* partitions=1 staged=\\d+")
          .containsPattern("features .* dates_computed=[2-9]");
      assertThat(
              w.dsl
                  .fetchOne(
                      "select max(version) from meta.partition_versions"
                          + " where partition_date = '2024-07-01'")
                  .get(0, Integer.class))
          .isEqualTo(2);

      Cli runs = w.sluice("runs --dataset orders --from 2024-07-01 --to 2024-07-01");
      assertThat(runs.out())
          .containsPattern(
              "sluice/orders/2024-07-01 +COMPLETED +2024-07-01 +done +\\S+ +raw_rows=120");
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 120 s");
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }
}
