package io.sluice.activities.publish;

import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Outputs;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;

/**
 * Export snapshots of a feature-set version: {@code v<N>/<as-of>_<run id>/}, never changed once
 * renamed into place, and {@code v<N>/latest}, a relative symbolic link to the snapshot of the
 * latest as-of date. A reader that opens {@code latest/train.parquet} gets one whole snapshot.
 */
final class Snapshots {

  static final String LATEST = "latest";

  private Snapshots() {}

  /** The snapshot directory's name: the as-of date first, so names sort by it. */
  static String name(LocalDate asOf, String runId) {
    return asOf + "_" + runId;
  }

  /** The as-of date a snapshot's name starts with. */
  static LocalDate asOf(String snapshot) {
    return LocalDate.parse(snapshot.substring(0, 10));
  }

  /**
   * Points {@code latest} at {@code snapshot} unless it points at a later as-of date already: a
   * backfill of an older date adds its snapshot and leaves {@code latest} where it is. The link is
   * made under a temporary name and renamed over the old one, so a reader sees the old or the new.
   */
  static void pointLatest(Path versionDir, String snapshot, PartitionRef ref, LocalDate asOf) {
    Path latest = versionDir.resolve(LATEST);
    Path tmp = versionDir.resolve("." + LATEST + "." + ref.runId() + ".tmp");
    try {
      if (Files.isSymbolicLink(latest)) {
        String current = Files.readSymbolicLink(latest).toString();
        if (asOf(current).isAfter(asOf)) {
          return;
        }
      }
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, Path.of(snapshot));
      Files.move(tmp, latest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Outputs.deleteQuietly(tmp);
      throw Failures.of(
          FailureTypes.OUTPUT_FAILED,
          "cannot point "
              + latest
              + " at "
              + snapshot
              + " for "
              + ref.dataset()
              + "/"
              + asOf
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "; the snapshot itself is complete; check that the directory is writable",
          e);
    }
  }
}
