package io.sluice.activities.validate;

import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.db.jooq.meta.Routines;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * How validation's SQL reads a dataset's raw text columns: normalised as staging normalises them
 * (trimmed, null tokens and empty text missing, case-folded), as received, or parsed. {@link
 * #inline} writes every read as an expression over the raw table, evaluated wherever it is used (a
 * query that stops at its first matches evaluates little). {@link #once} collects the reads asked
 * of it and {@link #table} computes each one once per row: the single scan uses the parsed amount
 * in five aggregates, and parsing (a regular expression, then a cast) is most of the scan's cost.
 */
final class RawReads {

  private static final String TABLE = "reads";

  private final DatasetSchema schema;

  /** For {@link #once}: each read's expression as its column, by (kind, column); null inline. */
  private final Map<String, Field<?>> reads;

  private RawReads(DatasetSchema schema, Map<String, Field<?>> reads) {
    this.schema = schema;
    this.reads = reads;
  }

  /** Reads as expressions over the dataset's raw table, evaluated where they are used. */
  static RawReads inline(DatasetSchema schema) {
    return new RawReads(schema, null);
  }

  /** Reads as columns of {@link #table}, each computed once per raw row. */
  static RawReads once(DatasetSchema schema) {
    return new RawReads(schema, new LinkedHashMap<>());
  }

  /** The raw table these reads are over. */
  Table<?> raw() {
    return schema.raw();
  }

  /** The text as staging normalises it, null when missing: how every check sees a raw field. */
  Field<String> cleaned(String column) {
    return read("cleaned", column, () -> cleanedText(column));
  }

  /** The field as received, untrimmed (so a pattern can insist on exact formatting). */
  Field<String> received(String column) {
    return read("received", column, () -> textField(column));
  }

  /**
   * The cleaned field as a number: a numeric column parsed as its declared type, any other as a
   * plain decimal; null when it does not parse.
   */
  Field<BigDecimal> decimal(String column) {
    ColumnSpec c = spec(column);
    return read(
        "decimal",
        column,
        () ->
            c.type() instanceof ColumnType.Decimal d
                ? d.parse(cleanedText(column))
                : c.type().kind() == ColumnType.Kind.NUMBER
                    ? c.type().parse(cleanedText(column)).cast(SQLDataType.NUMERIC)
                    : Routines.tryDecimal(cleanedText(column)));
  }

  /**
   * The cleaned field as an instant: a timestamp column as its declaration reads it (a zone it
   * assumes included), any other when it carries its zone; null when it does not parse.
   */
  Field<OffsetDateTime> instant(String column) {
    ColumnSpec c = spec(column);
    return read(
        "instant",
        column,
        () ->
            c.type() instanceof ColumnType.Timestamp t
                ? t.parse(cleanedText(column))
                : Routines.tryInstant(cleanedText(column)));
  }

  /** The cleaned field as a whole number; null when it does not parse. */
  Field<Integer> integer(String column) {
    return read("integer", column, () -> Routines.tryInteger(cleanedText(column)));
  }

  /** The cleaned field parsed as its declared type; null when it does not parse. */
  Field<?> typed(String column) {
    ColumnSpec c = spec(column);
    return read("typed", column, () -> c.type().parse(cleanedText(column)));
  }

  /**
   * The rows of {@code raw} that {@code where} selects, with one column per read asked of this
   * {@link #once} so far; read it after building every field that uses them. (OFFSET 0 keeps
   * PostgreSQL from folding the derived table into its user, which would evaluate each read once
   * per use again.)
   */
  Table<?> table(Condition where) {
    if (reads == null) {
      throw new IllegalStateException("inline reads have no table of their own");
    }
    return DSL.select(reads.values()).from(schema.raw()).where(where).offset(0).asTable(TABLE);
  }

  private <T> Field<T> read(String kind, String column, Supplier<Field<T>> expression) {
    Field<T> e = expression.get();
    if (reads == null) {
      return e;
    }
    Field<?> as = reads.computeIfAbsent(kind + " " + column, k -> e.as("r" + reads.size()));
    return DSL.field(DSL.name(TABLE, as.getName()), e.getDataType());
  }

  private Field<String> cleanedText(String column) {
    return spec(column).normalised(textField(column));
  }

  private Field<String> textField(String column) {
    return schema.rawText(spec(column).name());
  }

  private ColumnSpec spec(String column) {
    ColumnSpec c = schema.column(column);
    if (c == null) {
      throw new IllegalArgumentException(
          "no column " + column + " declared for dataset " + schema.dataset());
    }
    return c;
  }
}
