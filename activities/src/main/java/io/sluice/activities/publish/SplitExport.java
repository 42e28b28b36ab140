package io.sluice.activities.publish;

import io.sluice.activities.features.FeatureSet.Column;
import io.sluice.activities.support.Copies;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;

/**
 * One split's rows, read once from PostgreSQL as COPY CSV, written as the split's CSV and Parquet
 * files side by side, with the scaled columns computed here.
 *
 * <p>Numbers, dates, instants and booleans keep PostgreSQL's own text in the CSV, copied as bytes.
 * Text goes through Commons CSV, quoted whenever it is not null (so an empty string stays apart
 * from a null, as in COPY), and text a spreadsheet would run as a formula gets a leading {@code '}
 * (OWASP's rule against CSV injection); the Parquet file gets every value as it is, parsed. The
 * scaled value of x is {@code round((x - mean) / sd, 6)} with x, mean and sd as doubles and the
 * quotient taken to 15 significant digits first, exactly as PostgreSQL's {@code round(((x::float8 -
 * mean) / nullif(sd, 0))::numeric, 6)} computes it (tested against it); null when x, the mean or
 * the deviation is null or the deviation is 0. Why in Java, from one read:
 * docs/adr/0011-exports-from-one-copy-per-split.md.
 */
final class SplitExport {

  /** An exported column computed here from another one, {@code source}. */
  sealed interface Derived permits Scaled, Transformed {}

  /** A scaled column: the exported column {@code source} standardised by training statistics. */
  record Scaled(int source, Double mean, Double stddev) implements Derived {}

  /**
   * A column of a declared transform: {@code apply} maps the value of {@code source} to a Double,
   * an Integer or null (docs/exports.md#transforms).
   */
  record Transformed(int source, java.util.function.Function<Object, Object> apply)
      implements Derived {}

  /**
   * What a split's export wrote: its rows, and the rows whose label is 1 (the label is a smallint).
   */
  record Written(long rows, long positives) {}

  private static final MathContext DBL_DIG = new MathContext(15, RoundingMode.HALF_EVEN);

  private static final CSVFormat TEXT =
      CSVFormat.DEFAULT.builder().setQuoteMode(QuoteMode.ALL_NON_NULL).get();

