package io.sluice.activities.validate;

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

/**
 * How validation's SQL reads a raw table's text columns: trimmed with empty meaning missing, as
 * received, or parsed. {@link #inline} writes every read as an expression over the raw table,
 * evaluated wherever it is used (a query that stops at its first matches evaluates little). {@link
 * #once} collects the reads asked of it and {@link #table} computes each one once per row: the
 * single scan uses the parsed amount in five aggregates, and parsing (a regular expression, then a
 * cast) is most of the scan's cost.
 */
final class RawReads {

  private static final String TABLE = "reads";

  private final Table<?> raw;

  /** For {@link #once}: each read's expression as its column, by (kind, column); null inline. */
  private final Map<String, Field<?>> reads;

  private RawReads(Table<?> raw, Map<String, Field<?>> reads) {
    this.raw = raw;
    this.reads = reads;
  }

  /** Reads as expressions over {@code raw}, evaluated where they are used. */
  static RawReads inline(Table<?> raw) {
    return new RawReads(raw, null);
  }

  /** Reads as columns of {@link #table}, each computed once per row of {@code raw}. */
  static RawReads once(Table<?> raw) {
    return new RawReads(raw, new LinkedHashMap<>());
  }

  /** Trimmed text, with empty meaning missing: how every check sees a raw field. */
  Field<String> cleaned(String column) {
    return read("cleaned", column, () -> cleanedText(raw, column));
  }

  /** The field as received, untrimmed (so a pattern can insist on exact formatting). */
  Field<String> received(String column) {
    return read("received", column, () -> textField(raw, column));
  }

  /** The cleaned field as a plain decimal number; null when it does not parse. */
  Field<BigDecimal> decimal(String column) {
    return read("decimal", column, () -> Routines.tryDecimal(cleanedText(raw, column)));
  }

  /** The cleaned field as an instant that carries its zone; null when it does not parse. */
  Field<OffsetDateTime> instant(String column) {
    return read("instant", column, () -> Routines.tryInstant(cleanedText(raw, column)));
  }

  /** The cleaned field as a whole number; null when it does not parse. */
  Field<Integer> integer(String column) {
    return read("integer", column, () -> Routines.tryInteger(cleanedText(raw, column)));
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
    return DSL.select(reads.values()).from(raw).where(where).offset(0).asTable(TABLE);
  }

  private <T> Field<T> read(String kind, String column, Supplier<Field<T>> expression) {
    Field<T> e = expression.get();
    if (reads == null) {
      return e;
    }
    Field<?> as = reads.computeIfAbsent(kind + " " + column, k -> e.as("r" + reads.size()));
    return DSL.field(DSL.name(TABLE, as.getName()), e.getDataType());
  }

  private static Field<String> cleanedText(Table<?> raw, String column) {
    return DSL.nullif(DSL.trim(textField(raw, column)), DSL.inline(""));
  }

  private static Field<String> textField(Table<?> raw, String column) {
    Field<String> f = raw.field(column, String.class);
    if (f == null) {
      throw new IllegalArgumentException("no column " + column + " in " + raw.getName());
    }
    return f;
  }
}
