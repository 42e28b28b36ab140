package io.sluice.workflows;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param unknownFields keys of the input that are none of the above, refused by name
 */
public record FeatureSetRequest(
    String featureSet,
    String partitionDate,
    String waitForInputs,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  /** The input's shape, for messages. */
  public static final String SHAPE =
      "{\"featureSet\":\"customer_value\",\"partitionDate\":\"yyyy-MM-dd\"} (and optionally"
          + " \"waitForInputs\":\"PT6H\")";

  public FeatureSetRequest {
    unknownFields = unknownFields == null ? new LinkedHashMap<>() : unknownFields;
  }

  public FeatureSetRequest(String featureSet, String partitionDate, String waitForInputs) {
    this(featureSet, partitionDate, waitForInputs, null);
  }
}
