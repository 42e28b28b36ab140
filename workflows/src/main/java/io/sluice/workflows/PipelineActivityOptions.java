package io.sluice.workflows;

import io.sluice.workflows.activity.ActivityNames;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns per-activity settings into Temporal options. The workflow creates its stubs without
 * options, so these (registered with the workflow implementation) are the ones that apply.
 */
public final class PipelineActivityOptions {

  private PipelineActivityOptions() {}

  /** Defaults matching the worker's application.yml; used by tests and the demo. */
  public static Map<String, ActivitySettings> defaults() {
    Map<String, ActivitySettings> m = new LinkedHashMap<>();
    m.put(ActivityNames.INGEST, settings(Duration.ofHours(2), Duration.ofMinutes(2)));
    m.put(ActivityNames.VALIDATE, settings(Duration.ofMinutes(30), Duration.ofMinutes(1)));
    m.put(ActivityNames.STAGE, settings(Duration.ofHours(1), Duration.ofMinutes(1)));
    m.put(ActivityNames.COMPUTE_FEATURES, settings(Duration.ofHours(1), Duration.ofMinutes(1)));
    m.put(ActivityNames.SPLIT, settings(Duration.ofMinutes(30), Duration.ofMinutes(1)));
    m.put(ActivityNames.PUBLISH, settings(Duration.ofMinutes(30), Duration.ofMinutes(1)));
    m.put(ActivityNames.PROBE_SOURCE, settings(Duration.ofMinutes(1), Duration.ZERO));
    m.put(ActivityNames.RECORD_LATE, settings(Duration.ofMinutes(1), Duration.ZERO));
    m.put(ActivityNames.PLAN_BACKFILL, settings(Duration.ofMinutes(5), Duration.ZERO));
    m.put(ActivityNames.FIND_CHANGED, settings(Duration.ofHours(1), Duration.ofMinutes(1)));
    m.put(ActivityNames.PROBE_INPUTS, settings(Duration.ofMinutes(1), Duration.ZERO));
    return m;
  }

  private static ActivitySettings settings(Duration startToClose, Duration heartbeat) {
    return new ActivitySettings(
        startToClose, heartbeat, Duration.ofSeconds(2), Duration.ofMinutes(2), 2.0, 8);
  }

  public static ActivityOptions toOptions(ActivitySettings s) {
    ActivityOptions.Builder b =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(s.startToClose())
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(s.initialInterval())
                    .setMaximumInterval(s.maxInterval())
                    .setBackoffCoefficient(s.backoff())
                    .setMaximumAttempts(s.maxAttempts())
                    .setDoNotRetry(FailureTypes.NON_RETRYABLE.toArray(String[]::new))
                    .build());
    if (!s.heartbeat().isZero()) {
      b.setHeartbeatTimeout(s.heartbeat());
    }
    return b.build();
  }

  /** Implementation options carrying one {@link ActivityOptions} per activity type. */
  public static WorkflowImplementationOptions implementationOptions(
      Map<String, ActivitySettings> settings) {
    for (String name : ActivityNames.ALL) {
      if (!settings.containsKey(name)) {
        throw new IllegalArgumentException("no timeouts/retry settings for activity " + name);
      }
    }
    Map<String, ActivityOptions> options = new LinkedHashMap<>();
    settings.forEach((name, s) -> options.put(name, toOptions(s)));
    return WorkflowImplementationOptions.newBuilder().setActivityOptions(options).build();
  }
}
