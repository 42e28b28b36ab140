package io.sluice.activities.validate;

import io.sluice.activities.support.TemporalRun;
import java.util.List;

/**
 * The machine-readable report of one validation: what was checked and what failed, and the workflow
 * run it was made for. Staging adds what it quarantined ({@code quarantine}, null until then), so
 * the run's HTML report can be drawn again from this alone.
 */
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
    List<ColumnProfile> columns,
    TemporalRun temporal,
    Quarantine quarantine) {

  public ValidationReport withQuarantine(Quarantine q) {
    return new ValidationReport(
        dataset,
        partitionDate,
        runId,
        partitionVersion,
        files,
        rowCount,
        success,
        errorFailures,
        warnFailures,
        expectations,
        columns,
        temporal,
        q);
  }

  /**
   * One expectation's outcome, with up to five distinct unexpected values as samples, and what the
   * expectation asks in words ({@code expects}; null in reports written before it was kept).
   */
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
      List<String> unexpectedSamples,
      String expects) {}

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

  /**
   * What staging made of the partition: its counts, which reconcile as raw = quarantined + staged +
   * duplicates, and the quarantined rows per reason, most frequent first (a row counts under each
   * of its reasons). For an events dataset, which stages every valid row, {@code repeatedKeys}
   * counts the staged rows that share their primary key with another row of the partition (null for
   * facts and dimensions, whose later line of a key wins and the others count as duplicates).
   */
  public record Quarantine(
      long rawRows,
      long quarantinedRows,
      long stagedRows,
      long duplicateRows,
      List<ReasonCount> reasons,
      Long repeatedKeys) {}

  public record ReasonCount(String reason, long rows) {}
}
