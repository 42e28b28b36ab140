package io.sluice.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/**
 * Activity stubs for workflow code. Timeouts and retries come from the worker (per activity type);
 * a stub adds only the summary the Temporal UI shows on the call, such as {@code ingest orders
 * 2024-01-05}, instead of an activity id.
 */
final class Activities {

  private Activities() {}

  static <T> T labelled(Class<T> type, String summary) {
    return Workflow.newActivityStub(type, ActivityOptions.newBuilder().setSummary(summary).build());
  }
}
