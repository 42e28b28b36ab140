package io.sluice.activities.dataset;

import io.sluice.db.jooq.meta.Routines;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A declared column's type: how its text is parsed (in SQL, from the trimmed and case-folded raw
 * text, null when it does not parse), how it is staged, and what features may do with it. Adding a
 * type is one record here and its test.
 */
public sealed interface ColumnType {

  /** What a column holds, as far as expectations, aggregates and filters care. */
  enum Kind {
    TEXT,
    NUMBER,
    INSTANT,
    DATE,
    BOOLEAN
  }

  /** The name a pipeline file declares it with. */
  String name();

  /** The staged column's type. */
  DataType<?> staged();

  /** The staged column's type as PostgreSQL's {@code format_type} names it (and DDL writes it). */
  String sqlType();

  Kind kind();

  /**
   * The value of {@code text} (trimmed, case-folded, never empty), or null when it does not parse.
   */
  Field<?> parse(Field<String> text);

  /**
   * {@link #parse} in the worker: for a text (trimmed, case-folded, never empty) its value, null
   * when it does not parse, or {@link #UNDECIDED} where Java cannot be sure to agree with the SQL
   * (the row is then judged by the SQL).
   */
  Reader reader();

  /** A compiled {@link #reader()}. */
  @FunctionalInterface
  interface Reader {
    Object read(String text);
  }

  /** {@link #read}'s answer when only PostgreSQL can tell. */
  Object UNDECIDED = Undecided.UNDECIDED;

  /** The type of {@link #UNDECIDED}. */
  enum Undecided {
    UNDECIDED
  }

  /** The reason a value that does not parse gets, unless the column names its own. */
  default String badReason(String column) {
    return "bad_" + column;
  }

  /** The declared names, for messages. */
  List<String> NAMES =
      List.of(
          "text", "integer", "bigint", "decimal", "double", "boolean", "date", "timestamp", "enum");

  record Text() implements ColumnType {
    public String name() {
      return "text";
    }

    public String sqlType() {
      return "text";
    }

    public DataType<?> staged() {
      return SQLDataType.CLOB;
    }

    public Kind kind() {
      return Kind.TEXT;
    }

    public Field<?> parse(Field<String> text) {
      return text;
    }

    public Reader reader() {
      return text -> text;
    }
  }

  /** A whole number that fits 32 bits. */
  record Int() implements ColumnType {
    public String name() {
      return "integer";
    }

    public String sqlType() {
      return "integer";
    }

    public DataType<?> staged() {
      return SQLDataType.INTEGER;
    }

    public Kind kind() {
      return Kind.NUMBER;
    }

    public Field<Integer> parse(Field<String> text) {
      return Routines.tryInteger(text);
    }

    public Reader reader() {
      return JavaParse::integer;
    }
  }

  /** A whole number that fits 64 bits. */
  record BigInt() implements ColumnType {
    public String name() {
      return "bigint";
    }

    public String sqlType() {
      return "bigint";
    }

    public DataType<?> staged() {
      return SQLDataType.BIGINT;
    }

    public Kind kind() {
      return Kind.NUMBER;
    }

    public Field<Long> parse(Field<String> text) {
      return Routines.tryBigint(text);
    }

    public Reader reader() {
      return JavaParse::bigint;
    }
  }

  /**
   * A plain decimal number (digits, an optional sign and point, no exponent), staged as {@code
   * numeric}, or {@code numeric(precision, scale)} when declared (a value that does not fit does
   * not parse).
   */
  record Decimal(Integer precision, Integer scale) implements ColumnType {
    public String name() {
      return "decimal";
    }

    public String sqlType() {
      return precision == null
          ? "numeric"
          : "numeric(" + precision + "," + (scale == null ? 0 : scale) + ")";
    }

    public DataType<?> staged() {
      return precision == null
          ? SQLDataType.NUMERIC
          : SQLDataType.NUMERIC(precision, scale == null ? 0 : scale);
    }

