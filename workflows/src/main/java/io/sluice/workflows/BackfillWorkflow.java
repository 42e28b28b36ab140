package io.sluice.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A range of partitions, dependency-aware: ingest, validate and stage every partition (up to {@code
 * parallelism} at once), then the features of the whole range in one set-based pass, then split and
 * publish once. A partition that fails (or whose files are missing) blocks only the feature dates
 * from it on, which read it; the summary names it. Workflow id {@code
 * sluice-backfill/<dataset>/<from>..<to>}.
 */
@WorkflowInterface
public interface BackfillWorkflow {

  String TYPE = "BackfillWorkflow";

  @WorkflowMethod(name = TYPE)
  BackfillResult run(BackfillRequest request);

  /** Starts no new partition until {@link #resume}; running ones finish. */
  @SignalMethod(name = "pause")
  void pause();

  @SignalMethod(name = "resume")
  void resume();

  /** Changes how many partitions run at once (1..64). */
  @SignalMethod(name = "resize")
  void resize(int parallelism);

  /**
   * Starts no new partition, lets the running ones finish and ends without computing features
   * (status CANCELLED). A Temporal cancellation ({@code temporal workflow cancel}) stops at once.
   */
  @SignalMethod(name = "cancel")
  void cancel();

  /**
   * The controls as updates, under the signals' names: a caller learns at once whether the request
   * was taken, and why not (a parallelism outside 1..64, a resume of a run that is not paused, a
   * pause after the partitions). The signals stay for the callers that send them; an invalid one is
   * ignored, and the run's current details say so.
   */
  @UpdateMethod(name = "pause")
  String pauseUpdate();

  @UpdateValidatorMethod(updateName = "pause")
  void validatePause();

  @UpdateMethod(name = "resume")
  String resumeUpdate();

  @UpdateValidatorMethod(updateName = "resume")
  void validateResume();

  @UpdateMethod(name = "resize")
  String resizeUpdate(int parallelism);

  @UpdateValidatorMethod(updateName = "resize")
  void validateResize(int parallelism);

  @UpdateMethod(name = "cancel")
  String cancelUpdate();

  @UpdateValidatorMethod(updateName = "cancel")
  void validateCancel();

  @QueryMethod(name = "progress")
  BackfillProgress progress();

  static String workflowId(String dataset, String from, String to) {
    return "sluice-backfill/" + dataset + "/" + from + ".." + to;
  }
}
