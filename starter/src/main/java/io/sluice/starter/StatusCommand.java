package io.sluice.starter;

import io.sluice.activities.ops.PartitionStates.Partition;
import io.sluice.activities.ops.PartitionStates.State;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineProgress;
import io.sluice.workflows.StageSummary;
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
      "With a workflow id: that run's state and progress (stage, counts so far).",
      "With --dataset: the partition ledger as a calendar (done, failed, late, running, stale,",
      "missing) and the partitions that are not done, with the reason and the run."
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
      System.out.printf(
          "%s  run %s  %s%n",
          workflowId,
          info.getExecution().getRunId(),
          info.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""));
      try {
        PipelineProgress p =
            client.newWorkflowStub(FeaturePipelineWorkflow.class, workflowId).progress();
        System.out.printf("  stage: %s (%s)%n", p.currentStage(), p.status());
        for (StageSummary s : p.completed()) {
          System.out.printf(
              "  %-9s %6d ms  %s%n", s.stage(), s.millis(), PipelineRuns.counts(s.counts()));
        }
        if (p.failure() != null) {
          System.out.println("  failure: " + p.failure());
        }
      } catch (RuntimeException e) {
        System.out.println(
            "  (progress unavailable: no worker answered the query: "
                + SluiceCli.rootMessage(e)
                + ")");
      }
      return 0;
    } finally {
      stubs.shutdown();
    }
  }
}
