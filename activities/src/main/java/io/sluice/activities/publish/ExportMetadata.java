package io.sluice.activities.publish;

import java.util.List;
import java.util.Map;

/** {@code metadata.json} beside an export: deterministic, so a re-run writes the same bytes. */
public record ExportMetadata(
    String dataset,
    int version,
    String asOfDate,
    String configHash,
    String sqlHash,
    String codeVersion,
    String entityKey,
    Label label,
    List<Column> columns,
    Map<String, SplitInfo> splits,
    TimeBounds timeBounds,
    Map<String, Stats> trainingStatistics,
    // absent without declared transforms, so such an export's metadata reads as it always did
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        io.sluice.activities.transform.Transforms.Spec transforms,
    String runId) {

  /**
   * The feature dates exported (first and last, over all splits) and the knowledge cutoff: the end
   * of the last partition any exported value depends on (a label of the last date reads the
   * partitions up to that date plus the horizon), never after the end of {@code asOfDate}.
   */
  public record TimeBounds(
      String firstFeatureDate, String lastFeatureDate, String knowledgeCutoff) {}

  public record Label(String name, int horizonDays) {}

  /**
   * An exported column; {@code knowledgeCutoff} is the last partition any of its values depends on
   * (absent in the registry's copy of the columns).
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Column(String name, String type, String description, String knowledgeCutoff) {}

  /**
   * A split's dates (inclusive), its rows and how many of them have the label 1, and its files: CSV
   * and Parquet, same rows.
   */
  public record SplitInfo(
      String fromDate,
      String toDate,
      long rows,
      long positiveLabels,
      String file,
      String parquetFile) {}

  public record Stats(Double mean, Double stddev, Double min, Double max, double nullFraction) {}
}
