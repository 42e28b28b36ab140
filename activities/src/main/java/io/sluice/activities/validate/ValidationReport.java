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
    List<Outcome> expectations) {

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
      List<String> unexpectedSamples) {}
}
