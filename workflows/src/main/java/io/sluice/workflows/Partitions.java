package io.sluice.workflows;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/** Names and dates that reach file paths and SQL: validated once, the same way everywhere. */
public final class Partitions {

  private static final Pattern DATASET = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final LocalDate EARLIEST = LocalDate.of(1970, 1, 1);
  private static final LocalDate LATEST = LocalDate.of(2999, 12, 31);

  public static final int MAX_RANGE_DAYS = 3660;
  private static final Duration MAX_WAIT = Duration.ofDays(7);

  private Partitions() {}

  public static String workflowId(String dataset, String partitionDate) {
    return "sluice/" + dataset + "/" + partitionDate;
  }

  /** Throws {@link IllegalArgumentException} with a message a person can act on. */
  /**
   * Refuses an input that carried keys its record does not know (a typo such as {@code
   * partition_date}), naming them and the shape expected.
   */
  public static void requireKnownFields(java.util.Map<String, Object> unknown, String shape) {
    if (unknown != null && !unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "the input has field(s) "
              + new java.util.TreeSet<>(unknown.keySet())
              + " that are not part of it; expected "
              + shape);
    }
  }

  public static String requireDataset(String dataset) {
    if (dataset == null || !DATASET.matcher(dataset).matches()) {
      throw new IllegalArgumentException(
          "invalid dataset name '"
              + dataset
              + "': use lower-case letters, digits and '_', starting with a letter (e.g. orders)");
    }
    return dataset;
  }

  /** The partition a scheduled run processes: the UTC day before its scheduled time. */
  public static LocalDate partitionOfScheduledTime(OffsetDateTime scheduled) {
    return scheduled.atZoneSameInstant(ZoneOffset.UTC).toLocalDate().minusDays(1);
  }

  /** How long a run waits for its files: an ISO-8601 duration up to 7 days; null means zero. */
  public static Duration waitForData(String iso) {
    if (iso == null || iso.isBlank()) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = Duration.parse(iso);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid waitForData '" + iso + "': give an ISO-8601 duration such as PT6H or PT30M");
    }
    if (d.isNegative() || d.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          "waitForData " + iso + " is outside PT0S.." + MAX_WAIT + " (7 days)");
    }
    return d;
  }

  /**
   * The dates from..to inclusive, checked: from not after to, and at most {@link #MAX_RANGE_DAYS}
   * days (ten years).
   */
  public static List<LocalDate> range(String from, String to) {
    LocalDate f = requireDate(from);
    LocalDate t = requireDate(to);
    if (t.isBefore(f)) {
      throw new IllegalArgumentException("--from " + from + " is after --to " + to);
    }
    long days = ChronoUnit.DAYS.between(f, t) + 1;
    if (days > MAX_RANGE_DAYS) {
      throw new IllegalArgumentException(
          "range "
              + from
              + ".."
              + to
              + " has "
              + days
              + " days; at most "
              + MAX_RANGE_DAYS
              + " at once (split it)");
    }
    return f.datesUntil(t.plusDays(1)).toList();
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
