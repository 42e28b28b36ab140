package io.sluice.workflows;

import io.temporal.common.SearchAttributeKey;
import java.time.OffsetDateTime;

/**
 * Custom search attributes Sluice sets on its runs. A server must have them registered (the
 * dev-services script does; docs/operations.md#visibility-search-attributes-and-temporal-recipes
 * for production clusters).
 */
public final class SearchAttributes {

  public static final SearchAttributeKey<String> DATASET =
      SearchAttributeKey.forKeyword("SluiceDataset");
  public static final SearchAttributeKey<OffsetDateTime> PARTITION_DATE =
      SearchAttributeKey.forOffsetDateTime("SluicePartitionDate");

  /**
   * The partition as {@code yyyy-MM-dd} (a backfill: its first date), for an exact lookup: {@code
   * SluicePartition = '2024-01-15'}. The dev server compares a Datetime attribute only by range.
   */
  public static final SearchAttributeKey<String> PARTITION =
      SearchAttributeKey.forKeyword("SluicePartition");

  public static final SearchAttributeKey<String> STAGE =
      SearchAttributeKey.forKeyword("SluiceStage");

  /** Set by Temporal on runs a schedule starts: the time the action was scheduled for. */
  public static final SearchAttributeKey<OffsetDateTime> SCHEDULED_START_TIME =
      SearchAttributeKey.forOffsetDateTime("TemporalScheduledStartTime");

  private SearchAttributes() {}
}
