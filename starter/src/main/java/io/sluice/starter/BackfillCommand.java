package io.sluice.starter;

import io.sluice.activities.features.FeatureDatePlan;
import io.sluice.activities.ops.BackfillPlanner;
import io.sluice.workflows.BackfillRequest;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.DateRanges;
import io.sluice.workflows.FeatureSetRequest;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.activity.BackfillActivities.BackfillPlan;
import io.sluice.workflows.activity.BackfillActivities.PlanRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
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
      "With --feature-set: the features of every missing or stale date of the feature set up"
          + " to --to in one pass (the datasets it reads are staged by their own runs; --dry-run"
          + " lists the dates whose partitions are not), then split and publish once.",
      "Shows live progress; Ctrl-C detaches (the backfill keeps running; reattach with 'sluice"
          + " watch <id>'; stop it with 'sluice cancel <id>')."
    })
final class BackfillCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  DatasetOrFeatureSet what;

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

  @Option(
      names = "--wait-for-inputs",
      description =
          "With --feature-set: wait up to this long for the datasets it reads to be staged for --to"
              + " (ISO-8601, e.g. PT6H), saying which it waits for. Default: do not wait.")
  String waitForInputs;

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
    Partitions.range(from, to);
    if (parallelism < 1 || parallelism > BackfillRequest.MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "--parallelism " + parallelism + " is outside 1.." + BackfillRequest.MAX_PARALLELISM);
    }
    if (what.featureSet != null) {
      return featureSet(what.featureSet);
    }
    if (waitForInputs != null) {
      throw new IllegalArgumentException("--wait-for-inputs goes with --feature-set");
    }
    String dataset = what.dataset;
    Partitions.requireDataset(dataset);
    if (ledger.pipelines.isFeatureSet(dataset)) {
      ledger.pipelines.requireDataset(dataset); // refused, saying how to run a feature set
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
    return startAndFollow(
        id,
        "",
        client -> {
          BackfillWorkflow wf =
              client.newWorkflowStub(
                  BackfillWorkflow.class,
                  PipelineRuns.options(
                      temporal.taskQueue, id, "backfill " + dataset + " " + from + ".." + to));
          PipelineRuns.startOnce(
              id,
              () ->
                  WorkflowClient.start(
                      wf::run,
                      new BackfillRequest(
                          dataset, from, to, parallelism, only.value(), historyLimit, null)));
        });
  }

  /**
   * Starts the backfill {@code id} with {@code start}, then prints its id ({@code --no-wait}) or
   * follows it until it closes.
   *
   * @param what said after "started <id> on task queue <queue>"
   */
  private int startAndFollow(String id, String what, Consumer<WorkflowClient> start) {
    WorkflowServiceStubs stubs = temporal.stubs();
    try {
      WorkflowClient client = temporal.client(stubs);
      start.accept(client);
      if (noWait) {
        System.out.println(id);
        System.err.println("follow it with: sluice watch " + id);
        return 0;
      }
      System.err.printf("started %s on task queue %s%s%n", id, temporal.taskQueue, what);
      return Watcher.watch(client, id, System.out);
    } finally {
      stubs.shutdown();
    }
  }

  /**
   * A feature set's backfill: one {@link io.sluice.workflows.FeatureSetWorkflow} run ending at
   * {@code --to} that computes every missing or stale date up to it (at {@code --parallelism}),
   * then splits and publishes once.
   */
  private int featureSet(String name) {
    if (!only.value().equals("all")) {
      throw new IllegalArgumentException(
          "--only-failed and --only-missing go with --dataset: a feature set's backfill computes"
              + " only the dates that are missing or stale");
    }
    ledger.pipelines.requireFeatureSet(name);
    Partitions.waitForData(waitForInputs);
    if (dryRun) {
      FeatureDatePlan plan =
          ledger.withDb(
              dsl ->
                  FeatureDatePlan.of(
                      dsl,
                      ledger.settings().config(name),
                      Partitions.requireDate(from),
                      Partitions.requireDate(to)));
      printPlan(System.out, name, plan, from, to);
      return 0;
    }
    String id = BackfillWorkflow.workflowId(name, from, to);
    return startAndFollow(
        id,
        String.format(
            ": the features of every missing or stale date of %s up to %s, then split and publish",
            name, to),
        client ->
            PipelineRuns.startFeatureSet(
                client,
                temporal.taskQueue,
                id,
                "backfill feature set " + name + " " + from + ".." + to,
                FeatureSetRequest.backfill(name, from, to, parallelism, waitForInputs)));
  }

  static void printPlan(
      PrintStream out, String name, FeatureDatePlan plan, String from, String to) {
    out.printf(
        "would compute %d feature date(s) of %s %s..%s (missing or stale): %s%n",
        plan.compute().size(), name, from, to, DateRanges.of(plan.compute()));
    if (!plan.earlier().isEmpty()) {
      out.printf(
          "and %d earlier date(s) missing or stale, which every run up to %s computes: %s%n",
          plan.earlier().size(), to, DateRanges.of(plan.earlier()));
    }
    if (!plan.current().isEmpty()) {
      out.printf(
          "up to date: %d date(s): %s%n", plan.current().size(), DateRanges.of(plan.current()));
    }
    if (!plan.notStaged().isEmpty()) {
      out.printf(
          "not staged (its dataset %s), not computed: %s; stage them with: sluice backfill"
              + " --dataset %s --from %s --to %s%n",
          plan.dataset(),
          DateRanges.of(plan.notStaged()),
          plan.dataset(),
          plan.notStaged().get(0),
          plan.notStaged().get(plan.notStaged().size() - 1));
    }
    plan.inputsMissing()
        .forEach(
            (input, dates) ->
                out.printf(
                    "computed without %s (not staged): %s; its staging later makes them stale%n",
                    input, DateRanges.of(dates)));
  }
}
