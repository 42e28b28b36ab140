package io.sluice.activities.dataset;

import java.math.BigDecimal;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * A rule a parsed value must keep, or the row is quarantined with the rule's reason: {@code
 * <default>_<column>}, or the reason the column names for the rule ({@code reasons: {min:
 * negative_amount}}). Adding a rule is one record here, its key in {@link #KEYS} and its test.
 */
public sealed interface RowRule {

  /** The rules' keys in a column's declaration, in the order their reasons are listed. */
  List<String> KEYS = List.of("min", "max", "positive", "in", "pattern");

  /** Its key in a column's declaration. */
  String key();

  /** Whether the value breaks the rule; {@code value} is the parsed value, never null here. */
  Condition broken(Field<?> value);

  /** {@link #broken} in the worker, compiled once per declaration. */
  Check check();

  /** A compiled {@link #check()}. */
  @FunctionalInterface
  interface Check {
    /**
     * Whether {@code value} (parsed, never null) breaks the rule, or null where only PostgreSQL can
     * tell.
     */
    Boolean broken(Object value);
  }

  /** The reason's prefix when the column names none. */
  String defaultPrefix();

  /** Which kinds of column it applies to. */
  boolean appliesTo(ColumnType.Kind kind);

  /** At least {@code value}. */
  record Min(BigDecimal value) implements RowRule {
    public String key() {
      return "min";
    }

    public Condition broken(Field<?> v) {
      return v.cast(BigDecimal.class).lt(value);
    }

    public Check check() {
      return v -> JavaParse.numeric(v).compareTo(value) < 0;
    }

    public String defaultPrefix() {
      return "out_of_range";
    }

    public boolean appliesTo(ColumnType.Kind kind) {
      return kind == ColumnType.Kind.NUMBER;
    }
  }

  /** At most {@code value}. */
  record Max(BigDecimal value) implements RowRule {
    public String key() {
      return "max";
    }

    public Condition broken(Field<?> v) {
      return v.cast(BigDecimal.class).gt(value);
    }

    public Check check() {
      return v -> JavaParse.numeric(v).compareTo(value) > 0;
    }

    public String defaultPrefix() {
      return "out_of_range";
    }

    public boolean appliesTo(ColumnType.Kind kind) {
      return kind == ColumnType.Kind.NUMBER;
    }
  }

  /** Greater than zero. */
  record Positive() implements RowRule {
    public String key() {
      return "positive";
    }

    public Condition broken(Field<?> v) {
      return v.cast(BigDecimal.class).le(BigDecimal.ZERO);
    }

    public Check check() {
      return v -> JavaParse.numeric(v).signum() <= 0;
    }

    public String defaultPrefix() {
      return "out_of_range";
    }

    public boolean appliesTo(ColumnType.Kind kind) {
      return kind == ColumnType.Kind.NUMBER;
    }
  }

  /** One of {@code values}, compared after the column's normalisation. */
  record In(List<String> values) implements RowRule {
    public String key() {
      return "in";
    }

    public Condition broken(Field<?> v) {
      return v.cast(String.class).notIn(values);
    }

    public Check check() {
      java.util.Set<String> set = java.util.Set.copyOf(values);
      return v -> !set.contains((String) v);
    }

    public String defaultPrefix() {
      return "unknown";
    }

    public boolean appliesTo(ColumnType.Kind kind) {
      return kind == ColumnType.Kind.TEXT;
    }
  }

  /** Matches a PostgreSQL regular expression, on the normalised text. */
  record Pattern(String regex) implements RowRule {
    public String key() {
      return "pattern";
    }

    public Condition broken(Field<?> v) {
      return DSL.not(v.cast(String.class).likeRegex(regex));
    }

    /**
     * Java's regular expressions agree with PostgreSQL's (ARE) only on a common core: a pattern
     * outside it, or a value that is not printable ASCII, is left to PostgreSQL.
     */
    public Check check() {
      java.util.function.Function<String, Boolean> matches = JavaReads.matches(regex);
      if (matches == null) {
        return v -> null;
      }
      return v -> {
        Boolean match = matches.apply((String) v);
        return match == null ? null : !match;
      };
    }

    public String defaultPrefix() {
      return "malformed";
    }

    public boolean appliesTo(ColumnType.Kind kind) {
      return kind == ColumnType.Kind.TEXT;
    }
  }
}
