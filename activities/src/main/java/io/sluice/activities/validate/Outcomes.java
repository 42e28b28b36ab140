package io.sluice.activities.validate;

import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
import io.sluice.activities.validate.ValidationReport.Outcome;
import java.util.List;
import java.util.Locale;

/** How an expectation's result is written: a fraction of values, or one verdict. */
final class Outcomes {

  /** Distinct unexpected values kept as samples. */
  static final int SAMPLES = 5;

  private Outcomes() {}

  /** {@code unexpected} of {@code checked} values failed; it passes when at most 1 - mostly. */
  static Outcome fractional(Expectation x, long checked, long unexpected, List<String> samples) {
    ExpectationConfig e = x.config();
    double mostly = x.mostly();
    double fraction = checked == 0 ? 0.0 : (double) unexpected / checked;
    return new Outcome(
        e.name(),
        e.type(),
        e.column(),
        e.severity(),
        mostly,
        checked,
        unexpected,
        fraction,
        passes(checked, unexpected, mostly),
        String.format(
            Locale.ROOT,
            "%d of %d unexpected (%.2f%%, allowed %.2f%%)",
            unexpected,
            checked,
            100 * fraction,
            100 * (1 - mostly)),
        samples,
        x.describe());
  }

  /** One verdict on the partition as a whole. */
  static Outcome single(Expectation x, boolean ok, String observed) {
    ExpectationConfig e = x.config();
    return new Outcome(
        e.name(),
        e.type(),
        e.column(),
        e.severity(),
        x.mostly(),
        1,
        ok ? 0 : 1,
        ok ? 0 : 1,
        ok,
        observed,
        List.of(),
        x.describe());
  }

  static boolean passes(long checked, long unexpected, double mostly) {
    return checked == 0 || (double) (checked - unexpected) / checked >= mostly - 1e-12;
  }

  /** Up to {@link #SAMPLES} distinct values, in the order they were found. */
  static List<String> firstDistinct(List<String> values) {
    return values.stream().distinct().limit(SAMPLES).toList();
  }
}
