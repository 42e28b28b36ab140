package io.sluice.activities.features;

import io.sluice.activities.config.FeaturesConfig.Aggregate;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * An aggregate feature (docs/pipeline-yaml.md#features): each kind is a record that owns the checks
 * of its keys, its type and meaning, its SQL over a window of versions ({@link FeatureSet}), and
 * its part of the running state and how the feature is read back from it ({@link FeatureState}).
 */
public sealed interface Aggregation {

  Aggregate config();

  /** The kinds, by the {@code agg} a pipeline file names them with. */
  Map<String, Function<Aggregate, Aggregation>> KINDS = Kinds.ALL;

  static Aggregation of(Aggregate a) {
    Function<Aggregate, Aggregation> make = KINDS.get(a.agg());
    if (make == null) {
      throw new IllegalArgumentException("not an aggregate: " + a.agg());
    }
    return make.apply(a);
  }

  /** The column kinds it aggregates; empty when it takes no column. */
  Set<ColumnType.Kind> columnKinds();

  /** Adds a problem for each of its keys (under {@code key}) that is wrong. */
  default void check(String key, Checks c) {
    Aggregate a = config();
    if (a.numerator() != null || a.denominator() != null) {
      c.problem("key '" + key + "': numerator and denominator belong to agg: ratio");
    }
    if (a.value() != null && !(this instanceof Share)) {
      c.problem("key '" + key + ".value': a value belongs to agg: share");
    }
    c.window(key + ".window", a.window());
    if (a.filter() != null) {
      c.filterRef(key + ".filter", a.filter());
    }
    if (columnKinds().isEmpty()) {
      if (a.column() != null) {
        c.problem("key '" + key + ".column': " + a.agg() + " takes no column");
      }
      return;
    }
    ColumnType.Kind kind = c.column(key, a.column());
    if (kind != null && !columnKinds().contains(kind)) {
      c.problem(
          "key '"
              + key
              + ".column': "
              + a.agg()
              + " needs a "
              + columnKinds()
              + " column, '"
              + a.column()
              + "' is "
              + kind);
    }
  }

  /** What a pipeline file's checks give an aggregate to check itself against. */
  interface Checks {
    void problem(String message);

    /** A window of days ({@code 7d}), or a problem naming {@code key}. */
    void window(String key, String window);

    /** The name of a declared filter, or a problem naming {@code key}. */
    void filterRef(String key, String filter);

    /** The kind of a declared column, or null after a problem naming {@code key}.column. */
    ColumnType.Kind column(String key, String column);

    /** Whether an aggregate of this name is declared before the one being checked. */
    boolean declaredAbove(String name);
  }

  /** The feature table column's type. */
  DataType<?> type(DatasetSchema schema);

  /** The feature of an entity with no row at all (in a joined dataset): 0 or null. */
  default Field<?> whenNone() {
    return null;
  }

  /** What the feature is, and what it is when no row is in its window. */
  String describe(String rows);

  /**
   * The feature of each (entity, date) of a one-pass aggregation over the versions joined with the
   * dates they are read by.
   */
  Field<?> overWindow(Window w);

  /** What {@link #overWindow} aggregates over. */
  interface Window {
    /** The rows of the feature's window, passing its filter, as known at the date. */
    Condition rows(Aggregate a);

    /** The aggregated column of a row. */
    Field<Object> column(Aggregate a);

    /** The feature date. */
    Field<LocalDate> date();

    /** A row's event time. */
    Field<OffsetDateTime> eventTime();

    /** A feature declared before this one, as computed in the same pass. */
    Field<?> earlier(String name);
  }

  /**
   * Its part of the running state: running counts and sums per entity, or per-value counts (for
   * distinct counts, minima and maxima, latest dates). {@code i} is its index among the aggregates.
   */
  void state(int i, StateLayout layout);

  /** Where {@link #state} declares what it keeps. */
  interface StateLayout {
    /** A running count (of rows, or of non-null values of {@code column}) or sum, named. */
    void running(String name, String filter, int window, String column, boolean sum);

    /** A running count of the rows whose {@code column} is {@code value}, named. */
    void runningEqual(String name, String filter, int window, String column, String value);

    /** Per-value counts of {@code column} (null: the event date), for the aggregate. */
    void keyed(String aggregate, String filter, int window, String column);
  }

  /** The feature of the state's date, read from the state. */
  Field<?> fromState(int i, StateRead read);

  /** What {@link #fromState} reads from. */
  interface StateRead {
    /** The running column {@code name} of the entity's row. */
    Field<?> running(String name);

    /** A value of the aggregate's per-value counts: the number of values, the least, the most. */
    Field<?> keyed(Aggregate a, String what);

    /** A feature declared before this one, as read in the same query. */
    Field<?> earlier(String name);

    /** The state's date. */
    LocalDate date();
  }

  /** The window of days of a feature such as {@code 7d}. */
  default int windowDays() {
    return FeatureSet.windowDays(config().window());
  }

  // ---------------------------------------------------------------------------------------------

  /** Rows in the window. */
  record Count(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of();
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.INTEGER;
    }

    public String describe(String rows) {
      return "number of " + rows + "; 0 when none";
    }

    @Override
    public Field<?> whenNone() {
      return DSL.inline(0);
    }

    public Field<?> overWindow(Window w) {
      return DSL.count().filterWhere(w.rows(config));
    }

    public void state(int i, StateLayout layout) {
      layout.running("c" + i, config.filter(), windowDays(), null, false);
    }

    public Field<?> fromState(int i, StateRead read) {
      return read.running("c" + i).cast(SQLDataType.INTEGER);
    }
  }

  /** The sum of a numeric column over the window; 0 when none. */
  record Sum(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of(ColumnType.Kind.NUMBER);
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.NUMERIC;
    }

    public String describe(String rows) {
      return "sum of " + config.column() + " of " + rows + "; 0 when none";
    }

    @Override
    public Field<?> whenNone() {
      return DSL.inline(BigDecimal.ZERO);
    }

    public Field<?> overWindow(Window w) {
      return DSL.coalesce(
          DSL.sum(w.column(config).cast(SQLDataType.NUMERIC)).filterWhere(w.rows(config)),
          DSL.inline(BigDecimal.ZERO));
    }

    public void state(int i, StateLayout layout) {
      layout.running("s" + i, config.filter(), windowDays(), config.column(), true);
    }

    public Field<?> fromState(int i, StateRead read) {
      return read.running("s" + i);
    }
  }

  /**
   * The mean of a numeric column, as sum / count rather than avg(): the same division the running
   * state does, so a date advanced from the state and a date computed from its windows agree to the
   * last digit.
   */
  record Avg(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of(ColumnType.Kind.NUMBER);
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.NUMERIC;
    }

    public String describe(String rows) {
      return "mean of " + config.column() + " of " + rows + " (6 decimals); null when none";
    }

    public Field<?> overWindow(Window w) {
      Condition when = w.rows(config);
      Field<Object> x = w.column(config);
      return DSL.round(
          DSL.sum(x.cast(SQLDataType.NUMERIC))
              .filterWhere(when)
              .div(DSL.nullif(DSL.count(x).filterWhere(when), DSL.inline(0))),
          6);
    }

    public void state(int i, StateLayout layout) {
      layout.running("s" + i, config.filter(), windowDays(), config.column(), true);
      layout.running("c" + i, config.filter(), windowDays(), config.column(), false);
    }

    public Field<?> fromState(int i, StateRead read) {
      Field<BigDecimal> sum = read.running("s" + i).cast(SQLDataType.NUMERIC);
      Field<BigDecimal> count = read.running("c" + i).cast(SQLDataType.NUMERIC);
      return DSL.round(sum.div(DSL.nullif(count, BigDecimal.ZERO)), 6);
    }
  }

  /** The least value of a numeric or timestamp column; null when none. */
  record Min(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of(ColumnType.Kind.NUMBER, ColumnType.Kind.INSTANT);
    }

    public DataType<?> type(DatasetSchema schema) {
      return extremeType(schema, config);
    }

    public String describe(String rows) {
      return "min of " + config.column() + " of " + rows + "; null when none";
    }

    public Field<?> overWindow(Window w) {
      return DSL.min(w.column(config)).filterWhere(w.rows(config));
    }

    public void state(int i, StateLayout layout) {
      layout.keyed(config.name(), config.filter(), windowDays(), config.column());
    }

    public Field<?> fromState(int i, StateRead read) {
      return read.keyed(config, "min");
    }
  }

  /** The greatest value of a numeric or timestamp column; null when none. */
  record Max(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of(ColumnType.Kind.NUMBER, ColumnType.Kind.INSTANT);
    }

    public DataType<?> type(DatasetSchema schema) {
      return extremeType(schema, config);
    }

    public String describe(String rows) {
      return "max of " + config.column() + " of " + rows + "; null when none";
    }

    public Field<?> overWindow(Window w) {
      return DSL.max(w.column(config)).filterWhere(w.rows(config));
    }

    public void state(int i, StateLayout layout) {
      layout.keyed(config.name(), config.filter(), windowDays(), config.column());
    }

    public Field<?> fromState(int i, StateRead read) {
      return read.keyed(config, "max");
    }
  }

  /** Distinct values of any column; 0 when none. */
  record CountDistinct(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of(ColumnType.Kind.values());
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.INTEGER;
    }

    public String describe(String rows) {
      return "distinct " + config.column() + " of " + rows + "; 0 when none";
    }

    @Override
    public Field<?> whenNone() {
      return DSL.inline(0);
    }

    public Field<?> overWindow(Window w) {
      return DSL.countDistinct(w.column(config)).filterWhere(w.rows(config));
    }

    public void state(int i, StateLayout layout) {
      layout.keyed(config.name(), config.filter(), windowDays(), config.column());
    }

    public Field<?> fromState(int i, StateRead read) {
      return read.keyed(config, "count");
    }
  }

  /**
   * The value of a text column that the most rows of the window carry (ties: the least value, in
   * the database's collation); null when none.
   */
  record MostFrequent(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of(ColumnType.Kind.TEXT);
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.CLOB;
    }

    public String describe(String rows) {
      return "the most frequent "
          + config.column()
          + " of "
          + rows
          + " (ties: the least value); null when none";
    }

    public Field<?> overWindow(Window w) {
      // mode() reads the values in order and keeps the first with the highest count: the least.
      // A template, as jOOQ leaves the FILTER clause of an ordered-set aggregate out.
      return DSL.field(
          "mode() within group (order by {0}) filter (where {1})",
          SQLDataType.CLOB, w.column(config).cast(SQLDataType.CLOB), w.rows(config));
    }

    public void state(int i, StateLayout layout) {
      layout.keyed(config.name(), config.filter(), windowDays(), config.column());
    }

    public Field<?> fromState(int i, StateRead read) {
      return read.keyed(config, "mode");
    }
  }

  /**
   * The share of the window's rows whose text column is {@code value} (6 decimals); null when none.
   */
  record Share(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of(ColumnType.Kind.TEXT);
    }

    @Override
    public void check(String key, Checks c) {
      Aggregation.super.check(key, c);
      if (config.value() == null) {
        c.problem("key '" + key + ".value': share needs the value whose share it is");
      }
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.NUMERIC;
    }

    public String describe(String rows) {
      return "share of "
          + rows
          + " whose "
          + config.column()
          + " is '"
          + config.value()
          + "' (6 decimals); null when none";
    }

    public Field<?> overWindow(Window w) {
      Condition when = w.rows(config);
      return DSL.round(
          DSL.count()
              .filterWhere(when.and(w.column(config).cast(SQLDataType.CLOB).eq(config.value())))
              .cast(SQLDataType.NUMERIC)
              .div(DSL.nullif(DSL.count().filterWhere(when), DSL.inline(0))),
          6);
    }

    public void state(int i, StateLayout layout) {
      layout.running("c" + i, config.filter(), windowDays(), null, false);
      layout.runningEqual("v" + i, config.filter(), windowDays(), config.column(), config.value());
    }

    public Field<?> fromState(int i, StateRead read) {
      return DSL.round(
          read.running("v" + i)
              .cast(SQLDataType.NUMERIC)
              .div(DSL.nullif(read.running("c" + i).cast(SQLDataType.NUMERIC), BigDecimal.ZERO)),
          6);
    }
  }

  /** d minus the UTC date of the latest row in the window; null when none. */
  record DaysSinceLast(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of();
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.INTEGER;
    }

    public String describe(String rows) {
      return "d minus the UTC date of the latest of the " + rows + "; null when none";
    }

    public Field<?> overWindow(Window w) {
      return DSL.localDateDiff(
          w.date(),
          DSL.field(
              "(({0}) AT TIME ZONE 'UTC')::date",
              SQLDataType.LOCALDATE, DSL.max(w.eventTime()).filterWhere(w.rows(config))));
    }

    public void state(int i, StateLayout layout) {
      layout.keyed(config.name(), config.filter(), windowDays(), null);
    }

    public Field<?> fromState(int i, StateRead read) {
      return DSL.field(
          "({0} - ({1} + ({2})::integer))",
          SQLDataType.INTEGER,
          DSL.val(read.date()),
          DSL.inline(FeatureState.EPOCH),
          read.keyed(config, "max"));
    }
  }

  /** One aggregate declared above divided by another (6 decimals); null when it is 0. */
  record Ratio(Aggregate config) implements Aggregation {
    public Set<ColumnType.Kind> columnKinds() {
      return Set.of();
    }

    @Override
    public void check(String key, Checks c) {
      for (String side : new String[] {"numerator", "denominator"}) {
        String ref = "numerator".equals(side) ? config.numerator() : config.denominator();
        if (ref == null || !c.declaredAbove(ref) || ref.equals(config.name())) {
          c.problem(
              "key '"
                  + key
                  + "."
                  + side
                  + "': the name of an aggregate declared above, got '"
                  + ref
                  + "'");
        }
      }
      if (config.column() != null || config.filter() != null || config.window() != null) {
        c.problem("key '" + key + "': a ratio takes numerator and denominator only");
      }
    }

    public DataType<?> type(DatasetSchema schema) {
      return SQLDataType.NUMERIC;
    }

    public String describe(String rows) {
      return config.numerator()
          + " / "
          + config.denominator()
          + " (6 decimals); null when "
          + config.denominator()
          + " is 0";
    }

    public Field<?> overWindow(Window w) {
      return divide(w.earlier(config.numerator()), w.earlier(config.denominator()));
    }

    public void state(int i, StateLayout layout) {
      // computed from two others
    }

    public Field<?> fromState(int i, StateRead read) {
      return divide(read.earlier(config.numerator()), read.earlier(config.denominator()));
    }

    private static Field<BigDecimal> divide(Field<?> numerator, Field<?> denominator) {
      return DSL.round(
          numerator
              .cast(SQLDataType.NUMERIC)
              .div(DSL.nullif(denominator.cast(SQLDataType.NUMERIC), BigDecimal.ZERO)),
          6);
    }
  }

  private static DataType<?> extremeType(DatasetSchema schema, Aggregate a) {
    return schema.column(a.column()).type().kind() == ColumnType.Kind.INSTANT
        ? SQLDataType.TIMESTAMPWITHTIMEZONE
        : SQLDataType.NUMERIC;
  }

  /** The kinds' table, apart so the interface's constant can be built in order. */
  final class Kinds {
    static final Map<String, Function<Aggregate, Aggregation>> ALL;

    static {
      Map<String, Function<Aggregate, Aggregation>> m = new LinkedHashMap<>();
      m.put("count", Count::new);
      m.put("sum", Sum::new);
      m.put("avg", Avg::new);
      m.put("min", Min::new);
      m.put("max", Max::new);
      m.put("count_distinct", CountDistinct::new);
      m.put("most_frequent", MostFrequent::new);
      m.put("share", Share::new);
      m.put("days_since_last", DaysSinceLast::new);
      m.put("ratio", Ratio::new);
      ALL = Collections.unmodifiableMap(m);
    }

    private Kinds() {}
  }
}
