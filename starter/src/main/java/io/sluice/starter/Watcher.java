package io.sluice.starter;

import io.sluice.workflows.BackfillResult;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineProgress;
import io.sluice.workflows.PipelineResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows a run until it closes, showing its progress, then prints its summary. Leaving (Ctrl-C)
 * only detaches: the run goes on in Temporal.
 */
final class Watcher {

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
      try {
        progress.show(typed.progress());
      } catch (WorkflowException | io.grpc.StatusRuntimeException q) {
        // between runs of a continue-as-new, or no worker yet: the next tick will tell
      }
      try {
        BackfillResult r = stub.getResult(1, TimeUnit.SECONDS, BackfillResult.class);
        progress.finish();
        printBackfill(out, r);
        return "COMPLETED".equals(r.status()) ? 0 : "CANCELLED".equals(r.status()) ? 3 : 1;
      } catch (TimeoutException e) {
        // still running: show the progress again
      } catch (WorkflowFailedException e) {
        progress.finish();
        return closedBadly(id, e);
      } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
        transientError(e);
      }
    }
  }

  /** A busy workflow or a blip of the connection: wait a moment and poll again. */
  private static void transientError(RuntimeException e) {
    try {
      TimeUnit.MILLISECONDS.sleep(500);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  private static int pipeline(
      WorkflowClient client, WorkflowStub stub, String id, PrintStream out) {
    FeaturePipelineWorkflow typed = client.newWorkflowStub(FeaturePipelineWorkflow.class, id);
    String shown = "";
    while (true) {
      try {
        PipelineRuns.printSummary(out, stub.getResult(1, TimeUnit.SECONDS, PipelineResult.class));
        return 0;
      } catch (TimeoutException e) {
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
      } catch (WorkflowFailedException e) {
        return closedBadly(id, e);
      } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
        transientError(e);
      }
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
    if (r.featuresThrough() != null) {
      out.printf(
          "  features: %d date(s) computed, through %s; feature set v%d at %s%n",
          r.featureDatesComputed(), r.featuresThrough(), r.featureSetVersion(), r.exportPath());
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
