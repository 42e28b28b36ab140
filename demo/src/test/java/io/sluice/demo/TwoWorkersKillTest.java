package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.OrdersGenerator;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes on one task queue share a backfill; one is killed with SIGKILL while it runs
 * an ingest. The activity is retried on the other worker and the backfill completes with every row
 * of every file in raw exactly once.
 */
@RealTemporal
class TwoWorkersKillTest {

  static final int DAYS = 4;
  static final int ROWS = 60_000;

  @TempDir Path tmp;

  private Process worker(RealWorker w, String name) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx384m");
    // short timeouts so the killed attempt is noticed in seconds, not hours
    cmd.add("-Dsluice.activities.Ingest.heartbeat=5s");
    for (String a : List.of("Ingest", "Validate", "Stage", "ComputeFeatures", "Split", "Publish")) {
      cmd.add("-Dsluice.activities." + a + ".start-to-close=3m");
      cmd.add("-Dsluice.activities." + a + ".initial-interval=1s");
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add("io.sluice.worker.WorkerApplication");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("SLUICE_DB_URL", w.db.getJdbcUrl());
    env.put("SLUICE_DB_USER", w.db.getUsername());
    env.put("SLUICE_DB_PASSWORD", w.db.getPassword() == null ? "" : w.db.getPassword());
    env.put("SLUICE_DB_MIGRATE", "false");
    env.put("SLUICE_TASK_QUEUE", w.queue + "-procs");
    env.put("SLUICE_DATA_ROOT", w.data.toString());
    env.put("SLUICE_PIPELINES_DIR", w.pipelines.toString());
    env.put("SLUICE_ARTIFACTS_DIR", tmp.resolve("artifacts").toString());
    env.put("SLUICE_WORKER_MAX_ACTIVITIES", "2");
    pb.redirectErrorStream(true);
    pb.redirectOutput(tmp.resolve(name + ".log").toFile());
    return pb.start();
  }

  @Test
  void killingAWorkerMidIngestLosesAndDuplicatesNothing() throws Exception {
    LocalDate d1 = LocalDate.of(2024, 9, 1);
    String id = "sluice-backfill/orders/2024-09-01..2024-09-04";
    // the in-JVM worker polls another queue: only the two processes work on this backfill
    try (RealWorker w = new RealWorker(tmp)) {
      w.terminateLeftovers(id);
      long lines = 0;
      for (int i = 0; i < DAYS; i++) {
        Path f = new OrdersGenerator(i, ROWS).writeDay(w.data, d1, d1.plusDays(i));
        try (Stream<String> s = Files.lines(f)) {
          lines += s.count() - 1;
        }
      }
      Process a = worker(w, "worker-a");
      Process b = worker(w, "worker-b");
      try {
        Cli started =
            RealWorker.capture(
                "backfill",
                "--dataset",
                "orders",
                "--from",
                "2024-09-01",
                "--to",
                "2024-09-04",
                "--parallelism",
                "2",
                "--no-wait",
                "--address",
                w.address,
                "--task-queue",
                w.queue + "-procs");
        assertThat(started.exit()).isZero();

        // find an ingest running on one of the two processes, and kill that process
        WorkflowServiceStubs stubs = w.context.getBean(WorkflowServiceStubs.class);
        Process victim = null;
        String killedDuring = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (victim == null && System.nanoTime() < deadline) {
          for (PendingActivityInfo p : pending(w, stubs, id)) {
            if (!p.getActivityType().getName().equals("Ingest")
                || p.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) {
              continue;
            }
            for (Process proc : List.of(a, b)) {
              if (p.getLastWorkerIdentity().startsWith(proc.pid() + "@")) {
                victim = proc;
                killedDuring = p.getActivityType().getName() + " " + p.getActivityId();
              }
            }
          }
          TimeUnit.MILLISECONDS.sleep(200);
        }
        assertThat(victim).as("an ingest running on one of the worker processes").isNotNull();
        victim.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful drain
        victim.waitFor();
        System.out.println("killed pid " + victim.pid() + " during " + killedDuring);

        Cli watched =
            RealWorker.capture(
                "watch", id, "--address", w.address, "--task-queue", w.queue + "-procs");
        assertThat(watched.exit()).isZero();
        assertThat(watched.out()).contains("COMPLETED: 4 of 4 partition(s) staged");

        long raw = w.dsl.fetchCount(org.jooq.impl.DSL.table("raw.orders"));
        assertThat(raw).as("every data line of every file in raw, once").isEqualTo(lines);
        for (Record r :
            w.dsl.fetch(
                "select partition_date, raw_rows, quarantined_rows + staged_rows + duplicate_rows"
                    + " as accounted from meta.stage_reconciliation")) {
          assertThat(r.get(1, Long.class)).isEqualTo(r.get(2, Long.class));
        }
        assertThat(
                w.dsl
                    .fetchOne(
                        "select max(attempt) from meta.partition_ledger where stage = 'ingest'")
                    .get(0, Integer.class))
            .as("the killed ingest was attempted again")
            .isGreaterThanOrEqualTo(2);
        assertThat(
                w.dsl.fetchValue(
                    "select count(*) from meta.feature_dates where feature_date between"
                        + " '2024-09-01' and '2024-09-04'"))
            .isEqualTo(4L);
      } finally {
        a.destroyForcibly();
        b.destroyForcibly();
      }
    }
  }

  private static List<PendingActivityInfo> pending(
      RealWorker w, WorkflowServiceStubs stubs, String id) {
    try {
      return stubs
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(w.client().getOptions().getNamespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                  .build())
          .getPendingActivitiesList();
    } catch (RuntimeException notYetStarted) {
      return List.of();
    }
  }
}
