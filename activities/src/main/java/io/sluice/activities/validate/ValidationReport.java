package io.sluice.activities.validate;

import java.util.List;

/** The machine-readable report of one validation: what was checked and what failed. */
public record ValidationReport(
    String dataset,
    String partitionDate,
    String runId,
    int partitionVersion,
    List<String> files,
    long rowCount,
    boolean success,
    int errorFailures,
    int warnFailures,
    List<Outcome> expectations,
    List<ColumnProfile> columns) {

  /** One expectation's outcome, with up to five distinct unexpected values as samples. */
  public record Outcome(
      String name,
      String type,
      String column,
      String severity,
      double mostly,
      long elementCount,
      long unexpectedCount,
      double unexpectedFraction,
      boolean success,
      String observed,
      List<String> unexpectedSamples) {}

  /**
   * A column of the partition: how many values are missing and, for numeric columns, their
   * distribution (20 equal-width bins between min and max).
   */
  public record ColumnProfile(
      String column,
      long rowCount,
      long nullCount,
      Double mean,
      Double min,
      Double max,
      List<Long> histogram) {

    public double nullFraction() {
      return rowCount == 0 ? 0.0 : (double) nullCount / rowCount;
    }
  }
}
