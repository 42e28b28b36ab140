package io.sluice.workflows;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Names and dates that reach file paths and SQL: validated once, the same way everywhere. */
public final class Partitions {

  private static final Pattern DATASET = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final LocalDate EARLIEST = LocalDate.of(1970, 1, 1);
  private static final LocalDate LATEST = LocalDate.of(2999, 12, 31);

  private Partitions() {}

  public static String workflowId(String dataset, String partitionDate) {
    return "sluice/" + dataset + "/" + partitionDate;
  }

  /** Throws {@link IllegalArgumentException} with a message a person can act on. */
  public static String requireDataset(String dataset) {
    if (dataset == null || !DATASET.matcher(dataset).matches()) {
      throw new IllegalArgumentException(
          "invalid dataset name '"
              + dataset
              + "': use lower-case letters, digits and '_', starting with a letter (e.g. orders)");
    }
    return dataset;
  }

  /** Parses an ISO date (yyyy-MM-dd) within a sane range. */
  public static LocalDate requireDate(String partitionDate) {
    if (partitionDate == null) {
      throw new IllegalArgumentException("partition date is missing: give it as yyyy-MM-dd");
    }
    LocalDate date;
    try {
      date = LocalDate.parse(partitionDate);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid partition date '"
              + partitionDate
              + "': give it as yyyy-MM-dd (e.g. 2024-01-05)");
    }
    if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          "partition date " + partitionDate + " is outside " + EARLIEST + ".." + LATEST);
    }
    return date;
  }
}
