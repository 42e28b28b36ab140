package io.sluice.workflows;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input of {@link BackfillWorkflow}. JSON form: {@code
 * {"dataset":"orders","from":"2024-01-01","to":"2024-03-31","parallelism":2}}.
 *
 * @param parallelism partitions ingested/validated/staged at once (default 2, at most 64)
 * @param only {@code all} (default), {@code failed} or {@code missing}: which partitions of the
 *     range to run, from the partition ledger
 * @param historyLimit continue as new once the run's history has this many events (default 2000, at
 *     least 50)
 * @param carry state handed over by continue-as-new; absent when a person starts the backfill
 * @param unknownFields keys of the input that are none of the above (a typo): kept, never
 *     serialised, so the run refuses them by name instead of failing to read its input
 */
public record BackfillRequest(
    String dataset,
    String from,
    String to,
    Integer parallelism,
    String only,
    Integer historyLimit,
    BackfillCarry carry,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  /** The input's shape, for messages. */
  public static final String SHAPE =
      "{\"dataset\":\"orders\",\"from\":\"yyyy-MM-dd\",\"to\":\"yyyy-MM-dd\"} (and optionally"
          + " \"parallelism\":2, \"only\":\"all|failed|missing\", \"historyLimit\":2000)";

  public BackfillRequest {
    unknownFields = unknownFields == null ? new LinkedHashMap<>() : unknownFields;
  }

  public BackfillRequest(
      String dataset,
      String from,
      String to,
      Integer parallelism,
      String only,
      Integer historyLimit,
      BackfillCarry carry) {
    this(dataset, from, to, parallelism, only, historyLimit, carry, null);
  }

  public static final int DEFAULT_PARALLELISM = 2;
  public static final int MAX_PARALLELISM = 64;
  public static final int DEFAULT_HISTORY_LIMIT = 2000;

  public BackfillRequest(String dataset, String from, String to, int parallelism, String only) {
    this(dataset, from, to, parallelism, only, null, null);
  }

  BackfillRequest withCarry(BackfillCarry next) {
    return new BackfillRequest(dataset, from, to, parallelism, only, historyLimit, next, null);
  }
}
