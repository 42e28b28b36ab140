package io.sluice.activities.validate;

import io.sluice.activities.config.PipelineConfig;
import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
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

  static CompiledExpectation compile(ExpectationConfig e, PipelineConfig config, RawReads raw) {
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
        List<String> values = values(e, config);
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

  private static Field<?> parsed(String as, RawReads raw, String column) {
    return switch (as) {
      case "instant" -> raw.instant(column);
      case "decimal" -> raw.decimal(column);
      case "integer" -> raw.integer(column);
      default -> throw new IllegalArgumentException("unknown parse type " + as);
    };
  }

  static List<String> values(ExpectationConfig e, PipelineConfig config) {
    List<String> values =
        e.values() != null && !e.values().isEmpty()
            ? e.values()
            : "categories".equals(e.valuesFrom()) ? config.categories() : config.statuses();
    return values.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }
}
