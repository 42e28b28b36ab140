package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The data sensor: whether a partition's files have landed, and recording that they did not. */
@ActivityInterface
public interface SourceActivities {

  /** Looks once; never waits. The workflow sleeps between probes, holding no worker slot. */
  @ActivityMethod(name = ActivityNames.PROBE_SOURCE)
  SourceProbe probe(PartitionRef partition);

  /** Writes the partition's ingest row in the ledger as {@code late} with the message. */
  @ActivityMethod(name = ActivityNames.RECORD_LATE)
  void recordLate(PartitionRef partition, String message);

  /**
   * Partitions of the last {@code source.late_days} days before this one that were ingested and
   * whose files are not the ones ingested any more (added, removed or rewritten since): late or
   * corrected data, in date order.
   */
  @ActivityMethod(name = ActivityNames.FIND_CHANGED)
  List<String> changedPartitions(PartitionRef partition);

  /**
   * @param ready at least one file matching the dataset's glob is in the directory
   * @param files files matching the glob
   * @param bytes their total size
   * @param directory where the files are expected
   */
  record SourceProbe(boolean ready, int files, long bytes, String directory) {}
}
