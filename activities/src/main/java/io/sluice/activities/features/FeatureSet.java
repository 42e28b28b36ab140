package io.sluice.activities.features;

import io.sluice.activities.config.FeaturesConfig;
import io.sluice.activities.config.FeaturesConfig.Aggregate;
import io.sluice.activities.config.FeaturesConfig.Filter;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.support.Hashing;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.RowN;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A dataset's declared features compiled to SQL with jOOQ, for any set of feature dates in one
 * set-based pass.
 *
 * <p>Knowledge time: for feature date d, every row is seen in the version that was current at the
 * end of partition d (the latest staged version of its primary key received in a partition {@code
 * <= d}; an events dataset's rows are never superseded); T is d + 1 day at 00:00 UTC and a window
 * of n days is [T - n days, T). Each version is valid for the feature dates from its partition up
 * to (not including) the partition of the next version, so the pass joins the dates with the
 * versions valid on them and aggregates per (date, entity). Data received after d, and events at or
 * after T, cannot reach a feature of d.
 */
public final class FeatureSet {

  /** A column of the feature table, with its SQL type and what a null means. */
  public record Column(String name, DataType<?> type, String description) {

    /** The column, unqualified, as a typed field. */
    public Field<?> field() {
      return DSL.field(DSL.name(name), type);
    }
  }

  /** The feature date column of a feature table. */
  public static Field<LocalDate> featureDate() {
    return DSL.field(FEATURE_DATE, LocalDate.class);
  }

  /** The label column of this feature set's table. */
  public Field<Short> label() {
    return DSL.field(DSL.name(labelName), SQLDataType.SMALLINT);
  }

  /** Every column of the feature table as fields, in order. */
  public List<Field<?>> fields() {
    return columns.stream().<Field<?>>map(Column::field).toList();
  }

  /** The numeric feature columns: the ones with scaling statistics and scaled exports. */
  public List<Field<?>> numericFeatures() {
    return featureColumns().stream()
        .filter(c -> c.type().isNumeric())
        .<Field<?>>map(Column::field)
        .toList();
  }

  private static final Name FEATURE_DATE = DSL.name("feature_date");
  private static final Name SUPERSEDED_ON = DSL.name("superseded_on");

  private final String dataset;
  private final String declaredIn;
  private final DatasetSchema schema;
  private final FeaturesConfig features;
  private final String entity;
  private final String eventTime;
  private final String labelName;
  private final int horizonDays;
  private final String labelFilter;
  private final List<Column> columns;
  private final NavigableSet<Integer> windows;
  private final int maxWindowDays;
  private final String featuresSql;
  private final List<JoinPart> joins;
  private final List<FeaturesConfig.Derived> derived;

  /** The label's rows when they are a joined dataset's (null: this dataset's own). */
  private final FeatureSet labelFrom;

  public FeatureSet(LoadedConfig loaded) {
    var c = loaded.config();
    this.dataset = loaded.name();
    this.declaredIn =
        (loaded.isFeatureSet() ? PipelineConfigLoader.FEATURE_SETS_DIR + "/" : "")
            + loaded.name()
            + ".yaml";
    this.schema = loaded.schema();
    this.features = c.features();
    this.entity = c.entityKey();
    this.eventTime = c.eventTime();
    this.labelName = c.label().name();
    this.horizonDays = c.label().horizonDays();
    this.labelFilter = c.label().filter();
    NavigableSet<Integer> w = new TreeSet<>(List.of(windowDays(features.population().window())));
    for (Aggregate a : features.aggregates()) {
      if (a.window() != null) {
        w.add(windowDays(a.window()));
      }
    }
    this.windows = Collections.unmodifiableNavigableSet(w);
    this.maxWindowDays = w.last();
    List<Column> cols = new ArrayList<>();
    cols.add(
        new Column(
            "feature_date", SQLDataType.LOCALDATE.notNull(), "the day d; T = d+1 00:00 UTC"));
    cols.add(new Column(entity, entityType().notNull(), "entity key"));
    for (Aggregate a : features.aggregates()) {
      if (!Boolean.FALSE.equals(a.export())) {
        cols.add(new Column(a.name(), type(a), describe(a)));
      }
    }
    var sql = features.sql();
    if (sql != null) {
      sql.columns()
          .forEach(
              (name, type) ->
                  cols.add(
                      new Column(
                          name,
                          sqlType(type),
                          "hand-written SQL ("
                              + sql.file()
                              + ", rows known at d with "
                              + eventTime
                              + " in [T-"
                              + sql.window()
                              + ", T)); null when it gives no row for the entity and date")));
    }
    this.featuresSql = loaded.featuresSql();
    List<JoinPart> parts = new ArrayList<>();
    if (features.joins() != null) {
      for (FeaturesConfig.Join j : features.joins()) {
        JoinPart part = JoinPart.of(j, loaded.joinedConfig(j.dataset()));
        parts.add(part);
        cols.addAll(part.columns());
      }
    }
    this.joins = List.copyOf(parts);
    String labelDataset = c.label().dataset();
    if (labelDataset == null || labelDataset.equals(c.dataset())) {
      this.labelFrom = null;
    } else {
      FeaturesConfig.Join j =
          features.joins().stream()
              .filter(x -> x.dataset().equals(labelDataset))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the label's dataset is not joined: " + labelDataset));
      this.labelFrom = JoinPart.labelOf(j, loaded.joinedConfig(labelDataset), c.label());
    }
    this.derived = features.derived() == null ? List.of() : List.copyOf(features.derived());
    for (FeaturesConfig.Derived dv : derived) {
      cols.add(new Column(dv.name(), SQLDataType.NUMERIC, Derivation.describe(dv)));
    }
    cols.add(
        new Column(
            labelName,
            SQLDataType.SMALLINT,
            "label: 1 when a '"
                + labelFilter
                + "' row"
                + (labelFrom == null ? "" : " of " + c.label().dataset())
                + " falls in [T, T+"
                + horizonDays
                + "d) as known at the end of partition d+"
                + horizonDays
                + ", else 0; null until that partition is staged"));
    this.columns = List.copyOf(cols);
  }

  public String dataset() {
    return dataset;
  }

  /** Its file, relative to the pipelines directory. */
  public String declaredIn() {
    return declaredIn;
  }

  public String entity() {
    return entity;
  }

  /** The entity key's staged type. */
  public DataType<?> entityType() {
    return schema.column(entity).type().staged();
  }

  DatasetSchema schema() {
    return schema;
  }

  // ---------------------------------------------------------------------------------------------
  // The staged table, under an alias

  /** The staged table as {@code alias}. */
  Table<?> staged(String alias) {
    return schema.staged().as(alias);
  }

  /** Every staged column of {@code alias}, in table order. */
  List<Field<?>> stagedFields(String alias) {
    return schema.stagedColumns().stream().<Field<?>>map(c -> c.of(DSL.name(alias))).toList();
  }

  /** The staged column {@code column} of {@code alias}. */
  Field<Object> staged(String alias, String column) {
    return DSL.field(DSL.name(alias, column));
  }

  static Field<LocalDate> partitionOf(String alias) {
    return DSL.field(DSL.name(alias, DatasetSchema.PARTITION_DATE), SQLDataType.LOCALDATE);
  }

  Field<OffsetDateTime> eventTimeOf(String alias) {
    return DSL.field(DSL.name(alias, eventTime), SQLDataType.TIMESTAMPWITHTIMEZONE);
  }

  /** The declared columns of the staged table, in table order (no partition, file or line). */
  List<String> declaredStagedColumns() {
    return schema.stagedColumns().stream()
        .filter(c -> c.declared() != null)
        .map(DatasetSchema.StagedColumn::name)
        .toList();
  }

  /** The primary key's columns of {@code alias}. */
  List<Field<Object>> keyOf(String alias) {
    return schema.primaryKey().stream().map(k -> staged(alias, k)).toList();
  }

  /** The primary key's columns of the table {@code t} (a derived table with the staged columns). */
  List<Field<Object>> keyOf(Table<?> t) {
    return schema.primaryKey().stream()
        .map(k -> DSL.field(DSL.name(t.getUnqualifiedName(), DSL.name(k))))
        .toList();
  }

  /** {@code a} and {@code b} are the same key. */
  static Condition sameKey(List<Field<Object>> a, List<Field<Object>> b) {
    Condition c = a.get(0).eq(b.get(0));
    for (int i = 1; i < a.size(); i++) {
      c = c.and(a.get(i).eq(b.get(i)));
    }
    return c;
  }

  FeaturesConfig features() {
    return features;
  }

  String eventTime() {
    return eventTime;
  }

  public String labelName() {
    return labelName;
  }

  public int horizonDays() {
    return horizonDays;
  }

  /** Every column of the feature table, in order: date, entity, features, label. */
  public List<Column> columns() {
    return columns;
  }

  /** The feature columns only (no date, entity or label). */
  public List<Column> featureColumns() {
    return columns.subList(2, columns.size() - 1);
  }

  /** The longest window: how far back in event time a feature of d can look. */
  public int maxWindowDays() {
    return maxWindowDays;
  }

  /** The days of a window such as {@code 30d}. */
  static int windowDays(String window) {
    return Integer.parseInt(window.substring(0, window.length() - 1));
  }

  // ---------------------------------------------------------------------------------------------
  // The versions, the dates and the join of the two

  /** T for a feature date: the next day at 00:00 UTC. */
  static OffsetDateTime endOf(LocalDate d) {
    return d.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
  }

  /** {@link #endOf(LocalDate)} in SQL. */
  static Field<OffsetDateTime> endOf(Field<LocalDate> d) {
    return DSL.field(
        "(({0} + 1)::timestamp AT TIME ZONE 'UTC')", SQLDataType.TIMESTAMPWITHTIMEZONE, d);
  }

  static Field<OffsetDateTime> minusDays(Field<OffsetDateTime> t, int days) {
    return DSL.field(
        "({0} - {1} * interval '1 day')", SQLDataType.TIMESTAMPWITHTIMEZONE, t, DSL.inline(days));
  }

  static Field<OffsetDateTime> plusDays(Field<OffsetDateTime> t, int days) {
    return minusDays(t, -days);
  }

  /** The feature dates as a table with one column, {@code feature_date}. */
  static Table<?> dates(Collection<LocalDate> dates) {
    return DSL.unnest(dates.toArray(LocalDate[]::new)).as("dates", FEATURE_DATE.last());
  }

  /**
   * The staged versions of every key that has some version with event time in [from, to) and was
   * received by {@code knownBy}, each with the partition that superseded it (null while it is the
   * latest; always null for an events dataset, whose rows all stand).
   */
  Table<?> versions(LocalDate knownBy, Field<OffsetDateTime> from, Field<OffsetDateTime> to) {
    return versionRows(knownBy, from, to).asTable("v");
  }

  private Select<? extends Record> versionRows(
      LocalDate knownBy, Field<OffsetDateTime> from, Field<OffsetDateTime> to) {
    List<SelectField<?>> fields = new ArrayList<>(stagedFields("s"));
    if (!schema.versioned()) {
      fields.add(DSL.castNull(SQLDataType.LOCALDATE).as(SUPERSEDED_ON));
      return DSL.select(fields)
          .from(staged("s"))
          .where(partitionOf("s").le(knownBy))
          .and(eventTimeOf("s").ge(from))
          .and(eventTimeOf("s").lt(to));
    }
    fields.add(
        DSL.lead(partitionOf("s"))
            .over(DSL.partitionBy(keyOf("s")).orderBy(partitionOf("s")))
            .as(SUPERSEDED_ON));
    Condition wInWindow =
        partitionOf("w").le(knownBy).and(eventTimeOf("w").ge(from)).and(eventTimeOf("w").lt(to));
    List<Field<Object>> key = keyOf("s");
    // one key column: an IN PostgreSQL turns into a hashed semi-join; more: the same as EXISTS
    Condition hasVersionInWindow =
        key.size() == 1
            ? key.get(0).in(DSL.select(keyOf("w").get(0)).from(staged("w")).where(wInWindow))
            : DSL.exists(
                DSL.selectOne().from(staged("w")).where(sameKey(keyOf("w"), key)).and(wInWindow));
    return DSL.select(fields)
        .from(staged("s"))
        .where(partitionOf("s").le(knownBy))
        .and(hasVersionInWindow);
  }

  /**
   * A lateral table {@code next} with one column, superseded_on: the first partition after {@code
   * partition}, up to {@code knownBy}, with a version of the key {@code key} (null when none).
   * Lateral rather than a scalar subquery, which PostgreSQL would run again for every reference to
   * the column. Only for a versioned dataset: an events dataset's rows are never superseded.
   */
  Table<?> supersededBy(List<Field<Object>> key, Field<LocalDate> partition, LocalDate knownBy) {
    return DSL.lateral(
            DSL.select(DSL.min(partitionOf("x")).as(SUPERSEDED_ON))
                .from(staged("x"))
                .where(sameKey(keyOf("x"), key))
                .and(partitionOf("x").gt(partition))
                .and(partitionOf("x").le(knownBy)))
        .as("next");
  }

  /** Condition: the version of {@code v} is the one current at the end of partition {@code k}. */
  private static Condition currentAt(Table<?> v, Field<LocalDate> k) {
    Field<LocalDate> superseded = v.field(SUPERSEDED_ON, LocalDate.class);
    return partition(v).le(k).and(superseded.isNull().or(superseded.gt(k)));
  }

  /** The partition column of a derived table of staged rows. */
  static Field<LocalDate> partition(Table<?> v) {
    return v.field(DSL.name(DatasetSchema.PARTITION_DATE), LocalDate.class);
  }

  /**
   * The column {@code name} of {@code v}: a field of a derived table, or for a table whose columns
   * jOOQ does not know (the staged table under an alias), the column by name.
   */
  static <T> Field<T> col(Table<?> v, String name, Class<T> type) {
    Field<T> f = v.field(DSL.name(name), type);
    return f != null ? f : DSL.field(DSL.name(v.getUnqualifiedName(), DSL.name(name)), type);
  }

  /** The column {@code name} of {@code t} by name alone, for a table whose columns jOOQ lacks. */
  private static <T> Field<T> named(Table<?> t, Name name, Class<T> type) {
    return DSL.field(DSL.name(t.getUnqualifiedName(), name), type);
  }

  /** The named filter of the config over the columns of {@code v}; true for no name. */
  Condition filter(Table<?> v, String name) {
    if (name == null) {
      return DSL.trueCondition();
    }
    Filter f = features.filters().get(name);
    if (f.in() != null && !f.in().isEmpty()) {
      return col(v, f.column(), String.class).in(f.in());
    }
    Field<BigDecimal> x = col(v, f.column(), Object.class).cast(SQLDataType.NUMERIC);
    Condition c = DSL.trueCondition();
    if (f.min() != null) {
      c = c.and(x.ge(f.min()));
    }
    if (f.max() != null) {
      c = c.and(x.le(f.max()));
    }
    return c;
  }

  // ---------------------------------------------------------------------------------------------
  // Features

  /**
   * One row per (feature date, entity) of the population, for every date in {@code dates}: the
   * date, the entity and the exported features, in column order.
   */
  public Select<? extends Record> featureRows(Collection<LocalDate> dates) {
    return withSql(aggregateRows(dates, null), dates);
  }

  /**
   * {@link #featureRows} with the label as the last column, from the same pass: 1 or 0 for the
   * dates in {@code labelled} (whose partition d + horizon is staged), null for the others.
   */
  Select<? extends Record> labelledRows(
      Collection<LocalDate> dates, Collection<LocalDate> labelled) {
    if (labelFrom != null) {
      // the label's rows are another dataset's: not in this pass, from its positives
      return withLabel(withSql(aggregateRows(dates, null), dates), labelled);
    }
    return withSql(aggregateRows(dates, labelled), dates);
  }

  /**
   * {@code rows} (date, entity, aggregates of {@code dates}) with the hand-written SQL features
   * joined on: the SELECT of the config's SQL file over {@code known}, the rows known at each date.
   */
  Select<? extends Record> withSql(Select<? extends Record> rows, Collection<LocalDate> dates) {
    return withJoins(withSqlFeatures(rows, dates), dates);
  }

  /**
   * {@code rows} (date, entity, the features before the joins) with the joined datasets' features
   * and the derived features after them (docs/pipeline-yaml.md#joins).
   */
  private Select<? extends Record> withJoins(
      Select<? extends Record> rows, Collection<LocalDate> dates) {
    if (joins.isEmpty() && derived.isEmpty()) {
      return rows;
    }
    Table<?> r = rows.asTable("r");
    Field<LocalDate> fd = DSL.field(DSL.name("r", FEATURE_DATE.last()), LocalDate.class);
    Field<Object> key = DSL.field(DSL.name("r", entity));
    List<SelectField<?>> select = new ArrayList<>();
    for (Field<?> f : r.fields()) {
      select.add(DSL.field(DSL.name("r", f.getName()), f.getDataType()).as(f.getName()));
    }
    org.jooq.TableLike<?> from = r;
    Table<?> joined = r;
    for (int i = 0; i < joins.size(); i++) {
      JoinPart part = joins.get(i);
      String alias = "j" + i;
      joined = part.join(joined, alias, fd, key, dates);
      select.addAll(part.select(alias));
    }
    from = joined;
    Select<? extends Record> all = DSL.select(select).from(from);
    if (derived.isEmpty()) {
      return all;
    }
    Table<?> x = all.asTable("x");
    List<SelectField<?>> out = new ArrayList<>();
    for (Field<?> f : x.fields()) {
      out.add(DSL.field(DSL.name("x", f.getName()), f.getDataType()).as(f.getName()));
    }
    Map<String, Field<?>> earlier = new LinkedHashMap<>();
    for (FeaturesConfig.Derived dv : derived) {
      Field<java.math.BigDecimal> f =
          Derivation.of(
              dv,
              name ->
                  earlier.containsKey(name) ? earlier.get(name) : DSL.field(DSL.name("x", name)));
      earlier.put(dv.name(), f);
      out.add(f.as(dv.name()));
    }
    return DSL.select(out).from(x);
  }

  /** {@code rows} with the hand-written SQL features joined on, when there are any. */
  private Select<? extends Record> withSqlFeatures(
      Select<? extends Record> rows, Collection<LocalDate> dates) {
    if (featuresSql == null) {
      return rows;
    }
    var sql = features.sql();
    LocalDate first = dates.stream().min(LocalDate::compareTo).orElseThrow();
    LocalDate last = dates.stream().max(LocalDate::compareTo).orElseThrow();
    int window = windowDays(sql.window());
    Table<?> d = dates(dates);
    Field<LocalDate> fd = d.field(FEATURE_DATE, LocalDate.class);
    Table<?> v = versions(last, minusDays(endOf(DSL.val(first)), window), endOf(DSL.val(last)));
    Field<OffsetDateTime> t = endOf(fd);
    Field<OffsetDateTime> ts = col(v, eventTime, OffsetDateTime.class);
    List<SelectField<?>> known = new ArrayList<>();
    known.add(fd.as(FEATURE_DATE));
    known.add(t.as("t"));
    for (String c : declaredStagedColumns()) {
      known.add(col(v, c, Object.class).as(c));
    }
    Select<?> knownRows =
        DSL.select(known)
            .from(d)
            .join(v)
            .on(currentAt(v, fd))
            .and(ts.ge(minusDays(t, window)))
            .and(ts.lt(t));
    Table<?> u =
        DSL.table(
                "(WITH known AS ({0}) SELECT * FROM ({1}\n) AS u0)",
                knownRows, DSL.raw(featuresSql))
            .as("u");
    Table<?> r = rows.asTable("r");
    List<SelectField<?>> select = new ArrayList<>(List.of(r.fields()));
    for (Column c : columns) {
      if (sql.columns().containsKey(c.name())) {
        select.add(DSL.field(DSL.name("u", c.name())).cast(c.type()).as(c.name()));
      }
    }
    Field<String> key = DSL.field(DSL.name("r", entity), String.class);
    return DSL.select(select)
        .from(r)
        .leftJoin(u)
        .on(
            DSL.field(DSL.name("u", "feature_date"), LocalDate.class)
                .eq(r.field(FEATURE_DATE, LocalDate.class)))
        .and(DSL.field(DSL.name("u", entity), String.class).eq(key));
  }

  private static DataType<?> sqlType(String type) {
    return switch (type) {
      case "integer" -> SQLDataType.INTEGER;
      case "bigint" -> SQLDataType.BIGINT;
      case "numeric" -> SQLDataType.NUMERIC;
      case "double precision" -> SQLDataType.DOUBLE;
      case "boolean" -> SQLDataType.BOOLEAN;
      case "date" -> SQLDataType.LOCALDATE;
      case "timestamptz" -> SQLDataType.TIMESTAMPWITHTIMEZONE;
      default -> SQLDataType.CLOB;
    };
  }

  /**
   * The date, entity and aggregate features of {@code dates}, without the SQL features; with the
   * label last when {@code labelled} is not null (see {@link #labelledRows}).
   *
   * <p>One pass: the versions, in entity order, joined with the dates each is read by (its features
   * at d, or with a label, the label window [T, T + horizon) as known at d + horizon), then
   * aggregated per (entity, date). Entities are compared byte-wise (collation "C"): grouping is the
   * same as under the database's collation, which is deterministic, and because the versions come
   * sorted by entity PostgreSQL sorts each entity's few rows by date (an incremental sort) instead
   * of every (date, version) pair of the range. The window bounds of each date come with the date
   * (computed here, in UTC like every session of Sluice's), not computed again for every row
   * (docs/adr/0004-one-pass-range-features.md).
   */
  private Select<? extends Record> aggregateRows(
      Collection<LocalDate> dates, Collection<LocalDate> labelled) {
    LocalDate first = dates.stream().min(LocalDate::compareTo).orElseThrow();
    LocalDate last = dates.stream().max(LocalDate::compareTo).orElseThrow();
    int h = labelled == null || labelled.isEmpty() ? 0 : horizonDays;
    Table<?> v =
        byEntity(
            versionRows(
                last.plusDays(h),
                minusDays(endOf(DSL.val(first)), maxWindowDays),
                plusDays(endOf(DSL.val(last)), h)));
    Bounds d = new Bounds(dates, h);
    Field<LocalDate> fd = d.date();
    Field<OffsetDateTime> t = d.since(0);
    Field<OffsetDateTime> ts = col(v, eventTime, OffsetDateTime.class);
    Field<LocalDate> partition = partition(v);
    Field<LocalDate> superseded = v.field(SUPERSEDED_ON, LocalDate.class);
    Field<String> key = col(v, entity, String.class);
    // read by the features of d: current at d (the join holds the rest) and before T
    Condition known = partition.le(fd).and(ts.lt(t));
    Map<String, Field<?>> byName = new LinkedHashMap<>();
    List<SelectField<?>> select = new ArrayList<>();
    select.add(fd.as(FEATURE_DATE));
    select.add(key.as(entity));
    Aggregation.Window window =
        new Aggregation.Window() {
          public Condition rows(Aggregate a) {
            return known.and(filter(v, a.filter())).and(ts.ge(d.since(windowDays(a.window()))));
          }

          public Field<Object> column(Aggregate a) {
            return col(v, a.column(), Object.class);
          }

          public Field<LocalDate> date() {
            return fd;
          }

          public Field<OffsetDateTime> eventTime() {
            return ts;
          }

          public Field<?> earlier(String name) {
            return byName.get(name);
          }
        };
    for (Aggregate a : features.aggregates()) {
      Field<?> f = Aggregation.of(a).overWindow(window);
      byName.put(a.name(), f);
      if (!Boolean.FALSE.equals(a.export())) {
        select.add(f.as(a.name()));
      }
    }
    if (labelled != null) {
      // read by the label of d: current at d + horizon, in [T, T + horizon), a label row
      Condition labelRow =
          ts.ge(t)
              .and(superseded.isNull().or(superseded.gt(d.labelKnownBy())))
              .and(filter(v, labelFilter));
      Field<Short> label =
          DSL.when(DSL.count().filterWhere(labelRow).gt(0), DSL.inline((short) 1))
              .otherwise(DSL.inline((short) 0));
      select.add(
          (labelled.isEmpty()
                  ? DSL.castNull(SQLDataType.SMALLINT)
                  : DSL.when(fd.in(labelled), label).otherwise(DSL.castNull(SQLDataType.SMALLINT)))
              .as(labelName));
    }
    Condition inPopulation =
        DSL.count()
            .filterWhere(
                known
                    .and(filter(v, features.population().filter()))
                    .and(ts.ge(d.since(windowDays(features.population().window())))))
            .gt(0);
    return DSL.select(select)
        .from(v)
        .join(d.table())
        .on(partition.le(d.labelKnownBy()))
        .and(superseded.isNull().or(superseded.gt(fd)))
        .and(ts.ge(d.since(maxWindowDays)))
        .and(ts.lt(d.labelUntil()))
        .groupBy(key, fd)
        .having(inPopulation);
  }

  /**
   * The feature dates as a table of literal rows: each date d with T - n days for every window n of
   * the feature set (n = 0 is T), d + horizon and T + horizon days ({@code h} = 0 without labels).
   */
  private final class Bounds {
    private final Table<?> table;
    private final Map<Integer, Integer> windowColumn = new LinkedHashMap<>();

    Bounds(Collection<LocalDate> dates, int h) {
      Set<Integer> bounds = new TreeSet<>(windows);
      bounds.add(0);
      List<String> names =
          new ArrayList<>(List.of(FEATURE_DATE.last(), "label_known_by", "label_until"));
      for (int n : bounds) {
        windowColumn.put(n, names.size());
        names.add("t_minus_" + n + "d");
      }
      List<RowN> rows = new ArrayList<>();
      for (LocalDate fd : dates) {
        OffsetDateTime end = endOf(fd);
        List<Object> row = new ArrayList<>(List.of(fd, fd.plusDays(h), end.plusDays(h)));
        for (int n : bounds) {
          row.add(end.minusDays(n));
        }
        rows.add(DSL.row(row.stream().map(DSL::val).toArray(Field[]::new)));
      }
      this.table = DSL.values(rows.toArray(RowN[]::new)).as("dates", names.toArray(String[]::new));
    }

    Table<?> table() {
      return table;
    }

    Field<LocalDate> date() {
      return table.field(0, LocalDate.class);
    }

    Field<LocalDate> labelKnownBy() {
      return table.field(1, LocalDate.class);
    }

    Field<OffsetDateTime> labelUntil() {
      return table.field(2, OffsetDateTime.class);
    }

    /** T - n days. */
    Field<OffsetDateTime> since(int n) {
      return table.field(windowColumn.get(n), OffsetDateTime.class);
    }
  }

  /** The versions of {@code rows} in entity order, the entity under collation "C". */
  private Table<?> byEntity(Select<? extends Record> rows) {
    Table<?> all = rows.asTable("vs");
    Field<?> key = schema.sortable(entity, col(all, entity, String.class));
    Set<String> read = new HashSet<>(List.of(eventTime, DatasetSchema.PARTITION_DATE));
    read.add(SUPERSEDED_ON.last());
    features.filters().values().forEach(f -> read.add(f.column()));
    features.aggregates().stream().map(Aggregate::column).filter(c -> c != null).forEach(read::add);
    List<SelectField<?>> fields = new ArrayList<>(List.of(key.as(entity)));
    for (Field<?> f : all.fields()) {
      if (read.contains(f.getName()) && !f.getName().equals(entity)) {
        fields.add(f);
      }
    }
    return DSL.select(fields).from(all).orderBy(key).asTable("v");
  }

  // ---------------------------------------------------------------------------------------------
  // Labels

  /**
   * (feature date, entity) of every entity with a label-filter row whose event time is in [T, T +
   * horizon), as known at the end of partition d + horizon, for every date in {@code dates}.
   */
  public Select<? extends Record> labelPositives(Collection<LocalDate> dates) {
    if (labelFrom != null) {
      Table<?> p = labelFrom.labelPositives(dates).asTable("lp");
      return DSL.select(
              DSL.field(DSL.name("lp", FEATURE_DATE.last()), LocalDate.class).as(FEATURE_DATE),
              DSL.field(DSL.name("lp", labelFrom.entity())).as(entity))
          .from(p);
    }
    if (dates.size() == 1) {
      return labelPositives(dates.iterator().next());
    }
    LocalDate first = dates.stream().min(LocalDate::compareTo).orElseThrow();
    LocalDate last = dates.stream().max(LocalDate::compareTo).orElseThrow();
    Table<?> d = dates(dates);
    Field<LocalDate> fd = d.field(FEATURE_DATE, LocalDate.class);
    Field<OffsetDateTime> from = endOf(DSL.val(first));
    Field<OffsetDateTime> to = plusDays(endOf(DSL.val(last)), horizonDays);
    LocalDate knownBy = last.plusDays(horizonDays);
    Table<?> v = versions(knownBy, from, to);
    Field<OffsetDateTime> t = endOf(fd);
    Field<OffsetDateTime> ts = col(v, eventTime, OffsetDateTime.class);
    return DSL.selectDistinct(fd.as(FEATURE_DATE), col(v, entity, String.class).as(entity))
        .from(d)
        .join(v)
        .on(currentAt(v, DSL.localDateAdd(fd, horizonDays)))
        .and(ts.ge(t))
        .and(ts.lt(plusDays(t, horizonDays)))
        .and(filter(v, labelFilter));
  }

  /**
   * The positives of one date: the label-filter versions with event time in [T, T + horizon)
   * received by d + horizon that no partition after theirs, up to d + horizon, superseded (an
   * anti-join on the primary key, stopping at the first later version), the bounds as literals. It
   * reads the window's rows only, where the window function of {@link #versions} sorts every
   * version of their orders, and lets PostgreSQL scan in parallel and hash the entities
   * (docs/adr/0008-daily-runs-advance-a-running-state.md).
   */
  private Select<? extends Record> labelPositives(LocalDate d) {
    LocalDate knownBy = d.plusDays(horizonDays);
    OffsetDateTime t = endOf(d);
    Table<?> v = staged("v");
    Field<OffsetDateTime> ts = eventTimeOf("v");
    var positives =
        DSL.selectDistinct(DSL.val(d).as(FEATURE_DATE), col(v, entity, String.class).as(entity))
            .from(v)
            .where(partitionOf("v").le(knownBy))
            .and(ts.ge(t))
            .and(ts.lt(t.plusDays(horizonDays)))
            .and(filter(v, labelFilter));
    if (!schema.versioned()) {
      return positives;
    }
    return positives.andNotExists(
        DSL.selectOne()
            .from(staged("x"))
            .where(sameKey(keyOf("x"), keyOf("v")))
            .and(partitionOf("x").gt(partitionOf("v")))
            .and(partitionOf("x").le(knownBy)));
  }

  /** The label of a row of {@code positives}' dates: 1 when the entity is among them, else 0. */
  private Field<Short> label(Table<?> positives, Field<LocalDate> fd, Field<String> key) {
    return DSL.when(
            DSL.row(fd, key)
                .in(
                    DSL.select(
                            named(positives, FEATURE_DATE, LocalDate.class),
                            named(positives, DSL.name(entity), String.class))
                        .from(positives)),
            DSL.inline((short) 1))
        .otherwise(DSL.inline((short) 0));
  }

  // ---------------------------------------------------------------------------------------------
  // The feature table

  /**
   * The feature table of this feature set: {@code feats.<dataset>_<first 12 of the SQL hash>}. A
   * change to the features, the label or the SQL Sluice generates for them is a new table, so rows
   * computed by different definitions never mix.
   */
  public Table<Record> table(DSLContext dsl) {
    return DSL.table(DSL.name("feats", dataset + "_" + sqlHash(dsl).substring(0, 12)));
  }

  /** {@code feats.<dataset>_features}: the stable name of the current feature set's table. */
  public Table<Record> view() {
    return DSL.table(DSL.name("feats", dataset + "_features"));
  }

  /**
   * Points {@link #view()} at this feature set's table, through the owner's function {@code
   * feats.point_features_view}, which checks both names: the worker itself needs no DDL privilege.
   */
  public void pointView(DSLContext dsl) {
    dsl.execute("SELECT feats.point_features_view(?, ?)", dataset, table(dsl).getName());
  }

  /** Creates the feature table when it does not exist yet. */
  public void createTable(DSLContext dsl) {
    dsl.createTableIfNotExists(table(dsl))
        .columns(fields())
        .constraints(DSL.primaryKey(featureDate(), DSL.field(DSL.name(entity))))
        .execute();
  }

  /**
   * Inserts the rows of {@code dates} (which must not be in the table yet) with their labels for
   * the dates in {@code labelled} (whose partition d + horizon is staged) and null for the others.
   */
  public org.jooq.Insert<?> insert(
      DSLContext dsl, Collection<LocalDate> dates, Collection<LocalDate> labelled) {
    Table<?> f = labelledRows(dates, labelled).asTable("f");
    List<SelectField<?>> select = new ArrayList<>();
    for (Column c : columns) {
      select.add(f.field(DSL.name(c.name())));
    }
    return dsl.insertInto(table(dsl)).columns(fields()).select(DSL.select(select).from(f));
  }

  /**
   * Inserts {@code rows} (in column order without the label, of dates not in the table yet) with
   * their labels for the dates in {@code labelled} and null for the others.
   */
  org.jooq.Insert<?> insert(
      DSLContext dsl, Select<? extends Record> rows, Collection<LocalDate> labelled) {
    return dsl.insertInto(table(dsl)).columns(fields()).select(withLabel(rows, labelled));
  }

  /**
   * {@code rows} (date, entity, features) with the label last: 1 or 0 from the positives of the
   * dates in {@code labelled}, null for the others.
   */
  private Select<? extends Record> withLabel(
      Select<? extends Record> rows, Collection<LocalDate> labelled) {
    Table<?> f = rows.asTable("f");
    Field<LocalDate> fd = f.field(FEATURE_DATE, LocalDate.class);
    Field<String> key = f.field(DSL.name(entity), String.class);
    List<SelectField<?>> select = new ArrayList<>(List.of(f.fields()));
    if (labelled.isEmpty()) {
      select.add(DSL.castNull(SQLDataType.SMALLINT).as(labelName));
    } else {
      Table<?> p = labelPositives(labelled).asTable("p");
      select.add(
          DSL.when(fd.in(labelled), label(p, fd, key))
              .otherwise(DSL.castNull(SQLDataType.SMALLINT))
              .as(labelName));
    }
    return DSL.select(select).from(f);
  }

  /**
   * Sets the label of every row of the dates in {@code labelled} (their label partition is staged)
   * and returns how many rows it set. The positives go to a temporary table first: PostgreSQL runs
   * no part of an UPDATE in parallel, a CREATE TABLE ... AS it may.
   */
  public long fillLabels(DSLContext tx, Collection<LocalDate> labelled) {
    Table<Record> positives = DSL.table(DSL.name("label_positives"));
    tx.createTemporaryTable(positives).as(labelPositives(labelled)).onCommitDrop().execute();
    Table<Record> t = table(tx);
    Field<LocalDate> fd = named(t, FEATURE_DATE, LocalDate.class);
    Field<String> key = named(t, DSL.name(entity), String.class);
    long filled =
        tx.update(t)
            .set(DSL.field(DSL.name(labelName), SQLDataType.SMALLINT), label(positives, fd, key))
            .where(fd.in(labelled))
            .execute();
    tx.dropTable(positives).execute();
    return filled;
  }

  /**
   * SHA-256 of the SQL this feature set runs (rendered for fixed dates, bind values inlined) and of
   * its table's columns: what makes two runs' rows comparable.
   */
  public String sqlHash(DSLContext dsl) {
    List<LocalDate> any = List.of(LocalDate.of(2000, 1, 1));
    StringBuilder b = new StringBuilder();
    for (Column c : columns) {
      b.append(c.name()).append(' ').append(c.type().getCastTypeName()).append('\n');
    }
    b.append(dsl.renderInlined(featureRows(any))).append('\n');
    b.append(dsl.renderInlined(labelledRows(any, any))).append('\n');
    b.append(dsl.renderInlined(labelPositives(any))).append('\n');
    b.append(dsl.renderInlined(labelPositives(List.of(any.get(0), any.get(0).plusDays(1)))));
    b.append('\n');
    b.append(new FeatureState(this, DSL.table(DSL.name("feats", "t"))).sql(dsl, any.get(0)));
    return Hashing.sha256Hex(b.toString());
  }

  private DataType<?> type(Aggregate a) {
    return Aggregation.of(a).type(schema);
  }

  private String describe(Aggregate a) {
    String rows =
        (a.filter() == null ? "rows" : "'" + a.filter() + "' rows")
            + " with "
            + eventTime
            + " in [T-"
            + a.window()
            + ", T)";
    return Aggregation.of(a).describe(rows);
  }
}
