package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.BackfillRequest;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineResult;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real Temporal server: an input Sluice cannot use fails its run at once, naming the field;
 * a backfill refuses a control that makes no sense and says why; a paused backfill is visible as
 * paused; a partition is found by its date exactly.
 */
@RealTemporal
class InputsRealServerTest {

  @TempDir Path tmp;

  @Test
  void aTypoInTheWorkflowInputFailsTheRunAtOnceNamingTheField() {
    try (RealWorker w = new RealWorker(tmp)) {
      String id = "sluice/orders/typo-" + UUID.randomUUID();
      WorkflowStub run =
          w.client()
              .newUntypedWorkflowStub(
                  FeaturePipelineWorkflow.TYPE,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(id)
                      .setTaskQueue(w.queue)
                      .setWorkflowRunTimeout(Duration.ofMinutes(1))
                      .build());
      // what `temporal workflow start --input '{"dataset":"orders","partition_date":...}'` sends
      run.start(Map.of("dataset", "orders", "partition_date", "2024-01-05"));
      long started = System.nanoTime();
      Throwable t = catchThrowable(() -> run.getResult(20, TimeUnit.SECONDS, PipelineResult.class));
      assertThat((System.nanoTime() - started) / 1e9).as("failed at once").isLessThan(20);
      assertThat(t).isInstanceOf(WorkflowFailedException.class);
      assertThat(t.getCause())
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo("BadRequest");
                assertThat(f.getOriginalMessage())
                    .contains("[partition_date]", "\"partitionDate\":\"yyyy-MM-dd\"");
              });
    }
  }

  /** A run started by the CLI says in the UI's list which partition it is, before it runs. */
  @Test
  void aRunCarriesItsPartitionAsItsSummary() {
    try (RealWorker w = new RealWorker(tmp)) {
      FeaturePipelineWorkflow wf =
          io.sluice.starter.PipelineRuns.start(
              w.client(), w.queue, io.sluice.starter.PipelineRuns.request("orders", "2024-09-09"));
      WorkflowStub stub = WorkflowStub.fromTyped(wf);
      assertThat(stub.describe().getStaticSummary()).isEqualTo("orders 2024-09-09");
      catchThrowable(() -> stub.getResult(30, TimeUnit.SECONDS, PipelineResult.class));
    }
  }

  @Test
  void aBackfillRefusesNonsenseControlsShowsItselfPausedAndIsFoundByItsDate() throws Exception {
    LocalDate first = LocalDate.of(2024, 9, 1);
    OrdersGenerator g = new OrdersGenerator(21, 60);
    for (int i = 0; i < 3; i++) {
      g.writeDay(tmp.resolve("data"), first, first.plusDays(i));
    }
    try (RealWorker w = new RealWorker(tmp)) {
      String id = BackfillWorkflow.workflowId("orders", "2024-09-01", "2024-09-03");
      w.terminateLeftovers(id);
      BackfillWorkflow held =
          w.client()
              .newWorkflowStub(
                  BackfillWorkflow.class,
                  WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(w.queue).build());
      BatchRequest start = w.client().newSignalWithStartRequest();
      start.add(held::run, new BackfillRequest("orders", "2024-09-01", "2024-09-03", 1, "all"));
      start.add(held::pause);
      w.client().signalWithStart(start);
      BackfillWorkflow wf = w.client().newWorkflowStub(BackfillWorkflow.class, id);
      waitFor(() -> "partitions".equals(wf.progress().phase()));

      // the update's validator refuses, and the caller hears why
      Throwable refused = catchThrowable(() -> wf.resizeUpdate(0));
      assertThat(refused).isInstanceOf(WorkflowUpdateException.class);
      assertThat(rootMessage(refused)).contains("resize 0 refused: parallelism is 1..64, got 0");
      Cli cli = w.sluice("resize " + id + " 0");
      assertThat(cli.exit()).isEqualTo(2);
      assertThat(cli.err()).contains("parallelism is 1..64, got 0");
      assertThat(w.sluice("pause " + id).err()).contains("pause refused: it is paused already");

      // visible as paused, and found by its first date exactly
      String paused =
          "SluiceStage = 'paused' AND SluicePartition = '2024-09-01' AND WorkflowId = '" + id + "'";
      waitFor(() -> count(w, paused) == 1);

      assertThat(w.sluice("resume " + id).out()).contains("resumed at parallelism 1");
      assertThat(w.sluice("resume " + id).err()).contains("resume refused: it is not paused");
      assertThat(w.sluice("watch " + id).exit()).isZero();
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  private static long count(RealWorker w, String query) {
    return w.client()
        .getWorkflowServiceStubs()
        .blockingStub()
        .listWorkflowExecutions(
            ListWorkflowExecutionsRequest.newBuilder()
                .setNamespace(w.client().getOptions().getNamespace())
                .setQuery(query)
                .build())
        .getExecutionsCount();
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 150 && !condition.getAsBoolean(); i++) {
      TimeUnit.MILLISECONDS.sleep(200);
    }
    assertThat(condition.getAsBoolean()).as("condition reached within 30 s").isTrue();
  }
}