    public Kind kind() {
      return Kind.NUMBER;
    }

    /**
     * Up to 15 digits before the point and 6 after it; with a declared precision and scale, as many
     * as {@code numeric(precision, scale)} holds.
     */
    public Field<BigDecimal> parse(Field<String> text) {
      if (precision == null) {
        return Routines.tryDecimal(text);
      }
      int s = scale == null ? 0 : scale;
      return Routines.tryDecimalSized(text, DSL.inline(precision - s), DSL.inline(s));
    }

    public Reader reader() {
      if (precision == null) {
        return JavaParse::decimal;
      }
      int s = scale == null ? 0 : scale;
      java.util.regex.Pattern grammar = JavaParse.decimalSized(precision - s, s);
      return text -> JavaParse.decimalSized(grammar, text);
    }
  }

  /** A double-precision floating-point number. */
  record Float64() implements ColumnType {
    public String name() {
      return "double";
    }

    public String sqlType() {
      return "double precision";
    }

    public DataType<?> staged() {
      return SQLDataType.DOUBLE;
    }

    public Kind kind() {
      return Kind.NUMBER;
    }

    public Field<Double> parse(Field<String> text) {
      return Routines.tryDouble(text);
    }

    public Reader reader() {
      return JavaParse::float64;
    }
  }

  /** true/false, t/f, yes/no, y/n, 1/0, in any case. */
  record Bool() implements ColumnType {
    public String name() {
      return "boolean";
    }

    public String sqlType() {
      return "boolean";
    }

    public DataType<?> staged() {
      return SQLDataType.BOOLEAN;
    }

    public Kind kind() {
      return Kind.BOOLEAN;
    }

    public Field<Boolean> parse(Field<String> text) {
      return Routines.tryBoolean(text);
    }

    public Reader reader() {
      return JavaParse::bool;
    }
  }

  /** A calendar date, yyyy-MM-dd. */
  record Day() implements ColumnType {
    public String name() {
      return "date";
    }

    public String sqlType() {
      return "date";
    }

    public DataType<?> staged() {
      return SQLDataType.LOCALDATE;
    }

    public Kind kind() {
      return Kind.DATE;
    }

    public Field<LocalDate> parse(Field<String> text) {
      return Routines.tryDate(text);
    }

    public Reader reader() {
      return JavaParse::date;
    }
  }

  /**
   * An instant: ISO-8601 date and time with {@code Z} or an offset. A time without one does not
   * parse, unless {@code assumeZone} names the zone such times are in.
   */
  record Timestamp(ZoneId assumeZone) implements ColumnType {
    public String name() {
      return "timestamp";
    }

    public String sqlType() {
      return "timestamp with time zone";
    }

    public DataType<?> staged() {
      return SQLDataType.TIMESTAMPWITHTIMEZONE;
    }

    public Kind kind() {
      return Kind.INSTANT;
    }

    public Field<OffsetDateTime> parse(Field<String> text) {
      Field<OffsetDateTime> zoned = Routines.tryInstant(text);
      if (assumeZone == null) {
        return zoned;
      }
      return DSL.coalesce(zoned, Routines.tryLocalInstant(text, DSL.inline(assumeZone.getId())));
    }

    public Reader reader() {
      return text -> JavaParse.instant(text, assumeZone);
    }
  }

  /** One of a declared set of values (compared after the column's normalisation). */
  record Enumerated(List<String> values) implements ColumnType {
    public String name() {
      return "enum";
    }

    public String sqlType() {
      return "text";
    }

    public DataType<?> staged() {
      return SQLDataType.CLOB;
    }

    public Kind kind() {
      return Kind.TEXT;
    }

    public Field<?> parse(Field<String> text) {
      return DSL.when(text.in(values), text);
    }

    public Reader reader() {
      java.util.Set<String> set = java.util.Set.copyOf(values);
      return text -> set.contains(text) ? text : null;
    }

    @Override
    public String badReason(String column) {
      return "unknown_" + column;
    }
  }
}
