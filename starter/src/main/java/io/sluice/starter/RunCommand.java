package io.sluice.starter;

import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.PipelineRequest;
import io.sluice.workflows.PipelineResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline for one partition (ingest, validate, stage, features, split, publish).",
      "Waits and prints a per-stage summary unless --no-wait is given."
    })
final class RunCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
  String dataset;

  @Option(names = "--date", required = true, description = "Partition date, yyyy-MM-dd.")
  String date;

  @Option(names = "--no-wait", description = "Print the workflow id and return at once.")
  boolean noWait;

  @Option(
      names = "--wait-for-data",
      description =
          "Wait up to this long for the partition's files (ISO-8601, e.g. PT6H); past it the run"
              + " ends as late data (SourceLate). Default: do not wait.")
  String waitForData;

  @Mixin TemporalOptions temporal;
  @Mixin PipelinesOptions pipelines;

  @Override
  public Integer call() {
    PipelineRequest request = PipelineRuns.request(dataset, date, waitForData);
    pipelines.requireDataset(dataset);
    WorkflowServiceStubs stubs = temporal.stubs();
    try {
      WorkflowClient client = temporal.client(stubs);
      FeaturePipelineWorkflow wf = PipelineRuns.start(client, temporal.taskQueue, request);
      String id = Partitions.workflowId(dataset, date);
      if (noWait) {
        System.out.println(id);
        return 0;
      }
      System.err.printf("started %s on task queue %s; waiting...%n", id, temporal.taskQueue);
      try {
        PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
        PipelineRuns.printSummary(System.out, result);
        return 0;
      } catch (WorkflowFailedException e) {
        System.err.println("run " + id + " failed: " + SluiceCli.failureMessage(e));
        System.err.println("inspect it with: sluice status " + id);
        return 1;
      }
    } finally {
      stubs.shutdown();
    }
  }
}
