package io.sluice.starter;

import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.SearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Why finished runs did not complete (from their close events), and which failed runs a later
 * completed run of the same partition has superseded, so that nothing is left to do for them.
 */
final class RunFailures {

  private RunFailures() {}

  /** The statuses of a run that ended without completing. */
  static final Set<WorkflowExecutionStatus> ENDED_UNCOMPLETED =
      Set.of(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);

  /** A run's failure: the ApplicationFailure's type (or Terminated, TimedOut, Cancelled). */
  record Failure(String type, String message) {
    @Override
    public String toString() {
      return type + ": " + message;
    }
  }

  /** The failure {@code execution} closed with; null when it completed or has not closed. */
  static Failure of(WorkflowClient client, WorkflowExecution execution) {
    List<HistoryEvent> close =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(execution)
                    .setHistoryEventFilterType(
                        HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
                    .build())
            .getHistory()
            .getEventsList();
    return close.isEmpty() ? null : of(close.get(close.size() - 1));
  }

  static Failure of(HistoryEvent close) {
    return switch (close.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> {
        io.temporal.api.failure.v1.Failure f =
            close.getWorkflowExecutionFailedEventAttributes().getFailure();
        String type =
            f.hasApplicationFailureInfo() && !f.getApplicationFailureInfo().getType().isEmpty()
                ? f.getApplicationFailureInfo().getType()
                : f.getFailureInfoCase().name();
        yield new Failure(type, f.getMessage());
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> {
        String reason = close.getWorkflowExecutionTerminatedEventAttributes().getReason();
        yield new Failure("Terminated", reason.isBlank() ? "no reason given" : reason);
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
          new Failure("TimedOut", "the run took longer than its run or execution timeout");
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ->
          new Failure("Cancelled", "the run was cancelled");
      default -> null;
    };
  }

  /** The partition a run processed (null: it failed before it knew, or it is a backfill). */
  static LocalDate partition(WorkflowExecutionMetadata run) {
    if (!FeaturePipelineWorkflow.TYPE.equals(run.getWorkflowType())) {
      return null; // a backfill's partition attribute is the first date of its range
    }
    OffsetDateTime p = run.getTypedSearchAttributes().get(SearchAttributes.PARTITION_DATE);
    return p == null ? null : p.toLocalDate();
  }

  /**
   * For each of {@code runs} (of {@code dataset}) that failed and whose partition has since been
   * completed by another run (a new run, a rerun's reset run or a scheduled one), that completed
   * run, by the failed run's run id. One visibility query over the failures' partitions.
   */
  static Map<String, WorkflowExecutionMetadata> supersededBy(
      WorkflowClient client, String dataset, List<WorkflowExecutionMetadata> runs) {
    List<WorkflowExecutionMetadata> failed =
        runs.stream()
            .filter(r -> ENDED_UNCOMPLETED.contains(r.getStatus()))
            .filter(r -> partition(r) != null && r.getCloseTime() != null)
            .toList();
    if (failed.isEmpty()) {
      return Map.of();
    }
    LocalDate from =
        failed.stream().map(RunFailures::partition).min(Comparator.naturalOrder()).get();
    LocalDate to = failed.stream().map(RunFailures::partition).max(Comparator.naturalOrder()).get();
    String query =
        RunsCommand.query(dataset, "Completed", from.toString(), to.toString())
            + " AND WorkflowType = '"
            + FeaturePipelineWorkflow.TYPE
            + "'";
    Map<LocalDate, WorkflowExecutionMetadata> lastCompleted = new HashMap<>();
    client
        .listExecutions(query)
        .filter(r -> partition(r) != null && r.getCloseTime() != null)
        .forEach(
            r ->
                lastCompleted.merge(
                    partition(r), r, (a, b) -> a.getCloseTime().isAfter(b.getCloseTime()) ? a : b));
    Map<String, WorkflowExecutionMetadata> superseded = new HashMap<>();
    for (WorkflowExecutionMetadata r : failed) {
      WorkflowExecutionMetadata done = lastCompleted.get(partition(r));
      if (done != null && done.getCloseTime().isAfter(r.getCloseTime())) {
        superseded.put(r.getExecution().getRunId(), done);
      }
    }
    return superseded;
  }

  /** "superseded by <workflow id> (run <id>), completed <time>". */
  static String supersession(WorkflowExecutionMetadata completed) {
    return "superseded by "
        + completed.getExecution().getWorkflowId()
        + " (run "
        + completed.getExecution().getRunId()
        + "), completed "
        + completed.getCloseTime().toString().substring(0, 19);
  }
}
