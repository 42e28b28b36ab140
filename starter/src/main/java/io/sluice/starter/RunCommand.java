package io.sluice.starter;

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
      "Run the pipeline for one partition, or a feature set for one date.",
      "A dataset's partition: ingest, validate, stage, features, split, publish. A feature set",
      "(--feature-set, pipelines/features/<name>.yaml): features, split and publish, once the",
      "datasets it reads are staged. Waits and prints a per-stage summary unless --no-wait is given."
    })
final class RunCommand implements Callable<Integer> {

  @picocli.CommandLine.ArgGroup(multiplicity = "1")
  DatasetOrFeatureSet what;

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

  @Option(
      names = "--wait-for-inputs",
      description =
          "With --feature-set: wait up to this long for the datasets it reads to be staged for the"
              + " date (ISO-8601, e.g. PT6H); past it a joined dataset still missing is left out"
              + " (and its staging makes the date stale), its own dataset missing fails the run."
              + " Default: do not wait.")
  String waitForInputs;

  @Mixin TemporalOptions temporal;
  @Mixin PipelinesOptions pipelines;

  @Override
  public Integer call() {
    Partitions.requireDate(date);
    String name = what.featureSet != null ? what.featureSet : what.dataset;
    if (what.featureSet != null) {
      if (waitForData != null) {
        throw new IllegalArgumentException(
            "--wait-for-data waits for a dataset's files; a feature set waits with"
                + " --wait-for-inputs");
      }
      pipelines.requireFeatureSet(name);
    } else {
      if (waitForInputs != null) {
        throw new IllegalArgumentException("--wait-for-inputs goes with --feature-set");
      }
      pipelines.requireDataset(name);
    }
    PipelineRequest request =
        what.featureSet != null ? null : PipelineRuns.request(name, date, waitForData);
    WorkflowServiceStubs stubs = temporal.stubs();
    try {
      WorkflowClient client = temporal.client(stubs);
      Object wf =
          request != null
              ? PipelineRuns.start(client, temporal.taskQueue, request)
              : PipelineRuns.startFeatureSet(client, temporal.taskQueue, name, date, waitForInputs);
      String id = Partitions.workflowId(name, date);
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
