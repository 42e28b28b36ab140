package io.sluice.workflows;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input of {@link FeatureSetWorkflow}. JSON form, for {@code temporal workflow start --input}:
 * {@code {"featureSet":"customer_value","partitionDate":"2024-01-05"}}.
 *
 * @param partitionDate the feature date (yyyy-MM-dd); left out by a schedule, whose runs take the
 *     day before their scheduled time
 * @param waitForInputs how long to wait for the datasets the feature set reads to be staged for the
 *     date (ISO 8601 duration, e.g. {@code PT6H}); absent or {@code PT0S}: do not wait. Past it,
 *     the features are computed without a joined dataset that is still missing (the run says which,
 *     and its staging makes the date stale); a missing partition of the feature set's own dataset
 *     fails the run as {@code SourceLate}.
 * @param from with it, the run is a backfill of {@code from..partitionDate} ({@code sluice backfill
 *     --feature-set}): the same steps, named as a backfill; absent for one date
 * @param parallelism how many runs of feature dates the features step computes side by side (1 to
 *     {@link BackfillRequest#MAX_PARALLELISM}); absent: 1
 * @param unknownFields keys of the input that are none of the above, refused by name
 */
public record FeatureSetRequest(
    String featureSet,
    String partitionDate,
    String waitForInputs,
    @JsonInclude(JsonInclude.Include.NON_NULL) String from,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer parallelism,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  /** The input's shape, for messages. */
  public static final String SHAPE =
      "{\"featureSet\":\"customer_value\",\"partitionDate\":\"yyyy-MM-dd\"} (and optionally"
          + " \"waitForInputs\":\"PT6H\"; for a backfill of a range ending at partitionDate,"
          + " \"from\":\"yyyy-MM-dd\" and \"parallelism\":2)";

  public FeatureSetRequest {
    unknownFields = unknownFields == null ? new LinkedHashMap<>() : unknownFields;
  }

  public FeatureSetRequest(String featureSet, String partitionDate, String waitForInputs) {
    this(featureSet, partitionDate, waitForInputs, null, null, null);
  }

  /** A backfill of {@code from..to}, waiting up to {@code waitForInputs} for the inputs of to. */
  public static FeatureSetRequest backfill(
      String featureSet, String from, String to, int parallelism, String waitForInputs) {
    return new FeatureSetRequest(featureSet, to, waitForInputs, from, parallelism, null);
  }
}
