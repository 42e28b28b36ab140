package io.sluice.starter;

import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineProgress;
import io.sluice.workflows.StageSummary;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a run's state and its progress (stage, counts so far).")
final class StatusCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "Workflow id, e.g. sluice/orders/2024-01-05.")
  String workflowId;

  @Mixin TemporalOptions temporal;

  @Override
  public Integer call() {
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
