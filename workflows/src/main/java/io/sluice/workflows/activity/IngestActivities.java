package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Streams a partition's raw files into the immutable raw layer. */
@ActivityInterface
public interface IngestActivities {

  @ActivityMethod(name = ActivityNames.INGEST)
  IngestResult ingest(PartitionRef partition);

  /**
   * @param partitionVersion the partition's content version staging will read
   * @param filesSeen files found in the partition directory
   * @param filesNew files whose bytes had not been ingested before
   * @param rowsLoaded rows this attempt appended to raw (0 when nothing was new)
   * @param rawRows rows in the partition's current version
   */
  record IngestResult(
      int partitionVersion, int filesSeen, int filesNew, long rowsLoaded, long rawRows) {}
}
