package io.sluice.activities.transform;

import io.sluice.activities.config.PipelineConfig.StepConfig;
import io.sluice.activities.config.PipelineConfig.TransformConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A feature set's declared transforms (docs/pipeline-yaml.md#transforms): checked against the
 * feature columns, fitted on the training rows of a split, and written as the spec that the export
 * applies and {@code metadata.json} carries (docs/exports.md#transforms).
 */
public final class Transforms {

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** The spec of one split's transforms: what they were fitted on, and every output column. */
  public record Spec(FittedOn fittedOn, List<Output> columns) {}

  /**
   * The training rows the parameters come from: their feature dates (inclusive), how many, and a
   * fingerprint of their input columns (the same rows give the same fingerprint).
   */
  public record FittedOn(
      String split, String fromDate, String toDate, long rows, String fingerprint) {}

  /**
   * An exported column: the feature it reads ({@code input}), its type ({@code double} or {@code
   * integer}), and the steps that make it, with their fitted parameters, in order.
   */
  public record Output(
      String name,
      String input,
      String type,
      String description,
      List<Map<String, Object>> steps) {}

  private Transforms() {}

  /** A value that a one-hot encoding declared with {@code unseen: error} has no column for. */
  public static final class UnseenCategory extends IllegalArgumentException {
    UnseenCategory(String message) {
      super(message);
    }
  }

  /**
   * Adds a problem for each wrong key of {@code transforms}, given the exported feature columns and
   * whether each is numeric ({@code true}), text ({@code false}) or neither (absent).
   */
  public static void check(
      List<String> problems,
      List<TransformConfig> transforms,
      Map<String, Boolean> numericByFeature,
      Set<String> taken) {
    Set<String> names = new HashSet<>(taken);
    for (int i = 0; i < transforms.size(); i++) {
      String key = "transforms[" + i + "]";
      TransformConfig t = transforms.get(i);
      if (t == null) {
        problems.add("key '" + key + "': column and steps");
        continue;
      }
      Boolean numeric = t.column() == null ? null : numericByFeature.get(t.column());
      if (t.column() == null || !numericByFeature.containsKey(t.column())) {
        problems.add(
            "key '"
                + key
                + ".column': one of the exported features "
                + numericByFeature.keySet()
                + ", got '"
                + t.column()
                + "'");
      }
      List<StepConfig> steps = t.steps() == null ? List.of() : t.steps();
      if (steps.isEmpty()) {
        problems.add("key '" + key + ".steps': at least one step, such as {op: standard}");
        continue;
      }
      for (int s = 0; s < steps.size(); s++) {
        String stepKey = key + ".steps[" + s + "]";
        StepConfig c = steps.get(s);
        if (c == null || !Step.KINDS.containsKey(c.op())) {
          problems.add(
              "key '"
                  + stepKey
                  + ".op': one of "
                  + Step.KINDS.keySet()
                  + ", got '"
                  + (c == null ? null : c.op())
                  + "'");
          continue;
        }
        Step step = Step.of(c);
        step.check(stepKey, c, problems);
        if (step.categorical() && steps.size() > 1) {
          problems.add(
              "key '"
                  + stepKey
                  + "': "
                  + c.op()
                  + " encodes a category and is a transform's only step");
        }
        if (step instanceof Step.Impute && s > 0) {
          problems.add("key '" + stepKey + "': impute comes first, where the feature is missing");
        }
        if (numeric != null && numeric != !step.categorical()) {
          problems.add(
              "key '"
                  + stepKey
                  + "': "
                  + c.op()
                  + " needs a "
                  + (step.categorical() ? "text" : "numeric")
                  + " feature, '"
                  + t.column()
                  + "' is "
                  + (numeric ? "numeric" : "text"));
        }
      }
      String name = name(t);
      if (name == null || !NAME.matcher(name).matches()) {
        problems.add(
            "key '"
                + key
                + ".name': a lower-case identifier of at most 63 characters, got '"
                + name
                + "'");
      } else if (!names.add(name) || (indicator(t) && !names.add(name + "_missing"))) {
        problems.add(
            "key '"
                + key
                + ".name': '"
                + name
                + "' is already a column of the export (a feature, another transform's or the"
                + " label): give each transform a name of its own");
      }
    }
  }

  /** The exported column's name: declared, or the feature's with the last step's op. */
  static String name(TransformConfig t) {
    if (t.name() != null) {
      return t.name();
    }
    if (t.column() == null
        || t.steps() == null
        || t.steps().isEmpty()
        || t.steps().get(t.steps().size() - 1) == null) {
      return null;
    }
    return t.column() + "_" + t.steps().get(t.steps().size() - 1).op();
  }

  private static boolean indicator(TransformConfig t) {
    return t.steps() != null
        && !t.steps().isEmpty()
        && t.steps().get(0) != null
        && "impute".equals(t.steps().get(0).op())
        && Boolean.TRUE.equals(t.steps().get(0).indicator());
  }

  /**
   * Fits {@code transforms} on the rows of {@code table} that {@code train} selects (feature dates
   * {@code from} to {@code to}), and names their output columns, none of them one of {@code taken}.
   */
  public static Spec fit(
      DSLContext tx,
      Table<Record> table,
      Condition train,
      String from,
      String to,
      List<TransformConfig> transforms,
      Set<String> taken) {
    Set<String> inputs = new java.util.LinkedHashSet<>();
    transforms.forEach(t -> inputs.add(t.column()));
    List<Field<?>> inputFields =
        inputs.stream().<Field<?>>map(c -> DSL.field(DSL.name(c))).toList();
    // the same rows, in any order, give the same fingerprint: a sum of one hash per row
    Record2<Integer, java.math.BigDecimal> id =
        tx.select(
                DSL.count(),
                DSL.sum(
                    DSL.field(
                        "hashtextextended(({0})::text, 0)::numeric",
                        SQLDataType.NUMERIC, DSL.row(inputFields))))
            .from(table)
            .where(train)
            .fetchOne();
    long rows = id.value1();
    String fingerprint =
        id.value2() == null
            ? null
            : String.format(
                "%016x",
                id.value2().toBigInteger().mod(java.math.BigInteger.TWO.pow(64)).longValue());
    Step.Fit fit = new SqlFit(tx, table, train);
    Set<String> names = new HashSet<>(taken);
    List<Output> outputs = new ArrayList<>();
    for (TransformConfig t : transforms) {
      String name = name(t);
      Field<Object> column = DSL.field(DSL.name(t.column()));
      Step first = Step.of(t.steps().get(0));
      try {
        if (first.categorical()) {
          Field<String> text = column.cast(SQLDataType.CLOB);
          Step fitted = first.fit(fit, text);
          outputs.addAll(categorical(t, name, fitted, names));
          continue;
        }
        List<Map<String, Object>> specs = new ArrayList<>();
        Field<Double> x = column.cast(SQLDataType.DOUBLE);
        for (StepConfig c : t.steps()) {
          Step.Numeric fitted = (Step.Numeric) Step.of(c).fit(fit, x);
          specs.add(fitted.spec());
          x = fitted.sql(x);
        }
        names.add(name);
        outputs.add(
            new Output(
                name, t.column(), "double", describe(t.column(), t.steps()), List.copyOf(specs)));
        if (indicator(t)) {
          names.add(name + "_missing");
          outputs.add(
              new Output(
                  name + "_missing",
                  t.column(),
                  "integer",
                  "1 where " + t.column() + " is null (before it is imputed), else 0",
                  List.of(Map.of("op", "missing_indicator"))));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "transform '" + name + "' of " + t.column() + ": " + e.getMessage(), e);
      }
    }
    return new Spec(new FittedOn("train", from, to, rows, fingerprint), List.copyOf(outputs));
  }

  private static List<Output> categorical(
      TransformConfig t, String name, Step fitted, Set<String> names) {
    Map<String, Object> spec = fitted.spec();
    if (fitted instanceof Step.OneHot h) {
      List<Output> out = new ArrayList<>();
      for (String v : h.vocabulary()) {
        Map<String, Object> s = new LinkedHashMap<>(spec);
        s.put("value", v);
        out.add(
            new Output(
                unique(name + "__" + slug(v), names),
                t.column(),
                "integer",
                "1 where "
                    + t.column()
                    + " is '"
                    + v
                    + "', else 0 (one-hot, vocabulary from the training split)",
                List.of(s)));
      }
      if (h.hasOther()) {
        Map<String, Object> s = new LinkedHashMap<>(spec);
        s.put("other", true);
        out.add(
            new Output(
                unique(name + "__other__", names),
                t.column(),
                "integer",
                "1 where "
                    + t.column()
                    + " has a value outside the one-hot vocabulary (rarer in training, or unseen),"
                    + " else 0",
                List.of(s)));
      }
      return out;
    }
    names.add(name);
    String what = fitted instanceof Step.Ordinal ? "integer" : "double";
    String description =
        fitted instanceof Step.Ordinal
            ? "the position of "
                + t.column()
                + " in the vocabulary (declared, or the training values sorted); -1 when not in it,"
                + " null when null"
            : "the share of training rows with "
                + t.column()
                + "'s value; 0 for a value not in training, null when null";
    return List.of(new Output(name, t.column(), what, description, List.of(spec)));
  }

  private static String describe(String column, List<StepConfig> steps) {
    StringBuilder b = new StringBuilder(column);
    for (StepConfig c : steps) {
      b.append(" -> ").append(c.op());
      if ("impute".equals(c.op())) {
        b.append('(').append(c.strategy()).append(')');
      }
    }
    return b.append(", fitted on the training split; null where the input is null (unless imputed)")
        .toString();
  }

  /** A column-name piece from a category: lower case, [a-z0-9_] only. */
  static String slug(String value) {
    String s =
        value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (s.isEmpty()) {
      s = "blank";
    }
    return s.length() > 40 ? s.substring(0, 40) : s;
  }

  private static String unique(String name, Set<String> names) {
    String n = name;
    for (int i = 2; !names.add(n); i++) {
      n = name + "_" + i;
    }
    return n;
  }

  /**
   * How an exported column is computed from its input's value, as the spec says: the steps of a
   * number in order, a missing indicator, or an encoding of a category. A one-hot encoding declared
   * with {@code unseen: error} throws {@link UnseenCategory} for a value outside its vocabulary.
   */
  public static java.util.function.Function<Object, Object> applier(Output o) {
    List<Map<String, Object>> steps = o.steps();
    Map<String, Object> first = steps.get(0);
    String op = (String) first.get("op");
    if ("missing_indicator".equals(op)) {
      return x -> x == null ? 1 : 0;
    }
    if ("one_hot".equals(op)) {
      @SuppressWarnings("unchecked")
      Set<String> vocabulary = new HashSet<>((List<String>) first.get("vocabulary"));
      boolean other = Boolean.TRUE.equals(first.get("other"));
      boolean error = "error".equals(first.get("unseen"));
      String value = (String) first.get("value");
      return x -> {
        if (x == null) {
          return 0;
        }
        String v = (String) x;
        if (error && !vocabulary.contains(v)) {
          throw new UnseenCategory(
              o.input()
                  + " has the value '"
                  + v
                  + "', which is not among the "
                  + vocabulary.size()
                  + (vocabulary.size() == 1 ? " training value" : " training values")
                  + " the one-hot encoding keeps (top_k: "
                  + first.get("top_k")
                  + ", unseen: error); declare unseen: other (a column for such values) or"
                  + " ignore (zeros) to export it");
        }
        return other ? (vocabulary.contains(v) ? 0 : 1) : (v.equals(value) ? 1 : 0);
      };
    }
    Step step = Step.fromSpec(first);
    if (step instanceof Step.Ordinal ordinal) {
      return x -> ordinal.apply((String) x);
    }
    if (step instanceof Step.Frequency frequency) {
      return x -> frequency.apply((String) x);
    }
    List<Step.Numeric> chain = steps.stream().map(s -> (Step.Numeric) Step.fromSpec(s)).toList();
    return x -> {
      Double y = x == null ? null : ((Number) x).doubleValue();
      for (Step.Numeric n : chain) {
        y = n.apply(y);
      }
      return y;
    };
  }

  /** The fit's queries over the training rows of one table. */
  private record SqlFit(DSLContext tx, Table<Record> table, Condition train) implements Step.Fit {
    public Double aggregate(Field<?> aggregate, Field<?> x) {
      Object v = tx.select(aggregate).from(table).where(train).and(x.isNotNull()).fetchOne(0);
      return v == null ? null : ((Number) v).doubleValue();
    }

    public LinkedHashMap<String, Long> counts(Field<?> x, int limit) {
      Field<String> text = x.cast(SQLDataType.CLOB);
      Table<?> grouped =
          DSL.select(text.as("v"), DSL.count().as("n"))
              .from(table)
              .where(train)
              .and(x.isNotNull())
              .groupBy(text)
              .asTable("g");
      Field<String> v = DSL.field(DSL.name("g", "v"), SQLDataType.CLOB);
      Field<Integer> n = DSL.field(DSL.name("g", "n"), SQLDataType.INTEGER);
      var q =
          tx.select(v, n)
              .from(grouped)
              .orderBy(n.desc(), DSL.field("{0} collate \"C\"", SQLDataType.CLOB, v));
      LinkedHashMap<String, Long> out = new LinkedHashMap<>();
      (limit > 0 ? q.limit(limit) : q)
          .fetch()
          .forEach(r -> out.put(r.value1(), r.value2().longValue()));
      return out;
    }
  }
}
