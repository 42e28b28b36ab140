package io.sluice.workflows;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param unknownFields keys of the input that are none of the above (a typo such as {@code
 *     partition_date}): kept, never serialised, so the run can refuse them by name instead of
 *     failing to read its input on every workflow task
 */
public record PipelineRequest(
    String dataset,
    String partitionDate,
    String waitForData,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  /** The input's shape, for messages. */
  public static final String SHAPE =
      "{\"dataset\":\"orders\",\"partitionDate\":\"yyyy-MM-dd\"} (and optionally"
          + " \"waitForData\":\"PT6H\")";

  public PipelineRequest {
    unknownFields = unknownFields == null ? new LinkedHashMap<>() : unknownFields;
  }

  public PipelineRequest(String dataset, String partitionDate, String waitForData) {
    this(dataset, partitionDate, waitForData, null);
  }

  public PipelineRequest(String dataset, String partitionDate) {
    this(dataset, partitionDate, null, null);
  }
}
