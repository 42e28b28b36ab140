package io.sluice.starter;

import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.PipelineRequest;
import io.sluice.workflows.PipelineResult;
import io.sluice.workflows.StageSummary;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Collectors;

/** Starting one partition's run and printing what it did; shared by the CLI and the demo. */
public final class PipelineRuns {

  private PipelineRuns() {}

  /** A request with a checked dataset and date, or an {@link IllegalArgumentException}. */
  public static PipelineRequest request(String dataset, String date) {
    return request(dataset, date, null);
  }

  /** The same, waiting up to {@code waitForData} (ISO-8601 duration, null: no wait) for files. */
  public static PipelineRequest request(String dataset, String date, String waitForData) {
    Partitions.requireDataset(dataset);
    Partitions.requireDate(date);
    Partitions.waitForData(waitForData);
    return new PipelineRequest(dataset, date, waitForData);
  }

  /**
   * Starts the run; a finished run of the same partition may be run again, a live one may not.
   *
   * @throws AlreadyRunning when the partition's workflow is running now
   */
  public static FeaturePipelineWorkflow start(
      WorkflowClient client, String taskQueue, PipelineRequest request) {
    String id = Partitions.workflowId(request.dataset(), request.partitionDate());
    FeaturePipelineWorkflow wf =
        client.newWorkflowStub(
            FeaturePipelineWorkflow.class,
            options(taskQueue, id, request.dataset() + " " + request.partitionDate()));
    startOnce(id, () -> WorkflowClient.start(wf::run, request));
    return wf;
  }

  /** A run's options: id, queue, summary; a finished run of the id may be run again. */
  static WorkflowOptions options(String taskQueue, String id, String summary) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(taskQueue)
        .setStaticSummary(summary)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .build();
  }

  /**
   * Runs {@code start}, which starts the workflow {@code id}.
   *
   * @throws AlreadyRunning when {@code id} is running now
   */
  static void startOnce(String id, Runnable start) {
    try {
      start.run();
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new AlreadyRunning(id, e.getExecution().getRunId());
    }
  }

  /**
   * Starts a feature set's run of {@code date}, waiting up to {@code waitForInputs} for the
   * datasets it reads; a finished run may be run again, a live one may not.
   *
   * @throws AlreadyRunning when the date's workflow is running now
   */
  public static io.sluice.workflows.FeatureSetWorkflow startFeatureSet(
      WorkflowClient client,
      String taskQueue,
      String featureSet,
      String date,
      String waitForInputs) {
    Partitions.requireDataset(featureSet);
    Partitions.requireDate(date);
    Partitions.waitForData(waitForInputs);
    return startFeatureSet(
        client,
        taskQueue,
        Partitions.workflowId(featureSet, date),
        "feature set " + featureSet + " " + date,
        new io.sluice.workflows.FeatureSetRequest(featureSet, date, waitForInputs));
  }

  /**
   * Starts a {@link io.sluice.workflows.FeatureSetWorkflow} run of {@code request} as {@code id}; a
   * finished run may be run again, a live one may not.
   *
   * @throws AlreadyRunning when {@code id} is running now
   */
  static io.sluice.workflows.FeatureSetWorkflow startFeatureSet(
      WorkflowClient client,
      String taskQueue,
      String id,
      String summary,
      io.sluice.workflows.FeatureSetRequest request) {
    io.sluice.workflows.FeatureSetWorkflow wf =
        client.newWorkflowStub(
            io.sluice.workflows.FeatureSetWorkflow.class, options(taskQueue, id, summary));
    startOnce(id, () -> WorkflowClient.start(wf::run, request));
    return wf;
  }

  public static void printSummary(PrintStream out, PipelineResult r) {
    out.printf("%s %s completed%n", r.dataset(), r.partitionDate());
    for (StageSummary s : r.stages()) {
      boolean path = s.stage().equals("validate") || s.stage().equals("publish"); // shown below
      out.printf(
          "  %-9s %6d ms  %s%s%n",
          s.stage(),
          s.millis(),
          counts(s.counts()),
          s.detail() == null || path ? "" : "  (" + s.detail() + ")");
    }
    if (r.reportPath() != null) {
      out.printf("  report:  %s%n", r.reportPath());
    }
    if (r.featureSetVersion() == 0) {
      out.println("  export:  none (the dataset declares no features)");
    } else {
      out.printf("  export:  %s%n", exportText(r.exportPath(), r.featureSetVersion()));
    }
  }

  /** Where a run's export went, or why there is none yet (no row is in train, val or test). */
  static String exportText(String exportPath, int featureSetVersion) {
    return exportPath == null
        ? String.format(
            "none yet (feature set v%d: no labelled row is in train, val or test)",
            featureSetVersion)
        : String.format("%s (feature set v%d)", exportPath, featureSetVersion);
  }

  static String counts(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  /** The partition or range already has a live run; tells which. */
  public static final class AlreadyRunning extends RuntimeException {
    public AlreadyRunning(String workflowId, String runId) {
      super(
          "already running as workflow "
              + workflowId
              + " (run "
              + runId
              + "); follow it with: sluice watch "
              + workflowId);
    }
  }
}
