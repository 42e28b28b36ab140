package io.sluice.workflows;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a run's workflow shows of itself as it goes: the stage it is in (search attribute and
 * details), the steps it finished with their counts (progress query and memo), its status and why
 * it failed. Shared by the workflows that run stages.
 */
final class StageRun {

  private final List<StageSummary> completed = new ArrayList<>();
  private final Map<String, Long> memoCounts = new LinkedHashMap<>();
  String name;
  String partitionDate;
  String currentStage = "starting";
  String status = "RUNNING";
  String failure;

  /**
   * Runs a stage's activity: the stage shown while it runs, its counts and {@code detail} recorded
   * when it ends; a failed activity fails the run non-retryably, saying {@code what} failed.
   *
   * @param what the run, as a failure names it, such as {@code orders partition 2024-01-05}
   */
  <R> R run(
      Stage s,
      String what,
      Supplier<R> activity,
      Function<R, Map<String, Long>> counts,
      Function<R, String> detail) {
    currentStage = s.label();
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(currentStage));
    Workflow.setCurrentDetails(name + " " + partitionDate + ": " + currentStage);
    long started = Workflow.currentTimeMillis();
    R result;
    try {
      result = activity.get();
    } catch (ActivityFailure e) {
      status = "FAILED";
      failure = String.format("%s failed for %s: %s", s.label(), what, ActivityFailures.message(e));
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          failure, ActivityFailures.type(e), e);
    }
    record(s.label(), counts.apply(result), started, detail.apply(result));
    return result;
  }

  /** A finished step: in the progress, the result and the run's memo. */
  void record(String step, Map<String, Long> counts, long started, String detail) {
    completed.add(
        new StageSummary(
            step, new LinkedHashMap<>(counts), Workflow.currentTimeMillis() - started, detail));
    counts.forEach((k, v) -> memoCounts.put(step + "." + k, v));
    // visible in `temporal workflow list`/`describe`, the UI and `sluice runs` without a worker
    // a scheduled run's input has no date: the memo shows the one it resolved, beside the counts
    Workflow.upsertMemo(
        Map.of(
            FeaturePipelineWorkflowImpl.MEMO_COUNTS,
            new LinkedHashMap<>(memoCounts),
            FeaturePipelineWorkflowImpl.MEMO_PARTITION,
            partitionDate));
  }

  /** The run has finished every stage. */
  void done() {
    currentStage = "done";
    status = "COMPLETED";
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(currentStage));
  }

  List<StageSummary> completed() {
    return List.copyOf(completed);
  }

  PipelineProgress progress() {
    return new PipelineProgress(
        name, partitionDate, currentStage, status, List.copyOf(completed), failure);
  }
}
