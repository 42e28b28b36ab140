package io.sluice.activities.validate;

import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.activities.dataset.DatasetSchema;
import java.util.List;
import java.util.Locale;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * One row-level expectation as SQL: which values it checks ({@code checked}) and which of those
 * fail ({@code unexpected}), over the raw partition's text columns as {@link RawReads} reads them.
 */
record CompiledExpectation(
    ExpectationConfig config, Field<String> value, Condition checked, Condition unexpected) {

  double mostly() {
    return config.mostly() == null ? 1.0 : config.mostly();
  }

  static CompiledExpectation compile(ExpectationConfig e, DatasetSchema schema, RawReads raw) {
    Field<String> v = raw.cleaned(e.column());
    Condition present = v.isNotNull();
    return switch (e.type()) {
      case "not_null" -> new CompiledExpectation(e, v, DSL.trueCondition(), v.isNull());
      case "parses" ->
          new CompiledExpectation(
              e, v, present, present.and(parsed(e.as(), raw, e.column()).isNull()));
      case "between" -> {
        Field<java.math.BigDecimal> n = raw.decimal(e.column());
        Condition out = n.isNull();
        if (e.min() != null) {
          out = out.or(n.lt(e.min()));
        }
        if (e.max() != null) {
          out = out.or(n.gt(e.max()));
        }
        yield new CompiledExpectation(e, v, present, present.and(out));
      }
      case "in_set" -> {
        List<String> values = values(e, schema);
        yield new CompiledExpectation(e, v, present, present.and(DSL.lower(v).notIn(values)));
      }
      // the raw field as received (untrimmed), so a pattern can insist on exact formatting
      case "matches" -> {
        Field<String> received = raw.received(e.column());
        yield new CompiledExpectation(
            e, received, present, present.and(received.likeRegex(e.pattern()).not()));
      }
      default -> throw new IllegalArgumentException("not a row-level expectation: " + e.type());
    };
  }

  /** Types evaluated as one FILTER aggregate per expectation in the partition's single scan. */
  static boolean isRowLevel(String type) {
    return java.util.Set.of("not_null", "parses", "between", "in_set", "matches").contains(type);
  }

  /** The column parsed as {@code as}; as its declared type when {@code as} is not given. */
  private static Field<?> parsed(String as, RawReads raw, String column) {
    if (as == null) {
      return raw.typed(column);
    }
    return switch (as) {
      case "instant" -> raw.instant(column);
      case "decimal" -> raw.decimal(column);
      case "integer" -> raw.integer(column);
      default -> throw new IllegalArgumentException("unknown parse type " + as);
    };
  }

  /**
   * The values an {@code in_set} accepts, lower-cased (the check ignores case): its own, or those
   * its column declares.
   */
  static List<String> values(ExpectationConfig e, DatasetSchema schema) {
    List<String> values =
        e.values() != null && !e.values().isEmpty()
            ? e.values()
            : PipelineConfigLoader.declaredValues(schema.column(e.column()));
    return values.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }
}
