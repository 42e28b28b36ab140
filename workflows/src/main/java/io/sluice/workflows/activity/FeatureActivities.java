package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Computes point-in-time features for a partition date and fills labels that have matured. */
@ActivityInterface
public interface FeatureActivities {

  /**
   * @param parallelism how many connections a range of feature dates may be computed on side by
   *     side (a backfill passes its own parallelism; 0 from a task scheduled before this parameter
   *     existed means 1)
   */
  @ActivityMethod(name = ActivityNames.COMPUTE_FEATURES)
  FeatureResult computeFeatures(PartitionRef partition, int parallelism);

  /**
   * Which datasets a feature set reads (its own dataset first, then the joined ones) have no staged
   * partition of the date yet.
   */
  @ActivityMethod(name = ActivityNames.PROBE_INPUTS)
  InputsProbe probeInputs(PartitionRef partition);

  /**
   * @param dataset the dataset whose entity, population and label the feature set has
   * @param missing the datasets read whose partition of the date is not staged, as {@code <dataset>
   *     <date>}; the first is the feature set's own dataset when it is missing
   */
  record InputsProbe(String dataset, java.util.List<String> missing) {}

  /**
   * @param featureRows feature rows for the partition date
   * @param labelledRows of those, rows whose label is known
   * @param labelsFilled rows of earlier feature dates whose label this run filled in
   * @param datesComputed feature dates computed: 1 on a daily run, more after a past partition
   *     changed or the feature config did
   * @param gaps partitions inside the date's longest window (after the first staged one) that are
   *     not staged: its features were computed without them (absent in results recorded before)
   * @param failedDates earlier feature dates that failed on their data and were not computed: they
   *     are tried again once their data changes (absent in results recorded before)
   * @param missingInputs joined datasets whose partition of the date was not staged yet, as {@code
   *     <dataset> <date>}: the features were computed without it, and its staging makes them stale
   *     (absent in results recorded before)
   */
  record FeatureResult(
      long featureRows,
      long labelledRows,
      long labelsFilled,
      long datesComputed,
      java.util.List<String> gaps,
      java.util.List<String> failedDates,
      java.util.List<String> missingInputs) {

    public FeatureResult(
        long featureRows,
        long labelledRows,
        long labelsFilled,
        long datesComputed,
        java.util.List<String> gaps,
        java.util.List<String> failedDates) {
      this(
          featureRows,
          labelledRows,
          labelsFilled,
          datesComputed,
          gaps,
          failedDates,
          java.util.List.of());
    }

    public FeatureResult(
        long featureRows, long labelledRows, long labelsFilled, long datesComputed) {
      this(
          featureRows,
          labelledRows,
          labelsFilled,
          datesComputed,
          java.util.List.of(),
          java.util.List.of(),
          java.util.List.of());
    }
  }
}
