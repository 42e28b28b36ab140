package io.sluice.starter;

import io.sluice.activities.ops.PartitionStates.Partition;
import io.sluice.activities.ops.PartitionStates.State;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineProgress;
import io.sluice.workflows.StageSummary;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a run's state and progress, or a dataset's partition ledger.",
      "With a workflow id: that run's state, progress (stage, counts so far) and, when it did not"
          + " complete, its failure's type and message. Exit 0 completed or still running (sluice"
          + " watch waits for the end), 1 failed, terminated or timed out, 3 cancelled.",
      "With --dataset: the partition ledger as a calendar (done, failed, late, running, stale,"
          + " missing) and the partitions that are not done, with the reason and the run. Exit 1"
          + " when a partition failed, else 0."
    })
final class StatusCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      description = "Workflow id, e.g. sluice/orders/2024-01-05.")
  String workflowId;

  @Option(names = "--dataset", description = "Show the ledger of this dataset instead.")
  String dataset;

  @Mixin LedgerView range;
  @Mixin TemporalOptions temporal;
  @Mixin LedgerOptions ledger;

  @Override
  public Integer call() {
    if ((workflowId == null) == (dataset == null)) {
      throw new IllegalArgumentException(
          "give a workflow id (sluice status sluice/orders/2024-01-05) or --dataset"
              + " (sluice status --dataset orders --from 2024-01-01 --to 2024-01-31)");
    }
    return dataset != null ? ledger() : run();
  }

  private int ledger() {
    List<Partition> partitions = range.read(ledger, dataset);
    if (partitions == null) {
      return 2;
    }
    System.out.printf(
        "%s %s..%s: partition ledger%n",
        dataset, partitions.get(0).date(), partitions.get(partitions.size() - 1).date());
    LedgerView.calendar(System.out, partitions);
    LedgerView.list(
        System.out,
        partitions,
        List.of(State.FAILED, State.LATE, State.RUNNING, State.STALE, State.MISSING));
    return partitions.stream().anyMatch(p -> p.state() == State.FAILED) ? 1 : 0;
  }

  private int run() {
    WorkflowServiceStubs stubs = temporal.stubs();
    try {
      WorkflowClient client = temporal.client(stubs);
      WorkflowExecutionInfo info =
          stubs
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(temporal.namespace)
                      .setExecution(
                          io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                              .setWorkflowId(workflowId))
                      .build())
              .getWorkflowExecutionInfo();
      WorkflowExecutionStatus status = info.getStatus();
      System.out.printf(
          "%s  run %s  %s%n",
          workflowId, info.getExecution().getRunId(), RunsCommand.status(status));
      RunFailures.Failure failure = RunFailures.of(client, info.getExecution());
      if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED) {
        // a worker cannot replay a terminated history to answer a query
        System.out.println("  (no progress: a terminated run answers no queries)");
      } else {
        progress(client, failure == null);
      }
      if (failure != null) {
        System.out.println("  failure: " + failure);
      }
      return exitCode(status);
    } finally {
      stubs.shutdown();
    }
  }

  /** Its stages so far, from the run's progress query (a worker answers it). */
  private void progress(WorkflowClient client, boolean withFailure) {
    try {
      PipelineProgress p =
          client.newWorkflowStub(FeaturePipelineWorkflow.class, workflowId).progress();
      System.out.printf("  stage: %s (%s)%n", p.currentStage(), p.status());
      for (StageSummary s : p.completed()) {
        System.out.printf(
            "  %-9s %6d ms  %s%n", s.stage(), s.millis(), PipelineRuns.counts(s.counts()));
      }
      if (withFailure && p.failure() != null) {
        System.out.println("  failure: " + p.failure());
      }
    } catch (RuntimeException e) {
      System.out.println(
          "  (progress unavailable: no worker answered the query: "
              + SluiceCli.rootMessage(e).lines().findFirst().orElse("")
              + ")");
    }
  }

  /**
   * 0 completed (or still running: {@code sluice watch} waits for the end), 1 failed, terminated or
   * timed out, 3 cancelled, as {@code sluice watch} exits.
   */
  static int exitCode(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_FAILED,
          WORKFLOW_EXECUTION_STATUS_TERMINATED,
          WORKFLOW_EXECUTION_STATUS_TIMED_OUT ->
          1;
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> 3;
      default -> 0;
    };
  }
}
