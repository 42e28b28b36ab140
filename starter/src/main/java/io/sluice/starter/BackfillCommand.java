package io.sluice.starter;

import io.sluice.activities.ops.BackfillPlanner;
import io.sluice.workflows.BackfillRequest;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.DateRanges;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.activity.BackfillActivities.BackfillPlan;
import io.sluice.workflows.activity.BackfillActivities.PlanRequest;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Run a range of partitions as one backfill workflow.",
      "Ingest, validate and stage in parallel, then the range's features in one pass, then split"
          + " and publish once. A failed or missing partition blocks only the feature dates from"
          + " it on; the summary names it.",
      "Shows live progress; Ctrl-C detaches (the backfill keeps running; reattach with 'sluice"
          + " watch <id>'; stop it with 'sluice cancel <id>')."
    })
final class BackfillCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
  String dataset;

  @Option(names = "--from", required = true, description = "First partition, yyyy-MM-dd.")
  String from;

  @Option(names = "--to", required = true, description = "Last partition, yyyy-MM-dd.")
  String to;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = {
        "Partitions ingested/validated/staged at once, and runs of feature dates computed side"
            + " by side in the range's features pass.",
        "Default: ${DEFAULT-VALUE}"
      })
  int parallelism;

  @ArgGroup(exclusive = true)
  Only only = new Only();

  static final class Only {
    @Option(
        names = "--only-failed",
        description = "Run only partitions with a failed or late stage in the ledger.")
    boolean failed;

    @Option(
        names = "--only-missing",
        description = "Run only partitions never staged (and not failed).")
    boolean missing;

    String value() {
      return failed ? "failed" : missing ? "missing" : "all";
    }
  }

  @Option(
      names = "--dry-run",
      description = "List the partitions the backfill would run (reads the ledger), start nothing.")
  boolean dryRun;

  @Option(names = "--no-wait", description = "Print the workflow id and return at once.")
  boolean noWait;

  @Option(
      names = "--history-limit",
      hidden = true,
      description = "Continue as new after this many history events (default 2000).")
  Integer historyLimit;

  @Mixin TemporalOptions temporal;
  @Mixin LedgerOptions ledger;

  @Override
  public Integer call() {
    Partitions.requireDataset(dataset);
    Partitions.range(from, to);
    if (parallelism < 1 || parallelism > BackfillRequest.MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "--parallelism " + parallelism + " is outside 1.." + BackfillRequest.MAX_PARALLELISM);
    }
    if (dryRun) {
      BackfillPlan plan =
          ledger.withDb(
              dsl ->
                  new BackfillPlanner(dsl, ledger.settings())
                      .plan(new PlanRequest(dataset, from, to, only.value())));
      System.out.printf(
          "would run %d partition(s) of %s %s..%s (%s): %s%n",
          plan.run().size(), dataset, from, to, only.value(), DateRanges.ofIso(plan.run()));
      if (!plan.noSource().isEmpty()) {
        System.out.printf(
            "gaps (no files, not run, block the features after them): %s%n",
            DateRanges.ofIso(plan.noSource()));
      }
      if (!plan.skipped().isEmpty()) {
        System.out.printf("left alone: %d partition(s)%n", plan.skipped().size());
      }
      return 0;
    }
    String id = BackfillWorkflow.workflowId(dataset, from, to);
    WorkflowServiceStubs stubs = temporal.stubs();
    try {
      WorkflowClient client = temporal.client(stubs);
      BackfillWorkflow wf =
          client.newWorkflowStub(
              BackfillWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(temporal.taskQueue)
                  .setStaticSummary("backfill " + dataset + " " + from + ".." + to)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                  .build());
      try {
        WorkflowClient.start(
            wf::run,
            new BackfillRequest(dataset, from, to, parallelism, only.value(), historyLimit, null));
      } catch (WorkflowExecutionAlreadyStarted e) {
        throw new PipelineRuns.AlreadyRunning(id, e.getExecution().getRunId());
      }
      if (noWait) {
        System.out.println(id);
        System.err.println("follow it with: sluice watch " + id);
        return 0;
      }
      System.err.printf("started %s on task queue %s%n", id, temporal.taskQueue);
      return Watcher.watch(client, id, System.out);
    } finally {
      stubs.shutdown();
    }
  }
}
