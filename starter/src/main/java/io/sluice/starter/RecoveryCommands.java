package io.sluice.starter;

import io.sluice.workflows.BackfillWorkflowImpl;
import io.sluice.workflows.FeaturePipelineWorkflowImpl;
import io.sluice.workflows.PipelineActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Recovering failed runs (reset) and checking recorded histories against today's code. */
final class RecoveryCommands {

  private RecoveryCommands() {}

  /** The workflow implementations a history may have been made by. */
  static final Class<?>[] WORKFLOWS = {
    FeaturePipelineWorkflowImpl.class,
    BackfillWorkflowImpl.class,
    io.sluice.workflows.FeatureSetWorkflowImpl.class
  };

  /**
   * Replays {@code history} on this build's workflow code, registered as a worker registers it
   * (with the activity options); throws when the code no longer produces the recorded commands.
   */
  public static void replay(WorkflowExecutionHistory history) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker("sluice-replay");
      worker.registerWorkflowImplementationTypes(
          PipelineActivityOptions.implementationOptions(PipelineActivityOptions.defaults()),
          WORKFLOWS);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  /**
   * The event to reset a failed run to: the workflow task that scheduled the activity whose failure
   * failed the run, so the reset run re-executes that activity and everything after it.
   */
  static long resetPoint(List<HistoryEvent> history) {
    long failedScheduled = -1;
    for (HistoryEvent e : history) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) {
        failedScheduled = e.getActivityTaskFailedEventAttributes().getScheduledEventId();
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
        failedScheduled = e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
      }
    }
    if (failedScheduled < 0) {
      return -1;
    }
    for (HistoryEvent e : history) {
      if (e.getEventId() == failedScheduled) {
        return e.getActivityTaskScheduledEventAttributes().getWorkflowTaskCompletedEventId();
      }
    }
    return -1;
  }

  /** Resets the latest run of {@code workflowId} to before its failed activity; the new run id. */
  static String rerun(WorkflowClient client, WorkflowServiceStubs stubs, String workflowId) {
    String ns = client.getOptions().getNamespace();
    var info =
        stubs
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(ns)
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build())
            .getWorkflowExecutionInfo();
    WorkflowExecutionStatus status = info.getStatus();
    if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
        && status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT) {
      throw new IllegalArgumentException(
          workflowId
              + " is "
              + RunsCommand.status(status)
              + ", not failed: only a failed run is rerun (start a new one with sluice run)");
    }
    WorkflowExecution exec = info.getExecution();
    List<HistoryEvent> events = client.fetchHistory(workflowId, exec.getRunId()).getEvents();
    long point = resetPoint(events);
    if (point < 0) {
      throw new IllegalArgumentException(
          workflowId + " failed before any activity (its input?): start it again with sluice run");
    }
    return stubs
        .blockingStub()
        .resetWorkflowExecution(
            ResetWorkflowExecutionRequest.newBuilder()
                .setNamespace(ns)
                .setWorkflowExecution(exec)
                .setWorkflowTaskFinishEventId(point)
                .setReason("sluice rerun: re-execute from the failed stage")
                .setRequestId(UUID.randomUUID().toString())
                .build())
        .getRunId();
  }

  @Command(
      name = "rerun",
      mixinStandardHelpOptions = true,
      description = {
        "Reset a failed run to just before its failed stage, after a data or code fix.",
        "A Temporal reset: the stages that succeeded are kept, the failed one and the rest run"
            + " again. With --failed --dataset [--from --to]: every failed run of those partitions"
            + " that no later completed run of the same partition superseded (those are listed as"
            + " skipped); one that cannot be rerun is reported and the rest go on (exit 1)."
      })
  static final class Rerun implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "Workflow id of a failed run.")
    String workflowId;

    @Option(
        names = "--failed",
        description = "Rerun every failed, not superseded run of --dataset in the range.")
    boolean failed;

    @Option(names = "--dataset", description = "With --failed: the dataset.")
    String dataset;

    @Option(names = "--from", description = "With --failed: first partition date.")
    String from;

    @Option(names = "--to", description = "With --failed: last partition date.")
    String to;

    @Option(names = "--dry-run", description = "With --failed: list the runs, reset nothing.")
    boolean dryRun;

    @Option(names = "--wait", description = "Follow the reset run(s) until they end.")
    boolean await;

    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() {
      if ((workflowId == null) == !failed || failed && dataset == null) {
        throw new IllegalArgumentException(
            "give a workflow id (sluice rerun sluice/orders/2024-01-05) or --failed --dataset"
                + " orders [--from --to]");
      }
      WorkflowServiceStubs stubs = temporal.stubs();
      try {
        WorkflowClient client = temporal.client(stubs);
        if (workflowId != null) {
          String runId = rerun(client, stubs, workflowId);
          System.out.printf(
              "%s: reset to before its failed stage; new run %s%n", workflowId, runId);
          return await ? Watcher.watch(client, workflowId, System.out) : 0;
        }
        return rerunFailed(client, stubs);
      } finally {
        stubs.shutdown();
      }
    }

    /**
     * Every failed partition run of the range whose failure no later completed run superseded; a
     * run that cannot be rerun is reported and the rest go on. Exit 1 when any was not rerun.
     */
    private int rerunFailed(WorkflowClient client, WorkflowServiceStubs stubs) {
      String query = RunsCommand.query(dataset, true, from, to);
      List<WorkflowExecutionMetadata> failures =
          client.listExecutions(query).limit(RunsCommand.SCAN_LIMIT).toList();
      Map<String, WorkflowExecutionMetadata> superseded =
          RunFailures.supersededBy(client, dataset, failures);
      // the latest failure of each workflow id decides whether it is rerun
      Map<String, WorkflowExecutionMetadata> latest = new LinkedHashMap<>();
      for (WorkflowExecutionMetadata f : failures) {
        latest.merge(
            f.getExecution().getWorkflowId(),
            f,
            (a, b) -> a.getCloseTime().isAfter(b.getCloseTime()) ? a : b);
      }
      List<String> ids = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      latest.forEach(
          (id, f) -> {
            WorkflowExecutionMetadata by = superseded.get(f.getExecution().getRunId());
            if (by == null) {
              ids.add(id);
            } else {
              skipped.add("skipped " + id + ": " + RunFailures.supersession(by));
            }
          });
      System.out.printf(
          "%d failed run(s) where %s: %d to rerun, %d already superseded by a later completed run"
              + " of the same partition%n",
          latest.size(), query, ids.size(), skipped.size());
      skipped.forEach(System.out::println);
      int code = 0;
      List<String> notRerun = new ArrayList<>();
      for (String id : ids) {
        if (dryRun) {
          System.out.println("would rerun " + id);
          continue;
        }
        try {
          String runId = rerun(client, stubs, id);
          System.out.printf("%s: reset to before its failed stage; new run %s%n", id, runId);
        } catch (IllegalArgumentException | io.grpc.StatusRuntimeException e) {
          System.out.println("not rerun " + id + ": " + e.getMessage());
          notRerun.add(id);
          continue;
        }
        if (await) {
          code = Math.max(code, Watcher.watch(client, id, System.out));
        }
      }
      if (!notRerun.isEmpty()) {
        System.err.printf(
            "sluice: %d of %d failed run(s) could not be rerun: %s%n",
            notRerun.size(), ids.size(), String.join(", ", notRerun));
        code = Math.max(code, 1);
      }
      return code;
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Check that a recorded history replays on this build's workflow code.",
        "Says whether it is deterministic (exit 0) or not (exit 1). Give a workflow id (fetched"
            + " from the server) or a history JSON file (temporal workflow show -w <id> --output"
            + " json > h.json)."
      })
  static final class Replay implements Callable<Integer> {
    @Parameters(index = "0", description = "Workflow id, or a path to a history .json file.")
    String source;

    @Option(names = "--run-id", description = "With a workflow id: that run (default latest).")
    String runId;

    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() throws Exception {
      WorkflowExecutionHistory history;
      Path file = Path.of(source);
      if (source.endsWith(".json") && Files.exists(file)) {
        history = WorkflowExecutionHistory.fromJson(read(file));
      } else {
        WorkflowServiceStubs stubs = temporal.stubs();
        try {
          history = temporal.client(stubs).fetchHistory(source, runId);
        } finally {
          stubs.shutdown();
        }
      }
      try {
        replay(history);
      } catch (Exception e) {
        System.out.printf(
            "NOT deterministic: %s (%d events) no longer replays on this code: %s%n",
            source, history.getEvents().size(), SluiceCli.rootMessage(e));
        return 1;
      }
      System.out.printf(
          "deterministic: %s (%d events, %s) replays on this code%n",
          source,
          history.getEvents().size(),
          history
              .getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getWorkflowType()
              .getName());
      return 0;
    }

    private static String read(Path file) throws IOException {
      return Files.readString(file);
    }
  }
}
