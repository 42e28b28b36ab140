package io.sluice.activities.support;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;

/**
 * The workflow run an activity works for, as a report names it: a backfill's partitions run in the
 * backfill's workflow, so this is not always {@code sluice/<dataset>/<date>}. {@code historyUrl} is
 * null when no Temporal UI is configured.
 */
public record TemporalRun(
    String namespace, String workflowId, String workflowRunId, String historyUrl) {

  /** The run of the activity executing on this thread. */
  public static TemporalRun current(TemporalUi ui) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    return new TemporalRun(
        ui.namespace(),
        info.getWorkflowId(),
        info.getRunId(),
        ui.historyUrl(info.getWorkflowId(), info.getRunId()));
  }
}
