package io.sluice.workflows;

/**
 * Input of {@link FeaturePipelineWorkflow}: which partition to run. JSON form, for {@code temporal
 * workflow start --input}: {@code {"dataset":"orders","partitionDate":"2024-01-05"}}.
 *
 * @param partitionDate the partition (yyyy-MM-dd); left out by a schedule, whose runs process the
 *     day before their scheduled time ({@code TemporalScheduledStartTime}), so retries and resets
 *     of a run always process the same partition
 * @param waitForData how long to wait for the partition's files when they are not there yet (ISO
 *     8601 duration, e.g. {@code PT6H}); absent or {@code PT0S}: do not wait, a missing partition
 *     fails at once with {@code SourceMissing}. Past the deadline the run ends as {@code
 *     SourceLate}.
 */
public record PipelineRequest(String dataset, String partitionDate, String waitForData) {

  public PipelineRequest(String dataset, String partitionDate) {
    this(dataset, partitionDate, null);
  }
}
