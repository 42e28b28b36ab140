package io.sluice.starter;

import io.sluice.workflows.BackfillWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Following and steering runs that are already going. */
final class ControlCommands {

  private ControlCommands() {}

  /** Connects, does {@code action}, disconnects. */
  static int with(
      TemporalOptions temporal, BiConsumer<WorkflowClient, WorkflowServiceStubs> action) {
    WorkflowServiceStubs stubs = temporal.stubs();
    try {
      action.accept(temporal.client(stubs), stubs);
      return 0;
    } finally {
      stubs.shutdown();
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = {
        "Follow a backfill or a partition's run until it ends, with live progress.",
        "Ctrl-C only detaches. Exit 0 completed, 1 failed or completed with failures, 3"
            + " cancelled."
      })
  static final class Watch implements Callable<Integer> {
    @Parameters(
        index = "0",
        description = "Workflow id, e.g. sluice-backfill/orders/2024-01-01..2024-03-31.")
    String workflowId;

    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() {
      WorkflowServiceStubs stubs = temporal.stubs();
      try {
        return Watcher.watch(temporal.client(stubs), workflowId, System.out);
      } finally {
        stubs.shutdown();
      }
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = {
        "Stop a backfill after its running partitions, or any run at once with --now.",
        "A backfill starts no new partition, lets the running ones finish and ends as CANCELLED"
            + " without computing features. --now cancels any run through Temporal at once."
      })
  static final class Cancel implements Callable<Integer> {
    @Parameters(index = "0", description = "Workflow id.")
    String workflowId;

    @Option(names = "--now", description = "Temporal cancellation: stop at once, any workflow.")
    boolean now;

    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() {
      return with(
          temporal,
          (client, stubs) -> {
            if (now) {
              client.newUntypedWorkflowStub(workflowId).cancel();
              System.out.println("cancellation requested for " + workflowId);
            } else {
              System.out.println(
                  workflowId
                      + ": "
                      + updated(
                          () ->
                              client
                                  .newWorkflowStub(BackfillWorkflow.class, workflowId)
                                  .cancelUpdate()));
            }
          });
    }
  }

  /**
   * An update of a running backfill, so a refusal (a parallelism out of range, a resume of a run
   * that is not paused) comes back to the caller as an error, exit 2.
   */
  static String updated(java.util.function.Supplier<String> update) {
    try {
      return update.get();
    } catch (io.temporal.client.WorkflowUpdateException e) {
      throw new IllegalArgumentException(SluiceCli.rootMessage(e), e);
    }
  }

  /** An update of a running backfill. */
  abstract static class BackfillSignal implements Callable<Integer> {
    @Parameters(index = "0", description = "Backfill workflow id.")
    String workflowId;

    @Mixin TemporalOptions temporal;

    abstract String send(BackfillWorkflow backfill);

    @Override
    public Integer call() {
      return with(
          temporal,
          (client, stubs) ->
              System.out.println(
                  workflowId
                      + ": "
                      + updated(
                          () -> send(client.newWorkflowStub(BackfillWorkflow.class, workflowId)))));
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Pause a backfill: no new partition starts; running ones finish.")
  static final class Pause extends BackfillSignal {
    @Override
    String send(BackfillWorkflow backfill) {
      return backfill.pauseUpdate() + " (resume with: sluice resume " + workflowId + ")";
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Resume a paused backfill.")
  static final class Resume extends BackfillSignal {
    @Override
    String send(BackfillWorkflow backfill) {
      return backfill.resumeUpdate();
    }
  }

  @Command(
      name = "resize",
      mixinStandardHelpOptions = true,
      description = "Change how many partitions a running backfill runs at once.")
  static final class Resize extends BackfillSignal {
    @Parameters(index = "1", description = "New parallelism, 1..64.")
    int parallelism;

    @Override
    String send(BackfillWorkflow backfill) {
      return backfill.resizeUpdate(parallelism);
    }
  }
}
