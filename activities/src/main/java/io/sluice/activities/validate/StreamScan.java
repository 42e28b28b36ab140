package io.sluice.activities.validate;

import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.JavaReads;
import io.sluice.activities.dataset.RowJudge;
import io.sluice.activities.stage.Candidates;
import io.sluice.activities.validate.ColumnProfiles.Spread;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Validation's single scan counted by the worker while it judges the rows (the same counts as the
 * SQL scan of {@link ValidateActivitiesImpl}, from the same reads: {@link Reads} in Java): each
 * row-level expectation's checked and unexpected values, the latest event time, each column's
 * missing values and each numeric column's mean, minimum and maximum. When a read is one Java
 * cannot be sure to agree with PostgreSQL on (a case fold beyond ASCII, a pattern outside the
 * common core, text that is not printable ASCII under a pattern), the counts are {@linkplain
 * #decided() undecided} and validation scans the judged rows in SQL instead. {@code
 * StreamScanDifferentialTest} holds the two to the same counts.
 */
final class StreamScan implements Candidates.RowObserver {

  private static final int NOT_CHECKED = 0;
  private static final int PASSED = 1;
  private static final int FAILED = 2;
  private static final int UNDECIDED = 3;

  /** One row-level expectation as a test of one row. */
  private interface RowTest {
    int test(String[] received, RowJudge.Verdict v);
  }

  private final DatasetSchema schema;
  private final RowTest[] tests;
  private final int eventTime;
  private final int[] numeric;
  private boolean decided;

  private long rows;
  private final long[] checked;
  private final long[] unexpected;
  private final long[] nulls;
  private final long[] present;
  private final double[] sum;
  private final double[] min;
  private final double[] max;
  // OffsetDateTime.MIN until an event time in bounds is seen (a first-row branch would send the
  // next partition's first row back to the interpreter)
  private OffsetDateTime latest = OffsetDateTime.MIN;
  // per numeric column, how often each distinct value occurred (for its histogram)
  private final DoubleCounts[] distinct;

  /** A value beyond which the SQL's average, not Java's, decides (its squares may overflow). */
  private static final double HUGE = 1e150;

  /** Distinct values per column beyond which its histogram is left to a grouping in SQL. */
  static final int MAX_DISTINCT = 100_000;

