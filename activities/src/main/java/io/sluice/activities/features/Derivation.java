package io.sluice.activities.features;

import io.sluice.activities.config.FeaturesConfig.Derived;
import java.math.BigDecimal;
import java.util.function.Function;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A derived feature (docs/pipeline-yaml.md#derived-features): arithmetic over two features declared
 * above it, in numeric, bounded when the declaration says so. Null when either side is null.
 */
final class Derivation {

  private Derivation() {}

  /** The feature, with {@code column} giving each name's value in the row. */
  static Field<BigDecimal> of(Derived d, Function<String, Field<?>> column) {
    Field<BigDecimal> left = column.apply(d.left()).cast(SQLDataType.NUMERIC);
    Field<BigDecimal> right = column.apply(d.right()).cast(SQLDataType.NUMERIC);
    Field<BigDecimal> x =
        switch (d.op()) {
          case "ratio" -> DSL.round(left.div(DSL.nullif(right, DSL.inline(BigDecimal.ZERO))), 6);
          case "difference" -> left.minus(right);
          case "product" -> left.mul(right);
          case "sum" -> left.plus(right);
          default -> throw new IllegalArgumentException("not a derived feature's op: " + d.op());
        };
    if (d.min() == null && d.max() == null) {
      return x;
    }
    // greatest and least skip nulls: a null stays null rather than becoming a bound
    Field<BigDecimal> bounded = x;
    if (d.max() != null) {
      bounded = DSL.least(bounded, DSL.val(d.max()));
    }
    if (d.min() != null) {
      bounded = DSL.greatest(bounded, DSL.val(d.min()));
    }
    return DSL.when(x.isNull(), DSL.castNull(SQLDataType.NUMERIC)).otherwise(bounded);
  }

  /** What the feature is, for the export's metadata. */
  static String describe(Derived d) {
    String what =
        switch (d.op()) {
          case "ratio" ->
              d.left() + " / " + d.right() + " (6 decimals; null when " + d.right() + " is 0)";
          case "difference" -> d.left() + " - " + d.right();
          case "product" -> d.left() + " * " + d.right();
          default -> d.left() + " + " + d.right();
        };
    String bounds =
        d.min() == null && d.max() == null
            ? ""
            : ", bounded to ["
                + (d.min() == null ? "-inf" : d.min().toPlainString())
                + ", "
                + (d.max() == null ? "inf" : d.max().toPlainString())
                + "]";
    return what + bounds + "; null when either is null";
  }
}
