package io.sluice.starter;

import io.sluice.workflows.BackfillProgress;
import io.sluice.workflows.BackfillResult;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineProgress;
import io.sluice.workflows.PipelineResult;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Follows a run until it closes, showing its progress, then prints its summary. Leaving (Ctrl-C)
 * only detaches: the run goes on in Temporal.
 */
final class Watcher {

  /** How often the display is refreshed and the run checked for closing. */
  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * How often a backfill in its last steps (split, publish) is checked for closing, so that the
   * command returns within this of the run's end rather than within {@link #POLL}. Those steps take
   * seconds, and a check is one DescribeWorkflowExecution call.
   */
  private static final Duration CLOSING_POLL = Duration.ofMillis(100);

  /** The backfill phases after which only the run's close is left to wait for. */
  private static final Set<String> LAST_STEPS = Set.of("split", "publish", "done");

  private Watcher() {}

  /** Exit codes: 0 completed, 1 failed or completed with failures, 3 cancelled. */
  static int watch(WorkflowClient client, String workflowId, PrintStream out) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    String type = stub.describe().getWorkflowType();
    Thread detach =
        new Thread(
            () ->
                System.err.printf(
                    "%ndetached: %s keeps running. Reattach: sluice watch %s  Stop: sluice cancel"
                        + " %s%n",
                    workflowId, workflowId, workflowId));
    Runtime.getRuntime().addShutdownHook(detach);
    System.err.printf("following %s; Ctrl-C detaches, the run goes on%n", workflowId);
    try {
      return BackfillWorkflow.TYPE.equals(type)
          ? backfill(client, stub, workflowId, out)
          : pipeline(client, stub, workflowId, out);
    } finally {
      Runtime.getRuntime().removeShutdownHook(detach);
    }
  }

  private static int backfill(
      WorkflowClient client, WorkflowStub stub, String id, PrintStream out) {
    BackfillWorkflow typed = client.newWorkflowStub(BackfillWorkflow.class, id);
    Progress progress = new Progress(out, System.console() != null);
    while (true) {
      String phase = null;
      try {
        BackfillProgress p = typed.progress();
        progress.show(p);
        phase = p.phase();
      } catch (WorkflowException | io.grpc.StatusRuntimeException q) {
        // between runs of a continue-as-new, or no worker yet: the next tick will tell
      }
      // the display is refreshed once a second, the close checked as often as checkEvery says
      Duration every = checkEvery(phase);
      for (long waited = 0; waited < POLL.toMillis(); waited += every.toMillis()) {
        try {
          if (closed(stub)) {
            BackfillResult r = stub.getResult(BackfillResult.class);
            progress.finish();
            printBackfill(out, r);
            return "COMPLETED".equals(r.status()) ? 0 : "CANCELLED".equals(r.status()) ? 3 : 1;
          }
        } catch (WorkflowFailedException e) {
          progress.finish();
          return closedBadly(id, e);
        } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
          // a blip of the connection: poll again
        }
        pause(every);
      }
    }
  }

  /**
   * Whether the run (the latest of a continue-as-new chain) has closed: one
   * DescribeWorkflowExecution call, not a getResult long poll of the history, which costs the
   * server far more CPU (docs/adr/0010-the-watcher-asks-once-a-second.md).
   */
  private static boolean closed(WorkflowStub stub) {
    return stub.describe().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** How often a backfill in {@code phase} (null: not known) is checked for closing. */
  static Duration checkEvery(String phase) {
    return phase != null && LAST_STEPS.contains(phase) ? CLOSING_POLL : POLL;
  }

  private static void pause(Duration d) {
    try {
      TimeUnit.MILLISECONDS.sleep(d.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while following the run", interrupted);
    }
  }

  private static int pipeline(
      WorkflowClient client, WorkflowStub stub, String id, PrintStream out) {
    FeaturePipelineWorkflow typed = client.newWorkflowStub(FeaturePipelineWorkflow.class, id);
    String shown = "";
    while (true) {
      try {
        if (closed(stub)) {
          PipelineRuns.printSummary(out, stub.getResult(PipelineResult.class));
          return 0;
        }
      } catch (WorkflowFailedException e) {
        return closedBadly(id, e);
      } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
        // a blip of the connection: poll again
      }
      try {
        PipelineProgress p = typed.progress();
        String now = p.currentStage() + " (" + p.completed().size() + " steps done)";
        if (!now.equals(shown)) {
          out.println(id + ": " + now);
          shown = now;
        }
      } catch (WorkflowException | io.grpc.StatusRuntimeException q) {
        // no worker answered yet
      }
      pause(POLL);
    }
  }

  private static int closedBadly(String id, WorkflowFailedException e) {
    if (e.getCause() instanceof CanceledFailure) {
      System.err.println(id + " was cancelled");
      return 3;
    }
    System.err.println(id + " failed: " + SluiceCli.failureMessage(e));
    System.err.println("inspect it with: sluice status " + id);
    return 1;
  }

  static void printBackfill(PrintStream out, BackfillResult r) {
    out.printf(
        "backfill %s %s..%s %s: %d of %d partition(s) staged, %,d rows, %s%s%n",
        r.dataset(),
        r.from(),
        r.to(),
        r.status(),
        r.partitionsDone(),
        r.partitionsRun(),
        r.rowsStaged(),
        Progress.human(r.elapsedMillis()),
        r.continuations() > 0 ? " (" + r.continuations() + " continue-as-new)" : "");
    for (Map.Entry<String, String> f : r.failed().entrySet()) {
      out.printf("  FAILED %s: %s%n", f.getKey(), f.getValue());
    }
    if (!r.noSource().isEmpty()) {
      out.printf("  MISSING (no files): %s%n", io.sluice.workflows.DateRanges.ofIso(r.noSource()));
    }
    if (r.featuresThrough() != null && r.featureSetVersion() == 0) {
      out.println("  features: none declared (add features, label and split to compute them)");
    } else if (r.featuresThrough() != null) {
      out.printf(
          "  features: %d date(s) computed, through %s; export %s%n",
          r.featureDatesComputed(),
          r.featuresThrough(),
          PipelineRuns.exportText(r.exportPath(), r.featureSetVersion()));
    }
    if (r.blockedBy() != null) {
      out.printf(
          "  blocked: feature dates %s..%s read partition %s, which failed or is missing;"
              + " after fixing it run: sluice backfill --dataset %s --from %s --to %s"
              + " --only-failed%n",
          r.blockedBy(), r.to(), r.blockedBy(), r.dataset(), r.from(), r.to());
    }
  }
}