  StreamScan(DatasetSchema schema, List<Expectation.RowLevel> rowLevel) {
    this.schema = schema;
    this.tests = new RowTest[rowLevel.size()];
    boolean all = true;
    for (int k = 0; k < tests.length; k++) {
      tests[k] = test(rowLevel.get(k));
      all &= tests[k] != null;
    }
    this.decided = all;
    this.eventTime = schema.names().indexOf(schema.eventTime());
    List<String> numericNames = schema.numericColumns();
    this.numeric = numericNames.stream().mapToInt(schema.names()::indexOf).toArray();
    this.checked = new long[tests.length];
    this.unexpected = new long[tests.length];
    this.nulls = new long[schema.names().size()];
    this.present = new long[numeric.length];
    this.sum = new double[numeric.length];
    this.min = new double[numeric.length];
    this.max = new double[numeric.length];
    this.distinct = new DoubleCounts[numeric.length];
    for (int n = 0; n < numeric.length; n++) {
      distinct[n] = new DoubleCounts(MAX_DISTINCT);
    }
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  /** Whether every count was made in Java: false when the SQL must scan instead. */
  boolean decided() {
    return decided;
  }

  /** What was counted (meaningful when {@link #decided()}). */
  ValidateActivitiesImpl.Counts counts() {
    return new ValidateActivitiesImpl.Counts(
        rows,
        checked.clone(),
        unexpected.clone(),
        latest == OffsetDateTime.MIN ? null : latest,
        nulls.clone(),
        spreads(),
        distinct());
  }

  /**
   * Each numeric column's spread, as the SQL's {@code avg}, {@code min} and {@code max} give it.
   */
  private Map<String, Spread> spreads() {
    Map<String, Spread> out = new LinkedHashMap<>();
    for (int n = 0; n < numeric.length; n++) {
      String column = schema.names().get(numeric[n]);
      out.put(
          column,
          present[n] == 0
              ? new Spread(null, null, null)
              : new Spread(sum[n] / present[n], min[n], max[n]));
    }
    return out;
  }

  /**
   * Per numeric column whose distinct values were at most {@link #MAX_DISTINCT}: how often each
   * occurred.
   */
  private Map<String, Map<Double, Long>> distinct() {
    Map<String, Map<Double, Long>> out = new HashMap<>();
    for (int n = 0; n < numeric.length; n++) {
      Map<Double, Long> counts = distinct[n].counts();
      if (counts != null) {
        out.put(schema.names().get(numeric[n]), counts);
      }
    }
    return out;
  }

  @Override
  public void row(String[] received, RowJudge.Verdict v) {
    if (!decided) {
      return;
    }
    for (int k = 0; k < tests.length; k++) {
      switch (tests[k].test(received, v)) {
        case PASSED -> checked[k]++;
        case FAILED -> {
          checked[k]++;
          unexpected[k]++;
        }
        case UNDECIDED -> {
          decided = false;
          return;
        }
        default -> {}
      }
    }
    rows++;
    String[] cleaned = v.texts();
    for (int i = 0; i < cleaned.length; i++) {
      if (cleaned[i] == null) {
        nulls[i]++;
      }
    }
    for (int n = 0; n < numeric.length; n++) {
      Object value = v.values()[numeric[n]];
      if (value != null) {
        // the SQL's cast of the numeric to double precision: correctly rounded from its digits, as
        // BigDecimal.doubleValue is (one exact division by a power of ten for up to 15 digits,
        // else a parse of its text)
        double x = JavaReads.numeric(value).doubleValue();
        if (Math.abs(x) > HUGE) {
          // PostgreSQL's avg may overflow on such values (its sum of squares): let it say so
          decided = false;
          return;
        }
        // no branch for a column's first value: one that only a stream's first row takes would
        // send the next partition's first row back to the interpreter (min and max start at the
        // infinities, which any value replaces)
        present[n]++;
        min[n] = Math.min(min[n], x);
        max[n] = Math.max(max[n], x);
        sum[n] += x;
        distinct[n].add(x);
      }
    }
    Object event = instant(eventTime, v);
    if (event == JavaReads.UNDECIDED) {
      decided = false;
    } else if (event instanceof OffsetDateTime t
        && !t.isBefore(schema.bounds().eventMin())
        && t.isBefore(schema.bounds().eventMax())
        && t.isAfter(latest)) {
      latest = t;
    }
  }

  /** The test of a row-level expectation, or null when Java cannot make it. */
  private RowTest test(Expectation.RowLevel x) {
    int i = schema.names().indexOf(x.config().column());
    if (i < 0) {
      return null;
    }
    if (x instanceof Expectation.NotNull) {
      return (received, v) -> v.texts()[i] == null ? FAILED : PASSED;
    }
    if (x instanceof Expectation.Parses p) {
      String as = p.config().as();
      return (received, v) -> {
        if (v.texts()[i] == null) {
          return NOT_CHECKED;
        }
        Object parsed =
            as == null
                ? v.values()[i]
                : switch (as) {
                  case "instant" -> instant(i, v);
                  case "decimal" -> decimal(i, v);
                  default -> JavaReads.integer(v.texts()[i]);
                };
        return parsed == JavaReads.UNDECIDED ? UNDECIDED : parsed == null ? FAILED : PASSED;
      };
    }
    if (x instanceof Expectation.Between b) {
      BigDecimal low = b.config().min();
      BigDecimal high = b.config().max();
      return (received, v) -> {
        if (v.texts()[i] == null) {
          return NOT_CHECKED;
        }
        BigDecimal n = decimal(i, v);
        return n == null
                || (low != null && n.compareTo(low) < 0)
                || (high != null && n.compareTo(high) > 0)
            ? FAILED
            : PASSED;
      };
    }
    if (x instanceof Expectation.InSet in) {
      List<String> declared =
          in.config().values() != null && !in.config().values().isEmpty()
              ? in.config().values()
              : Expectation.InSet.declaredValues(schema.column(in.config().column()));
      Set<String> values = new HashSet<>();
      for (String s : declared) {
        values.add(s.toLowerCase(Locale.ROOT));
      }
      return (received, v) -> {
        String text = v.texts()[i];
        if (text == null) {
          return NOT_CHECKED;
        }
        Object lower = JavaReads.lower(text);
        return lower == JavaReads.UNDECIDED
            ? UNDECIDED
            : values.contains((String) lower) ? PASSED : FAILED;
      };
    }
    if (x instanceof Expectation.Matches m) {
      Function<String, Boolean> matches = JavaReads.matches(m.config().pattern());
      if (matches == null) {
        return null;
      }
      return (received, v) -> {
        if (v.texts()[i] == null) {
          return NOT_CHECKED;
        }
        Boolean match = matches.apply(received[i]);
        return match == null ? UNDECIDED : match ? PASSED : FAILED;
      };
    }
    return null;
  }

  /** {@link Reads#decimal}: a numeric column's value as a numeric, any other column's parsed. */
  private BigDecimal decimal(int i, RowJudge.Verdict v) {
    ColumnSpec c = schema.columns().get(i);
    Object value = v.values()[i];
    if (c.type().kind() == ColumnType.Kind.NUMBER) {
      return value == null ? null : JavaReads.numeric(value);
    }
    String text = v.texts()[i];
    return text == null ? null : JavaReads.decimal(text);
  }

  /** {@link Reads#instant}: a timestamp column's value, any other column's parsed with its zone. */
  private Object instant(int i, RowJudge.Verdict v) {
    if (schema.columns().get(i).type() instanceof ColumnType.Timestamp) {
      return v.values()[i];
    }
    String text = v.texts()[i];
    return text == null ? null : JavaReads.instant(text);
  }
}
