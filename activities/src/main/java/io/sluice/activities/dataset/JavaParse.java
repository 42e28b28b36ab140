package io.sluice.activities.dataset;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parse functions of the migrations ({@code meta.try_*}), in Java: the same grammars, written
 * as the same regular expressions, and the values PostgreSQL's casts give the text they accept.
 * Where Java cannot be sure to agree with PostgreSQL (a local time in a daylight-saving gap or
 * overlap), the answer is {@link ColumnType#UNDECIDED} and the row is judged by the SQL instead.
 * {@code RowJudgeDifferentialTest} holds the two to the same answers.
 */
final class JavaParse {

  private JavaParse() {}

  private static final String DATE = "(?!0000)(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])";
  private static final String TIME =
      "[T ]([01]\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d)(?:\\.(\\d{1,9}))?)?";

  // the grammars of meta.try_integer, try_bigint and try_decimal, as the migrations write them;
  // read by plainNumber, and held to it by JavaParseTest
  static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");
  static final Pattern BIGINT = Pattern.compile("[+-]?\\d{1,18}");
  static final Pattern DECIMAL = Pattern.compile("[+-]?\\d{1,15}(\\.\\d{1,6})?");
  private static final Pattern DOUBLE =
      Pattern.compile("[+-]?(\\d{1,30}(\\.\\d{0,30})?|\\.\\d{1,30})([eE]([+-]?\\d{1,3}))?");
  private static final Pattern DAY = Pattern.compile(DATE);
  private static final Pattern ZONED =
      Pattern.compile(DATE + TIME + "([Zz]|([+-])(0\\d|1[0-5])(?::?([0-5]\\d))?)");
  private static final Pattern LOCAL = Pattern.compile(DATE + TIME);

  private static final List<String> TRUE = List.of("true", "t", "yes", "y", "1");
  private static final List<String> FALSE = List.of("false", "f", "no", "n", "0");

  /** float8 to numeric keeps 15 significant digits (DBL_DIG), as PostgreSQL's cast does. */
  private static final MathContext FLOAT8_NUMERIC = new MathContext(15, RoundingMode.HALF_EVEN);

  static Object integer(String t) {
    return plainNumber(t, 9, 0) ? Integer.parseInt(t) : null;
  }

  static Object bigint(String t) {
    return plainNumber(t, 18, 0) ? Long.parseLong(t) : null;
  }

  static Object decimal(String t) {
    return plainNumber(t, 15, 6) ? new BigDecimal(t) : null;
  }

  /**
   * Whether {@code t} is {@code [+-]?\d{1,whole}(\.\d{1,fraction})?} (no fraction when {@code
   * fraction} is 0), the grammar of {@link #INTEGER}, {@link #BIGINT} and {@link #DECIMAL}, checked
   * without a regular expression.
   */
  static boolean plainNumber(String t, int whole, int fraction) {
    int n = t.length();
    int i = 0;
    if (n > 0 && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
      i++;
    }
    int start = i;
    while (i < n && isDigit(t.charAt(i))) {
      i++;
    }
    int digits = i - start;
    if (digits < 1 || digits > whole) {
      return false;
    }
    if (i == n) {
      return true;
    }
    if (fraction == 0 || t.charAt(i) != '.') {
      return false;
    }
    start = ++i;
    while (i < n && isDigit(t.charAt(i))) {
      i++;
    }
    return i == n && i - start >= 1 && i - start <= fraction;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** {@code meta.try_decimal_sized}: the grammar is built per column, as the SQL builds it. */
  static Pattern decimalSized(int intDigits, int fracDigits) {
    return intDigits < 1
        ? null
        : Pattern.compile(
            "[+-]?\\d{1,"
                + intDigits
                + "}"
                + (fracDigits > 0 ? "(\\.\\d{1," + fracDigits + "})?" : ""));
  }

  static Object decimalSized(Pattern grammar, String t) {
    if (grammar == null) {
      return ColumnType.UNDECIDED; // PostgreSQL refuses the pattern; let it say so
    }
    return grammar.matcher(t).matches() ? new BigDecimal(t) : null;
  }

  private static final BigDecimal DOUBLE_MIN = new BigDecimal("1e-307");
  private static final BigDecimal DOUBLE_MAX = new BigDecimal("1e308");

  static Object float64(String t) {
    Matcher m = DOUBLE.matcher(t);
    if (!m.matches()) {
      return null;
    }
    if (m.group(4) != null) {
      if (Math.abs(Integer.parseInt(m.group(4))) > 300) {
        return null;
      }
      BigDecimal n = new BigDecimal(t).abs();
      if (n.signum() != 0 && (n.compareTo(DOUBLE_MIN) < 0 || n.compareTo(DOUBLE_MAX) > 0)) {
        return null;
      }
    }
    return Double.parseDouble(t);
  }

  static Object bool(String t) {
    if (!ascii(t)) {
      return ColumnType.UNDECIDED; // lower() of other letters follows the database's locale
    }
    String l = asciiLower(t);
    return TRUE.contains(l) ? Boolean.TRUE : FALSE.contains(l) ? Boolean.FALSE : null;
  }

  static Object date(String t) {
    Matcher m = DAY.matcher(t);
    return m.matches() && dayExists(m) ? LocalDate.parse(t) : null;
  }

  /** {@code meta.try_instant}, then (with a zone to assume) {@code meta.try_local_instant}. */
  static Object instant(String t, ZoneId assumeZone) {
    OffsetDateTime common = commonInstant(t);
    return common != null ? common : instantByPattern(t, assumeZone);
  }

  /** {@link #instant} by the regular expressions alone. */
  static Object instantByPattern(String t, ZoneId assumeZone) {
    Matcher z = ZONED.matcher(t);
    if (z.matches()) {
      if (!dayExists(z)) {
        return null;
      }
      int sign = "-".equals(z.group(9)) ? -1 : 1;
      ZoneOffset offset =
          z.group(10) == null
              ? ZoneOffset.UTC
              : ZoneOffset.ofHoursMinutes(
                  sign * Integer.parseInt(z.group(10)),
                  z.group(11) == null ? 0 : sign * Integer.parseInt(z.group(11)));
      return local(z).atOffset(offset).withOffsetSameInstant(ZoneOffset.UTC);
    }
    if (assumeZone == null) {
      return null;
    }
    Matcher l = LOCAL.matcher(t);
    if (!l.matches() || !dayExists(l)) {
      return null;
    }
    LocalDateTime local = local(l);
    ZoneRules rules = assumeZone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.size() != 1) {
      return ColumnType.UNDECIDED; // a gap or an overlap: PostgreSQL's choice is its own
    }
    return local.atOffset(offsets.get(0)).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /**
   * The instant of the two layouts most feeds send, read without the regular expression: {@code
   * yyyy-mm-ddThh:mm:ssZ} and {@code yyyy-mm-ddThh:mm:ss+hh:mm} ({@code T} or a space, {@code Z} or
   * {@code z}), with the same ranges as {@link #ZONED}; null for any other text, which the regular
   * expression then reads (or refuses).
   */
  /**
   * The days from 1970-01-01 to a valid date of years 1 to 9999, without a branch on the month: as
   * the date's Julian day number (the year counted from March, so that February's length comes
   * last), less 1970-01-01's.
   */
  static long epochDay(int year, int month, int day) {
    int a = (14 - month) / 12; // 1 for January and February, else 0
    long y = year + 4800L - a;
    int m = month + 12 * a - 3;
    return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32_045 - 2_440_588;
  }

  static OffsetDateTime commonInstant(String t) {
    int n = t.length();
    if (n != 20 && n != 25) {
      return null;
    }
    char sep = t.charAt(10);
    if (t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || (sep != 'T' && sep != ' ')
        || t.charAt(13) != ':'
        || t.charAt(16) != ':') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year <= 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    ZoneOffset offset;
    char zone = t.charAt(19);
    if (n == 20) {
      if (zone != 'Z' && zone != 'z') {
        return null;
      }
      offset = ZoneOffset.UTC;
    } else {
      int zh = digits(t, 20, 2);
      int zm = digits(t, 23, 2);
      if ((zone != '+' && zone != '-')
          || t.charAt(22) != ':'
          || zh < 0
          || zh > 15
          || zm < 0
          || zm > 59) {
        return null;
      }
      int sign = zone == '-' ? -1 : 1;
      offset = ZoneOffset.ofHoursMinutes(sign * zh, sign * zm);
    }
    if (day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    // the UTC instant by arithmetic on its seconds: shifting the date by the offset would branch on
    // the days, months and years it crosses, which the day after the days a worker compiled this
    // code for may cross first, sending the judge back to the interpreter
    long utc =
        epochDay(year, month, day) * 86_400L
            + hour * 3_600L
            + minute * 60L
            + second
            - offset.getTotalSeconds();
    return OffsetDateTime.of(LocalDateTime.ofEpochSecond(utc, 0, ZoneOffset.UTC), ZoneOffset.UTC);
  }

  /**
   * The number the {@code count} ASCII digits at {@code from} of {@code t} write; -1 if any is not
   * one.
   */
  private static int digits(String t, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** A date and time without a zone that {@code meta.try_local_instant} reads. */
  static boolean local(String t) {
    Matcher l = LOCAL.matcher(t);
    return l.matches() && dayExists(l);
  }

  /** The date and time of a match; a fraction rounds to microseconds as PostgreSQL's input does. */
  private static LocalDateTime local(Matcher m) {
    LocalDateTime t =
        LocalDateTime.of(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)),
            Integer.parseInt(m.group(5)),
            m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
    if (m.group(7) == null) {
      return t;
    }
    long micros = (long) Math.rint(Double.parseDouble("0." + m.group(7)) * 1_000_000);
    return t.plusNanos(micros * 1_000);
  }

  private static boolean dayExists(Matcher m) {
    return Integer.parseInt(m.group(3))
        <= YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))).lengthOfMonth();
  }

  /** A parsed number as PostgreSQL's cast to numeric sees it (rules compare numerics). */
  static BigDecimal numeric(Object value) {
    if (value instanceof Integer i) {
      return BigDecimal.valueOf(i);
    }
    if (value instanceof Long l) {
      return BigDecimal.valueOf(l);
    }
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Double d) {
      return new BigDecimal(d).round(FLOAT8_NUMERIC);
    }
    throw new IllegalArgumentException("not a number: " + value.getClass());
  }

  static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7F) {
        return false;
      }
    }
    return true;
  }

  static String asciiLower(String s) {
    char[] c = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= 'A' && ch <= 'Z') {
        if (c == null) {
          c = s.toCharArray();
        }
        c[i] = (char) (ch + 32);
      }
    }
    return c == null ? s : new String(c);
  }

  static String asciiUpper(String s) {
    char[] c = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= 'a' && ch <= 'z') {
        if (c == null) {
          c = s.toCharArray();
        }
        c[i] = (char) (ch - 32);
      }
    }
    return c == null ? s : new String(c);
  }
}
