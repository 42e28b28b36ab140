package io.sluice.activities.dataset;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The reads validation's SQL makes of a cleaned field ({@code meta.try_decimal}, {@code
 * meta.try_integer}, {@code meta.try_instant}, {@code lower}, {@code ~}), in Java, for checks
 * counted while the judge streams the rows. Each answers {@link #UNDECIDED} where Java cannot be
 * sure to agree with PostgreSQL; the caller then leaves the whole count to the SQL.
 */
public final class JavaReads {

  /** The answer where only PostgreSQL can tell. */
  public static final Object UNDECIDED = ColumnType.UNDECIDED;

  private JavaReads() {}

  /** {@code meta.try_decimal}: a plain decimal, or null. */
  public static BigDecimal decimal(String text) {
    return (BigDecimal) JavaParse.decimal(text);
  }

  /** {@code meta.try_integer}: a 32-bit whole number, or null. */
  public static Integer integer(String text) {
    return (Integer) JavaParse.integer(text);
  }

  /** {@code meta.try_instant}: a date and time with its zone, in UTC, or null. */
  public static Object instant(String text) {
    return JavaParse.instant(text, null);
  }

  /** A typed number as PostgreSQL's cast to {@code numeric} gives it. */
  public static BigDecimal numeric(Object value) {
    return JavaParse.numeric(value);
  }

  /** {@code lower(text)}, or {@link #UNDECIDED} when it would fold a letter beyond ASCII. */
  public static Object lower(String text) {
    return JavaParse.ascii(text) ? JavaParse.asciiLower(text) : UNDECIDED;
  }

  /**
   * {@code text ~ regex} as a test of printable ASCII text, or null when the pattern is outside the
   * core both engines read the same way; the test answers null for text it cannot be sure of.
   */
  public static java.util.function.Function<String, Boolean> matches(String regex) {
    Pattern java = JavaRegex.commonCore(regex);
    if (java == null) {
      return null;
    }
    return text -> JavaRegex.printableAscii(text) ? java.matcher(text).find() : null;
  }
}
