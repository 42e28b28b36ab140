package io.sluice.activities.transform;

import io.sluice.activities.config.PipelineConfig.StepConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * One step of an exported column's transform (docs/pipeline-yaml.md#transforms). Each kind owns the
 * keys it reads, its fit on the training values (as SQL over the training rows), the parameters it
 * writes into the export's spec, and how a value is transformed with them. A step is first read
 * from the pipeline file ({@link #of}), then fitted ({@link #fit}); a fitted step is what the spec
 * holds and what the export applies, and it reads back from the spec ({@link #fromSpec}) to the
 * same step.
 */
public sealed interface Step {

  /** The kinds, by the {@code op} a pipeline file names them with. */
  Map<String, Function<StepConfig, Step>> KINDS = Kinds.ALL;

  /** The step a pipeline file declares, not fitted yet; throws naming the op when unknown. */
  static Step of(StepConfig c) {
    Function<StepConfig, Step> make = KINDS.get(c.op());
    if (make == null) {
      throw new IllegalArgumentException("not a transform step: " + c.op());
    }
    return make.apply(c);
  }

  /** The step a spec's entry describes, fitted. */
  static Step fromSpec(Map<String, Object> spec) {
    String op = (String) spec.get("op");
    return switch (op) {
      case "impute" ->
          new Impute((String) spec.get("strategy"), number(spec.get("value")), Boolean.FALSE);
      case "clip" ->
          new Clip(
              number(spec.get("lower_quantile")),
              number(spec.get("upper_quantile")),
              number(spec.get("lower")),
              number(spec.get("upper")));
      case "log1p" -> new Log1p();
      case "standard" -> new Standard(number(spec.get("mean")), number(spec.get("scale")));
      case "minmax" -> new MinMax(number(spec.get("min")), number(spec.get("max")));
      case "one_hot" ->
          new OneHot(
              strings(spec.get("vocabulary")),
              ((Number) spec.get("top_k")).intValue(),
              (String) spec.get("unseen"));
      case "ordinal" -> new Ordinal(strings(spec.get("vocabulary")));
      case "frequency" -> new Frequency(frequencies(spec.get("frequencies")));
      default -> throw new IllegalArgumentException("not a transform step in a spec: " + op);
    };
  }

  /** The name pipeline files use. */
  String op();

  /** Whether it reads text (an encoding of categories) rather than a number. */
  default boolean categorical() {
    return false;
  }

  /** Adds a problem, under {@code key}, for each key of {@code c} that is wrong or not its own. */
  void check(String key, StepConfig c, List<String> problems);

  /** The step fitted on the training values {@code x} of its input, read through {@code fit}. */
  Step fit(Fit fit, Field<?> x);

  /** Its entry in the export's spec: {@code op}, then its fitted parameters. */
  Map<String, Object> spec();

  /** What runs the fitting queries over the training rows. */
  interface Fit {
    /** The value of the aggregate over the training rows whose {@code x} is not null. */
    Double aggregate(Field<?> aggregate, Field<?> x);

    /**
     * The non-null values of {@code x} over the training rows with their rows, the most frequent
     * first (ties: the value's code points in order); at most {@code limit}, or all when it is 0.
     */
    LinkedHashMap<String, Long> counts(Field<?> x, int limit);
  }

  /** A step that maps a number to a number (null in, null out, unless it imputes). */
  sealed interface Numeric extends Step {
    Double apply(Double x);

    /** The same as SQL over {@code x}, for fitting the steps after it. */
    Field<Double> sql(Field<Double> x);
  }

  // ---------------------------------------------------------------------------------------------

  /** A missing value replaced by the training mean, median, or a constant. */
  record Impute(String strategy, Double value, Boolean indicator) implements Numeric {
    public String op() {
      return "impute";
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems, "strategy", "value", "indicator");
      if (!List.of("mean", "median", "constant").contains(String.valueOf(c.strategy()))) {
        problems.add(
            "key '" + key + ".strategy': mean, median or constant, got '" + c.strategy() + "'");
      } else if (c.value() != null && !Double.isFinite(c.value())) {
        problems.add("key '" + key + ".value': a finite number, got " + c.value());
      } else if ("constant".equals(c.strategy()) != (c.value() != null)) {
        problems.add(
            "key '"
                + key
                + ".value': "
                + ("constant".equals(c.strategy())
                    ? "strategy constant needs a value"
                    : "a value belongs to strategy constant"));
      }
    }

    public Step fit(Fit fit, Field<?> x) {
      Field<Double> v = x.cast(SQLDataType.DOUBLE);
      Double fitted =
          switch (strategy) {
            case "mean" ->
                fit.aggregate(DSL.avg(x.cast(SQLDataType.NUMERIC)).cast(SQLDataType.DOUBLE), x);
            case "median" -> fit.aggregate(DSL.percentileCont(0.5).withinGroupOrderBy(v), x);
            default -> value;
          };
      return new Impute(strategy, fitted, indicator);
    }

    public Map<String, Object> spec() {
      return entry(this, "strategy", strategy, "value", value);
    }

    public Double apply(Double x) {
      return x == null ? value : x;
    }

    public Field<Double> sql(Field<Double> x) {
      return DSL.coalesce(x, DSL.val(value, SQLDataType.DOUBLE));
    }
  }

  /** Values outside training quantiles raised or lowered to them. */
  record Clip(Double lowerQuantile, Double upperQuantile, Double lower, Double upper)
      implements Numeric {
    public String op() {
      return "clip";
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems, "lower", "upper");
      if (c.lower() == null && c.upper() == null) {
        problems.add("key '" + key + "': clip needs lower and/or upper (training quantiles)");
      }
      for (Double q : new Double[] {c.lower(), c.upper()}) {
        if (q != null && !(q >= 0 && q <= 1)) {
          problems.add("key '" + key + "': quantiles are within [0, 1], got " + q);
        }
      }
      if (c.lower() != null && c.upper() != null && c.lower() > c.upper()) {
        problems.add("key '" + key + "': lower must not be above upper");
      }
    }

    public Step fit(Fit fit, Field<?> x) {
      Field<Double> v = x.cast(SQLDataType.DOUBLE);
      return new Clip(
          lowerQuantile,
          upperQuantile,
          lowerQuantile == null
              ? null
              : fit.aggregate(DSL.percentileCont(lowerQuantile).withinGroupOrderBy(v), x),
          upperQuantile == null
              ? null
              : fit.aggregate(DSL.percentileCont(upperQuantile).withinGroupOrderBy(v), x));
    }

    public Map<String, Object> spec() {
      return entry(
          this,
          "lower_quantile",
          lowerQuantile,
          "upper_quantile",
          upperQuantile,
          "lower",
          lower,
          "upper",
          upper);
    }

    public Double apply(Double x) {
      if (x == null) {
        return null;
      }
      double y = x;
      if (lower != null && y < lower) {
        y = lower;
      }
      if (upper != null && y > upper) {
        y = upper;
      }
      return y;
    }

    public Field<Double> sql(Field<Double> x) {
      Field<Double> y = x;
      if (lower != null) {
        y = DSL.greatest(y, DSL.val(lower));
      }
      if (upper != null) {
        y = DSL.least(y, DSL.val(upper));
      }
      return DSL.when(x.isNull(), DSL.castNull(SQLDataType.DOUBLE)).otherwise(y);
    }
  }

  /** ln(1 + x); null where x <= -1. */
  record Log1p() implements Numeric {
    public String op() {
      return "log1p";
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems);
    }

    public Step fit(Fit fit, Field<?> x) {
      return this;
    }

    public Map<String, Object> spec() {
      return entry(this);
    }

    public Double apply(Double x) {
      return x == null || !(x > -1) ? null : Math.log1p(x);
    }

    public Field<Double> sql(Field<Double> x) {
      return DSL.when(x.gt(-1.0), DSL.field("ln(1 + {0})", SQLDataType.DOUBLE, x))
          .otherwise(DSL.castNull(SQLDataType.DOUBLE));
    }
  }

  /**
   * (x - training mean) / training standard deviation (the population's, as scikit-learn's
   * StandardScaler); x - mean when the deviation is 0.
   */
  record Standard(Double mean, Double scale) implements Numeric {
    public String op() {
      return "standard";
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems);
    }

    public Step fit(Fit fit, Field<?> x) {
      // exact sums, so the same rows give the same parameters in any physical order
      Field<java.math.BigDecimal> exact = x.cast(SQLDataType.NUMERIC);
      return new Standard(
          fit.aggregate(DSL.avg(exact).cast(SQLDataType.DOUBLE), x),
          fit.aggregate(DSL.stddevPop(exact).cast(SQLDataType.DOUBLE), x));
    }

    public Map<String, Object> spec() {
      return entry(this, "mean", mean, "scale", scale);
    }

    public Double apply(Double x) {
      if (x == null || mean == null) {
        return null;
      }
      return scale == null || scale == 0.0 ? x - mean : (x - mean) / scale;
    }

    public Field<Double> sql(Field<Double> x) {
      if (mean == null) {
        return DSL.castNull(SQLDataType.DOUBLE);
      }
      Field<Double> centred = x.minus(DSL.val(mean));
      return scale == null || scale == 0.0 ? centred : centred.div(DSL.val(scale));
    }
  }

  /** (x - training min) / (training max - training min); 0 when they are equal. */
  record MinMax(Double min, Double max) implements Numeric {
    public String op() {
      return "minmax";
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems);
    }

    public Step fit(Fit fit, Field<?> x) {
      Field<Double> v = x.cast(SQLDataType.DOUBLE);
      return new MinMax(fit.aggregate(DSL.min(v), x), fit.aggregate(DSL.max(v), x));
    }

    public Map<String, Object> spec() {
      return entry(this, "min", min, "max", max);
    }

    public Double apply(Double x) {
      if (x == null || min == null) {
        return null;
      }
      double range = max - min;
      return range == 0.0 ? 0.0 : (x - min) / range;
    }

    public Field<Double> sql(Field<Double> x) {
      if (min == null) {
        return DSL.castNull(SQLDataType.DOUBLE);
      }
      double range = max - min;
      return range == 0.0 ? DSL.inline(0.0) : x.minus(DSL.val(min)).div(DSL.val(range));
    }
  }

  /**
   * A column per one of the {@code topK} most frequent training values, 1 where the row has it;
   * with {@code unseen: other} one more, {@code __other__}, for any other value; a null is 0
   * everywhere.
   */
  record OneHot(List<String> vocabulary, int topK, String unseen) implements Step {
    static final int DEFAULT_TOP_K = 20;
    static final int MAX_TOP_K = 1000;

    public String op() {
      return "one_hot";
    }

    @Override
    public boolean categorical() {
      return true;
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems, "top_k", "unseen");
      if (c.topK() != null && (c.topK() < 1 || c.topK() > MAX_TOP_K)) {
        problems.add("key '" + key + ".top_k': 1.." + MAX_TOP_K + ", got " + c.topK());
      }
      if (c.unseen() != null && !List.of("other", "ignore", "error").contains(c.unseen())) {
        problems.add("key '" + key + ".unseen': other, ignore or error, got '" + c.unseen() + "'");
      }
    }

    public Step fit(Fit fit, Field<?> x) {
      return new OneHot(List.copyOf(fit.counts(x, topK).keySet()), topK, unseen);
    }

    public Map<String, Object> spec() {
      return entry(this, "top_k", topK, "unseen", unseen, "vocabulary", vocabulary);
    }

    /** Whether a value outside the vocabulary has a column of its own. */
    public boolean hasOther() {
      return "other".equals(unseen);
    }
  }

  /**
   * The value's position in the declared order, or among the sorted training values; -1 if none.
   */
  record Ordinal(List<String> vocabulary) implements Step {
    public String op() {
      return "ordinal";
    }

    @Override
    public boolean categorical() {
      return true;
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems, "order");
      if (c.order() != null
          && (c.order().isEmpty()
              || c.order().contains(null)
              || c.order().stream().distinct().count() != c.order().size())) {
        problems.add("key '" + key + ".order': distinct values (none of them null), at least one");
      }
    }

    public Step fit(Fit fit, Field<?> x) {
      if (vocabulary != null) {
        return new Ordinal(vocabulary);
      }
      List<String> values = new ArrayList<>(fit.counts(x, 0).keySet());
      Collections.sort(values, Step::compareCodePoints);
      return new Ordinal(List.copyOf(values));
    }

    public Map<String, Object> spec() {
      return entry(this, "vocabulary", vocabulary, "unseen_code", -1);
    }

    public Integer apply(String x) {
      return x == null ? null : vocabulary.indexOf(x);
    }
  }

  /** The share of the training rows (with a value) that have the row's value; 0 when none. */
  record Frequency(Map<String, Double> frequencies) implements Step {
    static final int MAX_VALUES = 10_000;

    public String op() {
      return "frequency";
    }

    @Override
    public boolean categorical() {
      return true;
    }

    public void check(String key, StepConfig c, List<String> problems) {
      onlyKeys(key, c, problems);
    }

    public Step fit(Fit fit, Field<?> x) {
      LinkedHashMap<String, Long> counts = fit.counts(x, MAX_VALUES + 1);
      if (counts.size() > MAX_VALUES) {
        throw new IllegalArgumentException(
            "frequency encoding takes at most "
                + MAX_VALUES
                + " distinct training values, and there are more: use one_hot with top_k");
      }
      long present = counts.values().stream().mapToLong(Long::longValue).sum();
      Map<String, Double> f = new LinkedHashMap<>();
      counts.forEach((v, n) -> f.put(v, (double) n / present));
      return new Frequency(Collections.unmodifiableMap(f));
    }

    public Map<String, Object> spec() {
      return entry(this, "frequencies", frequencies, "unseen_value", 0.0);
    }

    public Double apply(String x) {
      return x == null ? null : frequencies.getOrDefault(x, 0.0);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Orders text by code points, as Python's sorted() and PostgreSQL's "C" collation do. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static Map<String, Object> entry(Step s, Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", s.op());
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** A problem for every key of {@code c} set but not in {@code own}. */
  private static void onlyKeys(String key, StepConfig c, List<String> problems, String... own) {
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("strategy", c.strategy());
    set.put("value", c.value());
    set.put("indicator", c.indicator());
    set.put("lower", c.lower());
    set.put("upper", c.upper());
    set.put("top_k", c.topK());
    set.put("unseen", c.unseen());
    set.put("order", c.order());
    List<String> allowed = List.of(own);
    set.forEach(
        (k, v) -> {
          if (v != null && !allowed.contains(k)) {
            problems.add(
                "key '"
                    + key
                    + "."
                    + k
                    + "': "
                    + c.op()
                    + (allowed.isEmpty() ? " takes no keys" : " takes only " + allowed));
          }
        });
  }

  private static Double number(Object o) {
    return o == null ? null : ((Number) o).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object o) {
    return List.copyOf((List<String>) o);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double> frequencies(Object o) {
    Map<String, Double> m = new LinkedHashMap<>();
    ((Map<String, Object>) o).forEach((k, v) -> m.put(k, ((Number) v).doubleValue()));
    return Collections.unmodifiableMap(m);
  }

  /** The kinds' table, apart so the interface's constant can be built in order. */
  final class Kinds {
    static final Map<String, Function<StepConfig, Step>> ALL;

    static {
      Map<String, Function<StepConfig, Step>> m = new LinkedHashMap<>();
      m.put("impute", c -> new Impute(c.strategy(), c.value(), Boolean.TRUE.equals(c.indicator())));
      m.put("clip", c -> new Clip(c.lower(), c.upper(), null, null));
      m.put("log1p", c -> new Log1p());
      m.put("standard", c -> new Standard(null, null));
      m.put("minmax", c -> new MinMax(null, null));
      m.put(
          "one_hot",
          c ->
              new OneHot(
                  null,
                  c.topK() == null ? OneHot.DEFAULT_TOP_K : c.topK(),
                  c.unseen() == null ? "other" : c.unseen()));
      m.put(
          "ordinal",
          c ->
              new Ordinal(
                  c.order() == null
                      ? null
                      : Collections.unmodifiableList(new ArrayList<>(c.order()))));
      m.put("frequency", c -> new Frequency(null));
      ALL = Collections.unmodifiableMap(m);
    }

    private Kinds() {}
  }
}
