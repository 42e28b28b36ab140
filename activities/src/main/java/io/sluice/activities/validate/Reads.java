package io.sluice.activities.validate;

import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.stage.Candidates;
import io.sluice.db.jooq.meta.Routines;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * How validation's SQL reads a partition's fields from its {@link Candidates} (the rows judged
 * once): cleaned as staging normalises them (trimmed, null tokens and empty text missing,
 * case-folded), as received, or typed. A declared column's typed value is read as the judge stored
 * it; only a read the declaration does not type (an instant from a text column, say) is parsed
 * here. {@link #inline} writes every read as an expression over the candidates table, evaluated
 * wherever it is used (a query that stops at its first matches evaluates little). {@link #once}
 * collects the reads asked of it and {@link #table} computes each one once per row.
 */
final class Reads {

  private static final String TABLE = "reads";

  private final Candidates candidates;

  /** For {@link #once}: each read's expression as its column, by (kind, column); null inline. */
  private final Map<String, Field<?>> reads;

  /** Whether a read asked of this parses text (PostgreSQL evaluates it where it is used). */
  private boolean parses;

  private Reads(Candidates candidates, Map<String, Field<?>> reads) {
    this.candidates = candidates;
    this.reads = reads;
  }

  /** Reads as expressions over the candidates table, evaluated where they are used. */
  static Reads inline(Candidates candidates) {
    return new Reads(candidates, null);
  }

  /** Reads as columns of {@link #table}, each computed once per row. */
  static Reads once(Candidates candidates) {
    return new Reads(candidates, new LinkedHashMap<>());
  }

  /** The table these reads are over. */
  Table<?> from() {
    return candidates.table();
  }

  /** The text as staging normalises it, null when missing: how every check sees a field. */
  Field<String> cleaned(String column) {
    return read("cleaned", column, () -> candidates.cleaned(column));
  }

  /** The field as received, untrimmed (so a pattern can insist on exact formatting). */
  Field<String> received(String column) {
    return read("received", column, () -> candidates.received(column));
  }

  /**
   * The cleaned field as a number: a numeric column as its declared type gives it, any other parsed
   * as a plain decimal; null when it does not parse.
   */
  Field<BigDecimal> decimal(String column) {
    ColumnSpec c = spec(column);
    return read(
        "decimal",
        column,
        () ->
            c.type() instanceof ColumnType.Decimal
                ? candidates.typed(column).coerce(SQLDataType.NUMERIC)
                : c.type().kind() == ColumnType.Kind.NUMBER
                    ? candidates.typed(column).cast(SQLDataType.NUMERIC)
                    : parsed(Routines.tryDecimal(candidates.cleaned(column))));
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
            c.type() instanceof ColumnType.Timestamp
                ? candidates.typed(column).coerce(SQLDataType.TIMESTAMPWITHTIMEZONE)
                : parsed(Routines.tryInstant(candidates.cleaned(column))));
  }

  /** The cleaned field as a whole number; null when it does not parse. */
  Field<Integer> integer(String column) {
    return read("integer", column, () -> parsed(Routines.tryInteger(candidates.cleaned(column))));
  }

  /** The field as its declared type; null when missing or it does not parse. */
  Field<?> typed(String column) {
    return read("typed", column, () -> candidates.typed(column));
  }

  /**
   * The candidates with one column per read asked of this {@link #once} so far; read it after
   * building every field that uses them. When a read parses text (a read the declaration does not
   * type), OFFSET 0 keeps PostgreSQL from folding the derived table into its user, which would
   * parse once per use. Without one the table folds into its user, and PostgreSQL can aggregate it
   * with parallel workers (with the fence it ran the single scan of 1,000,000 orders in one
   * process: 1.8-2.9 s instead of 0.9-1.0 s).
   */
  Table<?> table() {
    if (reads == null) {
      throw new IllegalStateException("inline reads have no table of their own");
    }
    var select = DSL.select(reads.values()).from(candidates.table());
    return (parses ? select.offset(DSL.inline(0)) : select).asTable(TABLE);
  }

  private <T> Field<T> parsed(Field<T> parse) {
    parses = true;
    return parse;
  }

  private <T> Field<T> read(String kind, String column, Supplier<Field<T>> expression) {
    spec(column);
    Field<T> e = expression.get();
    if (reads == null) {
      return e;
    }
    Field<?> as = reads.computeIfAbsent(kind + " " + column, k -> e.as("r" + reads.size()));
    return DSL.field(DSL.name(TABLE, as.getName()), e.getDataType());
  }

  private ColumnSpec spec(String column) {
    ColumnSpec c = candidates.schema().column(column);
    if (c == null) {
      throw new IllegalArgumentException(
          "no column " + column + " declared for dataset " + candidates.schema().dataset());
    }
    return c;
  }
}
