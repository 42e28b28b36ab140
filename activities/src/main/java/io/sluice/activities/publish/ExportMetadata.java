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
    Map<String, Stats> trainingStatistics) {

  /**
   * The feature dates exported (first and last, over all splits) and the knowledge cutoff: no row
   * used data received after partition {@code asOfDate}, whose end this is.
   */
  public record TimeBounds(
      String firstFeatureDate, String lastFeatureDate, String knowledgeCutoff) {}

  public record Label(String name, int horizonDays) {}

  public record Column(String name, String type, String description) {}

  /** A split's dates (inclusive), its rows, and its files: CSV and Parquet, same rows. */
  public record SplitInfo(
      String fromDate, String toDate, long rows, String file, String parquetFile) {}

  public record Stats(Double mean, Double stddev, Double min, Double max, double nullFraction) {}
}