  /** PostgreSQL's ISO output of timestamptz with the session in UTC. */
  private static final DateTimeFormatter PG_TIMESTAMPTZ =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true)
          .optionalEnd()
          .appendOffset("+HH:mm", "+00")
          .toFormatter();

  private SplitExport() {}

  /**
   * Runs {@code select} (the feature table's columns, label last) through COPY and writes its rows
   * to {@code csv} and {@code parquet} with the columns {@code exported}: the selected columns but
   * the label, one column per entry of {@code derived}, and the label.
   *
   * @return the rows written and how many of them have the label 1
   */
  static Written write(
      Connection connection,
      String select,
      List<Column> exported,
      List<? extends Derived> derived,
      Path csv,
      Path parquet)
      throws IOException, SQLException {
    int base = exported.size() - derived.size();
    int label = base - 1;
    boolean[] text = new boolean[base];
    for (int i = 0; i < label; i++) {
      text[i] = exported.get(i).type().isString();
    }
    text[label] = exported.get(exported.size() - 1).type().isString();
    ParquetExport.Kind[] kinds =
        exported.stream()
            .map(c -> ParquetExport.Kind.of(c.type()))
            .toArray(ParquetExport.Kind[]::new);
    String sql = "COPY (" + select + ") TO STDOUT (FORMAT csv)";
    CopyOut copy = null;
    long n = 0;
    long positives = 0;
    try (OutputStream out = new Unsynchronized(Files.newOutputStream(csv), 1 << 16);
        ParquetBackground pq =
            new ParquetBackground(
                ParquetExport.open(parquet, exported), parquet.getFileName().toString())) {
      copy = new CopyManager(connection.unwrap(BaseConnection.class)).copyOut(sql);
      out.write(header(exported));
      CsvFields f = new CsvFields(base);
      byte[] digits = new byte[24];
      StringBuilder cell = new StringBuilder();
      byte[] row;
      while ((row = copy.readFromCopy()) != null) {
        Object[] values = new Object[exported.size()];
        f.split(row);
        for (int i = 0; i < label; i++) {
          values[i] = value(kinds[i], f, row, i);
          writeField(out, f, row, i, values[i], text[i], cell);
          out.write(',');
        }
        for (int k = 0; k < derived.size(); k++) {
          if (derived.get(k) instanceof Transformed t) {
            Object v = t.apply().apply(values[t.source()]);
            values[label + k] = v;
            if (v != null) {
              out.write(v.toString().getBytes(StandardCharsets.US_ASCII));
            }
            out.write(',');
            continue;
          }
          Scaled s = (Scaled) derived.get(k);
          long micros = scaleMicros(values[s.source()], s);
          if (micros == HUGE) {
            BigDecimal z = scale(values[s.source()], s);
            out.write(z.toPlainString().getBytes(StandardCharsets.US_ASCII));
            values[label + k] = z.doubleValue();
          } else if (micros != NULL) {
            writeMicros(out, micros, digits);
            values[label + k] = micros / 1e6;
          } else {
            values[label + k] = null;
          }
          out.write(',');
        }
        Object labelValue = value(kinds[exported.size() - 1], f, row, label);
        values[exported.size() - 1] = labelValue;
        if (labelValue instanceof Integer i && i == 1) {
          positives++;
        }
        writeField(out, f, row, label, labelValue, text[label], cell);
        out.write('\n');
        pq.write(values);
        n++;
      }
      pq.finish();
    } catch (IOException | SQLException | RuntimeException e) {
      // the rest is read; a copy the server cut off fails again here, and its connection is dropped
      Copies.drain(copy, connection);
      throw e;
    }
    return new Written(n, positives);
  }

  private static byte[] header(List<Column> columns) {
    return (CSVFormat.DEFAULT.format(columns.stream().map(Column::name).toArray()) + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Field {@code i} of the COPY row: its bytes as they are, or {@code value} as a text cell. */
  private static void writeField(
      OutputStream out,
      CsvFields f,
      byte[] row,
      int i,
      Object value,
      boolean text,
      StringBuilder cell)
      throws IOException {
    if (!text) {
      out.write(row, f.start[i], f.end[i] - f.start[i]);
      return;
    }
    if (value != null && !f.quoted[i] && !startsFormula(row[f.start[i]])) {
      // COPY quotes any text with a quote, a comma or a line break: the rest is written as it is
      out.write('"');
      out.write(row, f.start[i], f.end[i] - f.start[i]);
      out.write('"');
      return;
    }
    cell.setLength(0);
    // printed as the first of a record, so that no delimiter comes before it
    TEXT.print(value == null ? null : neutralised((String) value), cell, true);
    out.write(cell.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code text} with a leading {@code '} when a spreadsheet would take it for a formula: it starts
   * with {@code = + - @}, a tab or a carriage return.
   */
  static String neutralised(String text) {
    if (text.isEmpty()) {
      return text;
    }
    return startsFormula(text.charAt(0)) ? "'" + text : text;
  }

  private static boolean startsFormula(int c) {
    return switch (c) {
      case '=', '+', '-', '@', '\t', '\r' -> true;
      default -> false;
    };
  }

  /** What {@link #scaleMicros} returns for a null scaled value. */
  static final long NULL = Long.MIN_VALUE;

  /** What {@link #scaleMicros} returns for |z| >= 10^12, whose millionths may not fit a long. */
  static final long HUGE = Long.MIN_VALUE + 1;

  /**
   * The scaled value of {@code x} in millionths, or {@link #NULL}. Most values are done in double
   * arithmetic: for |z| < 1000 the product z * 10^6 is within 6e-6 of the exact 15-digit value
   * times 10^6, so unless its fraction is that close to one half, rounding it half away from zero
   * gives the exact result. The others take {@link #scale}'s exact path: a BigDecimal per value is
   * too slow for every value (docs/adr/0011-exports-from-one-copy-per-split.md).
   */
  static long scaleMicros(Object x, Scaled s) {
    if (x == null || s.mean() == null || s.stddev() == null || s.stddev() == 0.0) {
      return NULL;
    }
    double z = (((Number) x).doubleValue() - s.mean()) / s.stddev();
    if (Double.isNaN(z) || Double.isInfinite(z)) {
      return NULL;
    }
    double a = Math.abs(z);
    if (a < 1000) {
      double y = a * 1e6;
      double whole = Math.floor(y);
      double fraction = y - whole;
      if (Math.abs(fraction - 0.5) > 1e-5) {
        long m = (long) whole + (fraction > 0.5 ? 1 : 0);
        return z < 0 ? -m : m;
      }
    }
    if (a >= 1e12) {
      return HUGE;
    }
    return scale(x, s).movePointRight(6).longValueExact();
  }

  /** Writes {@code micros} / 10^6 with exactly 6 decimals, as PostgreSQL prints numeric(_, 6). */
  static void writeMicros(OutputStream out, long micros, byte[] digits) throws IOException {
    boolean negative = micros < 0;
    long m = Math.abs(micros);
    int p = digits.length;
    for (int i = 0; i < 6; i++) {
      digits[--p] = (byte) ('0' + m % 10);
      m /= 10;
    }
    digits[--p] = '.';
    do {
      digits[--p] = (byte) ('0' + m % 10);
      m /= 10;
    } while (m > 0);
    if (negative) {
      digits[--p] = '-';
    }
    out.write(digits, p, digits.length - p);
  }

  /** {@code round(((x::float8 - mean) / nullif(sd, 0))::numeric, 6)}, as PostgreSQL computes it. */
  static BigDecimal scale(Object x, Scaled s) {
    if (x == null || s.mean() == null || s.stddev() == null || s.stddev() == 0.0) {
      return null;
    }
    double v = ((Number) x).doubleValue();
    double z = (v - s.mean()) / s.stddev();
    if (Double.isNaN(z) || Double.isInfinite(z)) {
      return null;
    }
    return new BigDecimal(z).round(DBL_DIG).setScale(6, RoundingMode.HALF_UP);
  }

  /** The field's value for Parquet: null, or the column type's Java value parsed from the text. */
  private static Object value(ParquetExport.Kind kind, CsvFields f, byte[] row, int i) {
    if (f.isNull(i)) {
      return null;
    }
    if (kind == ParquetExport.Kind.DATE && f.end[i] - f.start[i] == 10) {
      LocalDate d = isoDate(row, f.start[i]);
      if (d != null) {
        return d;
      }
    }
    if (kind == ParquetExport.Kind.NUMBER && !f.quoted[i]) {
      double d = plainDecimal(row, f.start[i], f.end[i]);
      if (!Double.isNaN(d)) {
        return d;
      }
    }
    String text = f.text(row, i);
    return switch (kind) {
      case BOOLEAN -> text.equals("t");
      case DATE -> LocalDate.parse(text);
      case INSTANT -> OffsetDateTime.parse(text, PG_TIMESTAMPTZ);
      case INTEGER -> Integer.parseInt(text);
      case NUMBER -> Double.parseDouble(text);
      case TEXT -> text;
    };
  }

  private static final double[] POWERS_OF_TEN = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = p;
      p *= 10;
    }
  }

  /**
   * The double of a plain decimal ({@code -?digits[.digits]}) at {@code [from, to)}, as {@link
   * Double#parseDouble} gives it, or NaN for any other text (the caller parses it then). Exact when
   * the digits, read as a whole number, are at most 2^53 and at most 22 of them follow the point:
   * both that number and the power of ten are doubles then, and their quotient is rounded once.
   */
  static double plainDecimal(byte[] b, int from, int to) {
    int p = from;
    boolean negative = p < to && b[p] == '-';
    if (negative) {
      p++;
    }
    long m = 0;
    int digits = 0;
    int fraction = -1;
    for (; p < to; p++) {
      int c = b[p];
      if (c >= '0' && c <= '9') {
        if (++digits > 17) {
          return Double.NaN;
        }
        m = m * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0 || fraction == 0 || m > (1L << 53) || fraction > 22) {
      return Double.NaN;
    }
    double d = fraction > 0 ? m / POWERS_OF_TEN[fraction] : m;
    return negative ? -d : d;
  }

  /** {@code yyyy-mm-dd} at {@code p}, or null for any other text (years before 1000 or BC). */
  static LocalDate isoDate(byte[] row, int p) {
    int y = digits(row, p, 4);
    int m = digits(row, p + 5, 2);
    int d = digits(row, p + 8, 2);
    if (y < 1000 || m < 0 || d < 0 || row[p + 4] != '-' || row[p + 7] != '-') {
      return null;
    }
    return LocalDate.of(y, m, d);
  }

  private static int digits(byte[] row, int p, int n) {
    int v = 0;
    for (int k = p; k < p + n; k++) {
      int c = row[k] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  /** A buffered stream without {@link java.io.BufferedOutputStream}'s lock on every write. */
  static final class Unsynchronized extends OutputStream {
    private final OutputStream out;
    private final byte[] buf;
    private int n;

    Unsynchronized(OutputStream out, int size) {
      this.out = out;
      this.buf = new byte[size];
    }

    @Override
    public void write(int b) throws IOException {
      if (n == buf.length) {
        drain();
      }
      buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > buf.length - n) {
        drain();
        if (len > buf.length) {
          out.write(b, off, len);
          return;
        }
      }
      System.arraycopy(b, off, buf, n, len);
      n += len;
    }

    private void drain() throws IOException {
      out.write(buf, 0, n);
      n = 0;
    }

    @Override
    public void flush() throws IOException {
      drain();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      try (out) {
        drain();
      }
    }
  }

  /** The fields of one row of PostgreSQL's COPY CSV output, as byte ranges of the row. */
  static final class CsvFields {
    final int[] start;
    final int[] end;
    final boolean[] quoted;

    CsvFields(int fields) {
      start = new int[fields];
      end = new int[fields];
      quoted = new boolean[fields];
    }

    /** Finds the fields of {@code row} (one COPY row, newline included). */
    void split(byte[] row) {
      int len = row.length;
      if (len > 0 && row[len - 1] == '\n') {
        len--;
      }
      int i = 0;
      int p = 0;
      while (true) {
        if (i == start.length) {
          throw new IllegalStateException("COPY row has more than " + start.length + " fields");
        }
        start[i] = p;
        quoted[i] = p < len && row[p] == '"';
        if (quoted[i]) {
          p++;
          while (true) {
            if (p >= len) {
              throw new IllegalStateException("COPY row ends inside a quoted field");
            }
            if (row[p] == '"') {
              if (p + 1 < len && row[p + 1] == '"') {
                p += 2;
                continue;
              }
              p++;
              break;
            }
            p++;
          }
        } else {
          while (p < len && row[p] != ',') {
            p++;
          }
        }
        end[i] = p;
        i++;
        if (p >= len) {
          break;
        }
        p++; // the comma
      }
      if (i != start.length) {
        throw new IllegalStateException("COPY row has " + i + " fields, expected " + start.length);
      }
    }

    /** COPY CSV writes NULL as nothing at all, and an empty string as "". */
    boolean isNull(int i) {
      return !quoted[i] && start[i] == end[i];
    }

    String text(byte[] row, int i) {
      if (!quoted[i]) {
        return new String(row, start[i], end[i] - start[i], StandardCharsets.UTF_8);
      }
      String inner = new String(row, start[i] + 1, end[i] - start[i] - 2, StandardCharsets.UTF_8);
      return inner.indexOf('"') < 0 ? inner : inner.replace("\"\"", "\"");
    }
  }
}
