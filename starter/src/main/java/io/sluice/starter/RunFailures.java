package io.sluice.starter;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import java.util.List;

/** Why finished runs did not complete, from their close events. */
final class RunFailures {

  private RunFailures() {}

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
}
