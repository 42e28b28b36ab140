package io.sluice.workflows;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.Map;

/** The time-skipping test server as the workflow tests use it. */
final class TestTemporal {

  private TestTemporal() {}

  /** With Sluice's search attributes registered; the test registers its worker, then starts. */
  static TestWorkflowExtension extension() {
    return TestWorkflowExtension.newBuilder()
        .registerSearchAttribute("SluiceDataset", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute("SluiceStage", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute("SluicePartition", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(
            "SluicePartitionDate", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
        .setDoNotStart(true)
        .build();
  }

  /** The worker's activity settings with quick retries, at most {@code attempts}. */
  static Map<String, ActivitySettings> quickRetries(int attempts) {
    Map<String, ActivitySettings> settings = PipelineActivityOptions.defaults();
    settings.replaceAll(
        (k, s) ->
            new ActivitySettings(
                s.startToClose(),
                s.heartbeat(),
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                2.0,
                attempts));
    return settings;
  }
}
