package io.sluice.activities.features;

import io.sluice.activities.config.FeaturesConfig.Aggregate;
import io.sluice.activities.dataset.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The running state of a feature set, so that the daily run reads one day's worth of rows rather
 * than every window: what the windows of date d hold, per entity, kept as sums.
 *
 * <p>A staged version v (received in partition p, superseded by partition s, event date e) is in a
 * window of n days on the feature dates [max(p, e), min(s, e + n)). So the state of d is the state
 * of d - 1 plus the versions whose interval starts on d (received on d, or dated d) minus those
 * whose interval ends on d (superseded on d, or dated d - n): found through the partition and
 * event-time indexes, their number depends on a day's data, not on the windows or the history.
 *
 * <ul>
 *   <li>{@code feats.<table>_acc}: one row per entity, one column per running count or sum (counts
 *       and sums, averages as sum and count, the population's count).
 *   <li>{@code feats.<table>_keys}: per entity and slot, how many rows in the window have each
 *       value: distinct counts count the values, min and max take the first or last, days since
 *       last takes the latest event date. Rows whose count reaches 0 are deleted.
 * </ul>
 *
 * The state is built from the windows for one date ({@link #rebuild}) and then advanced a day at a
 * time ({@link #advance}); {@link #featureRows} reads the features of its date from it. The
 * features are the same, to the last digit, as those {@link FeatureSet#featureRows} computes from
 * the windows; a test holds the two to that.
 */
final class FeatureState {

  private static final Name SUPERSEDED_ON = DSL.name("superseded_on");
  private static final Name EVENT_DATE = DSL.name("event_date");
  private static final Name MEMBERSHIP = DSL.name("feature_state_membership");
  static final LocalDate EPOCH = LocalDate.of(1970, 1, 1);
  private static final OffsetDateTime NO_TS =
      OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private static final Field<Short> SLOT =
      DSL.field(DSL.name("slot"), SQLDataType.SMALLINT.notNull());
  private static final Field<String> K_TEXT =
      DSL.field(DSL.name("k_text"), SQLDataType.CLOB.notNull());
  private static final Field<BigDecimal> K_NUM =
      DSL.field(DSL.name("k_num"), SQLDataType.NUMERIC.notNull());
  private static final Field<OffsetDateTime> K_TS =
      DSL.field(DSL.name("k_ts"), SQLDataType.TIMESTAMPWITHTIMEZONE.notNull());
  private static final Field<Long> N = DSL.field(DSL.name("n"), SQLDataType.BIGINT.notNull());

  /**
   * A running count (of rows, or of non-null values of a column, or of rows whose column is {@code
   * equalTo}) or sum, in the acc table.
   */
  private record Running(
      String name, String filter, int window, String column, boolean sum, String equalTo) {

    Running(String name, String filter, int window, String column, boolean sum) {
      this(name, filter, window, column, sum, null);
    }

    /** The column in the acc table, qualified by {@code table} when it is not null. */
    Field<?> field(Name table) {
      Name n = table == null ? DSL.name(name) : DSL.name(table, DSL.name(name));
      return sum
          ? DSL.field(n, SQLDataType.NUMERIC.notNull().defaultValue(DSL.inline(BigDecimal.ZERO)))
          : DSL.field(n, SQLDataType.BIGINT.notNull().defaultValue(DSL.inline(0L)));
    }
  }

  /** Per-value counts of one aggregate in the keys table; column null means the event date. */
  private record Keyed(short slot, String filter, int window, String column) {}

  private final FeatureSet set;
  private final Table<Record> acc;
  private final Table<Record> keys;
  private final Field<?> entity;
  private final List<Running> running = new ArrayList<>();
  private final Map<String, Keyed> keyed = new LinkedHashMap<>();
  private final List<Integer> windows;

  FeatureState(FeatureSet set, Table<Record> featureTable) {
    this.set = set;
    Name t = featureTable.getQualifiedName();
    this.acc = DSL.table(DSL.name(t.first(), t.last() + "_acc"));
    this.keys = DSL.table(DSL.name(t.first(), t.last() + "_keys"));
    this.entity = DSL.field(DSL.name(set.entity()), set.entityType());
    var population = set.features().population();
    running.add(
        new Running(
            "population",
            population.filter(),
            FeatureSet.windowDays(population.window()),
            null,
            false));
    TreeSet<Integer> ws = new TreeSet<>(List.of(running.get(0).window()));
    Aggregation.StateLayout layout =
        new Aggregation.StateLayout() {
          public void running(String name, String filter, int window, String column, boolean sum) {
            running.add(new Running(name, filter, window, column, sum));
            ws.add(window);
          }

          public void runningEqual(
              String name, String filter, int window, String column, String value) {
            running.add(new Running(name, filter, window, column, false, value));
            ws.add(window);
          }

          public void keyed(String aggregate, String filter, int window, String column) {
            keyed.put(aggregate, new Keyed((short) keyed.size(), filter, window, column));
            ws.add(window);
          }
        };
    List<Aggregate> aggregates = set.features().aggregates();
    for (int i = 0; i < aggregates.size(); i++) {
      Aggregation.of(aggregates.get(i)).state(i, layout);
    }
    this.windows = List.copyOf(ws);
  }

  Table<Record> accTable() {
    return acc;
  }

  Table<Record> keysTable() {
    return keys;
  }

  /** Creates the state tables when they do not exist yet. */
  void createTables(DSLContext dsl) {
    List<Field<?>> accColumns =
        new ArrayList<>(List.of(DSL.field(DSL.name(set.entity()), set.entityType().notNull())));
    for (Running r : running) {
      accColumns.add(r.field(null));
    }
    dsl.createTableIfNotExists(acc)
        .columns(accColumns)
        .constraints(DSL.primaryKey(entity))
        .execute();
    dsl.createTableIfNotExists(keys)
        .columns(
            DSL.field(DSL.name(set.entity()), set.entityType().notNull()),
            SLOT,
            K_TEXT,
            K_NUM,
            K_TS,
            N)
        .constraints(DSL.primaryKey(entity, SLOT, K_TEXT, K_NUM, K_TS))
        .execute();
    // The delete of the values whose count reached 0 finds them through this index.
    dsl.createIndexIfNotExists(DSL.name(keys.getName() + "_empty"))
        .on(keys, entity)
        .where(N.eq(0L))
        .execute();
  }

  private static Field<?> zero(Running r) {
    return r.sum() ? DSL.inline(BigDecimal.ZERO) : DSL.inline(0L);
  }

  // ---------------------------------------------------------------------------------------------
  // Which versions are in or enter or leave a window

  /**
   * The versions whose window interval starts or ends on {@code d}, each with the partition that
   * superseded it (up to d; null when none): the ones received on d, the older versions those
   * supersede, and the older versions dated d or d - n for a window of n days. An events dataset's
   * rows are never superseded: the ones received on d and the older ones dated d or d - n.
   */
  private Table<?> changedOn(LocalDate d) {
    Table<?> s = set.staged("s");
    Field<OffsetDateTime> ts = set.eventTimeOf("s");
    Condition dated = DSL.falseCondition();
    for (LocalDate day : datesOfInterest(d)) {
      dated = dated.or(ts.ge(midnight(day)).and(ts.lt(midnight(day.plusDays(1)))));
    }
    List<SelectField<?>> newFields = new ArrayList<>(set.stagedFields("s"));
    newFields.add(DSL.castNull(SQLDataType.LOCALDATE).as(SUPERSEDED_ON));
    var received = DSL.select(newFields).from(s).where(FeatureSet.partitionOf("s").eq(d));
    if (!set.schema().versioned()) {
      return received
          .unionAll(
              DSL.select(newFields).from(s).where(FeatureSet.partitionOf("s").lt(d)).and(dated))
          .asTable("v");
    }
    Table<?> n = set.staged("n");
    Table<?> previous =
        DSL.lateral(
                DSL.select(set.stagedFields("w"))
                    .from(set.staged("w"))
                    .where(FeatureSet.sameKey(set.keyOf("w"), set.keyOf("n")))
                    .and(FeatureSet.partitionOf("w").lt(d))
                    .orderBy(FeatureSet.partitionOf("w").desc())
                    .limit(1))
            .as("prev");
    Table<?> old =
        DSL.select(set.stagedFields("s"))
            .from(s)
            .where(FeatureSet.partitionOf("s").lt(d))
            .and(dated)
            .union(
                DSL.select(previous.fields())
                    .from(n)
                    .crossJoin(previous)
                    .where(FeatureSet.partitionOf("n").eq(d)))
            .asTable("old");
    // the windows' CASEs read superseded_on several times per row: a lateral join, computed once
    Table<?> next = set.supersededBy(set.keyOf(old), FeatureSet.partition(old), d);
    List<SelectField<?>> oldFields = new ArrayList<>(List.of(old.fields()));
    oldFields.add(next.field(SUPERSEDED_ON));
    return received.unionAll(DSL.select(oldFields).from(old).crossJoin(next)).asTable("v");
  }

  /** d and d - n for every window of n days: the event dates whose rows enter or leave on d. */
  private List<LocalDate> datesOfInterest(LocalDate d) {
    List<LocalDate> out = new ArrayList<>(List.of(d));
    for (int n : windows) {
      out.add(d.minusDays(n));
    }
    return out;
  }

  private static OffsetDateTime midnight(LocalDate day) {
    return day.atStartOfDay().atOffset(ZoneOffset.UTC);
  }

  /**
   * The versions with the dates they are in a window of n days: +1 when they count on {@code d}
   * ({@code delta} false) or when they enter on d ({@code delta} true), -1 when they leave on d.
   * One column {@code in_<n>} per window, plus the event date.
   */
  private Table<?> membership(Table<?> v, LocalDate d, boolean delta) {
    Field<LocalDate> p = FeatureSet.partition(v);
    Field<LocalDate> superseded = v.field(SUPERSEDED_ON, LocalDate.class);
    Field<LocalDate> e =
        DSL.field(
            "(({0}) AT TIME ZONE 'UTC')::date",
            SQLDataType.LOCALDATE, FeatureSet.col(v, set.eventTime(), OffsetDateTime.class));
    Field<LocalDate> infinity = DSL.field("'infinity'::date", SQLDataType.LOCALDATE);
    Field<LocalDate> dv = DSL.val(d);
    List<SelectField<?>> fields = new ArrayList<>(List.of(v.fields()));
    fields.add(e.as(EVENT_DATE));
    Condition any = DSL.falseCondition();
    for (int n : windows) {
      Field<LocalDate> start = DSL.greatest(p, e);
      Field<LocalDate> end =
          DSL.least(
              DSL.coalesce(superseded, infinity),
              DSL.field("({0} + {1})", SQLDataType.LOCALDATE, e, DSL.inline(n)));
      Field<Integer> in =
          delta
              ? DSL.when(start.eq(dv).and(end.gt(dv)), DSL.inline(1))
                  .when(end.eq(dv).and(start.lt(dv)), DSL.inline(-1))
                  .otherwise(DSL.inline(0))
              : DSL.when(start.le(dv).and(end.gt(dv)), DSL.inline(1)).otherwise(DSL.inline(0));
      fields.add(in.as(in(n).getUnqualifiedName()));
    }
    Table<?> m = DSL.select(fields).from(v).asTable("m0");
    for (int n : windows) {
      any = any.or(m.field(in(n)).ne(0));
    }
    return DSL.selectFrom(m).where(any).asTable("m");
  }

  private static Field<Integer> in(int n) {
    return DSL.field(DSL.name("in_" + n), SQLDataType.INTEGER);
  }

  // ---------------------------------------------------------------------------------------------
  // The state's contributions, and applying them

  /** Per entity: the change (or the value) of every running count and sum. */
  private Select<? extends Record> runningOf(Table<?> m) {
    List<SelectField<?>> fields = new ArrayList<>(List.of(m.field(entity)));
    for (Running r : running) {
      Field<Integer> in = m.field(in(r.window()));
      Condition when = set.filter(m, r.filter());
      Field<?> value;
      if (r.sum()) {
        Field<BigDecimal> x = FeatureSet.col(m, r.column(), Object.class).cast(SQLDataType.NUMERIC);
        value = DSL.sum(x.mul(in)).filterWhere(when.and(x.isNotNull()));
      } else {
        if (r.equalTo() != null) {
          when =
              when.and(
                  FeatureSet.col(m, r.column(), Object.class)
                      .cast(SQLDataType.CLOB)
                      .eq(r.equalTo()));
        } else if (r.column() != null) {
          when = when.and(FeatureSet.col(m, r.column(), Object.class).isNotNull());
        }
        value = DSL.sum(in).filterWhere(when).cast(SQLDataType.BIGINT);
      }
      fields.add(DSL.coalesce(value, zero(r)).as(r.name()));
    }
    return DSL.select(fields).from(m).groupBy(m.field(entity));
  }

  /** Per entity, slot and value: the change (or the number) of rows with that value. */
  private Select<? extends Record> keyedOf(Table<?> m) {
    Select<? extends Record> out = null;
    for (Keyed k : keyed.values()) {
      Field<Integer> in = m.field(in(k.window()));
      Field<String> text = DSL.inline("");
      Field<BigDecimal> num = DSL.inline(BigDecimal.ZERO);
      Field<OffsetDateTime> ts = DSL.inline(NO_TS);
      Condition present = DSL.trueCondition();
      Field<?> value;
      if (k.column() == null) {
        num =
            DSL.field(
                "({0} - {1})::numeric",
                SQLDataType.NUMERIC, m.field(EVENT_DATE), DSL.inline(EPOCH));
        value = num;
      } else {
        Field<Object> x = FeatureSet.col(m, k.column(), Object.class);
        present = x.isNotNull();
        switch (set.schema().column(k.column()).type().kind()) {
          case NUMBER -> value = num = x.cast(SQLDataType.NUMERIC);
          case INSTANT -> value = ts = x.cast(SQLDataType.TIMESTAMPWITHTIMEZONE);
          default -> value = text = x.cast(SQLDataType.CLOB);
        }
      }
      Field<BigDecimal> count = DSL.sum(in);
      Select<? extends Record> one =
          DSL.select(
                  m.field(entity),
                  DSL.inline(k.slot()).as(SLOT),
                  text.as(K_TEXT),
                  num.as(K_NUM),
                  ts.as(K_TS),
                  count.cast(SQLDataType.BIGINT).as(N))
              .from(m)
              .where(set.filter(m, k.filter()))
              .and(present)
              .and(in.ne(0))
              .groupBy(m.field(entity), value)
              .having(count.ne(BigDecimal.ZERO));
      out = out == null ? one : union(out, one);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Select<? extends Record> union(
      Select<? extends Record> a, Select<? extends Record> b) {
    return ((Select<Record>) a).unionAll((Select<Record>) b);
  }

  /** An acc row with nothing in any window: an entity the state no longer needs. */
  private Condition allZero() {
    Condition c = DSL.trueCondition();
    for (Running r : running) {
      c = c.and(DSL.field(DSL.name(r.name())).eq(zero(r)));
    }
    return c;
  }

  /**
   * Replaces the state with the one of {@code d}, computed from the windows of d. The window
   * membership of the versions is computed once, into a temporary table that both the running sums
   * and the keyed counts read, as {@link #advance} does.
   */
  void rebuild(DSLContext dsl, LocalDate d) {
    dsl.transaction(trx -> rebuildIn(trx.dsl(), d));
  }

  private void rebuildIn(DSLContext dsl, LocalDate d) {
    int longest = set.maxWindowDays();
    Table<?> v =
        set.versions(
            d,
            FeatureSet.minusDays(FeatureSet.endOf(DSL.val(d)), longest),
            FeatureSet.endOf(DSL.val(d)));
    Table<?> m = materialized(dsl, membership(v, d, false));
    dsl.truncate(acc).execute();
    dsl.insertInto(acc).select(runningOf(m)).execute();
    dsl.deleteFrom(acc).where(allZero()).execute();
    dsl.truncate(keys).execute();
    if (!keyed.isEmpty()) {
      dsl.insertInto(keys).select(keyedOf(m)).execute();
    }
  }

  /**
   * {@code rows} computed once into a temporary table that lives until the commit (on this
   * connection: call it inside a transaction), as a table {@code m} with the same columns.
   */
  private static Table<?> materialized(DSLContext dsl, Table<?> rows) {
    Table<?> t = DSL.table(MEMBERSHIP);
    dsl.dropTemporaryTableIfExists(t).execute();
    dsl.createTemporaryTable(t).as(DSL.selectFrom(rows)).onCommitDrop().execute();
    List<SelectField<?>> columns = new ArrayList<>();
    for (Field<?> f : rows.fields()) {
      columns.add(DSL.field(DSL.name(f.getName()), f.getDataType()));
    }
    return DSL.select(columns).from(t).asTable("m");
  }

  /**
   * Advances the state from d - 1 (which it must be of) to {@code d}. The versions that enter or
   * leave a window are found once, into a temporary table that both the running sums and the keyed
   * counts read: computed inline, their superseding partition was looked up once per window per
   * row, and once more for the keys (docs/adr/0008-daily-runs-advance-a-running-state.md).
   */
  void advance(DSLContext dsl, LocalDate d) {
    // in a transaction of its own (a savepoint inside the caller's): the temporary table lives
    // until the commit, on one connection
    dsl.transaction(trx -> advanceIn(trx.dsl(), d));
  }

  private void advanceIn(DSLContext dsl, LocalDate d) {
    Table<?> m = materialized(dsl, membership(changedOn(d), d, true));
    var upsert = dsl.insertInto(acc).select(runningOf(m)).onConflict(entity).doUpdate();
    Map<Field<?>, Field<?>> sums = new LinkedHashMap<>();
    for (Running r : running) {
      Field<?> f = r.field(acc.getUnqualifiedName());
      sums.put(f, DSL.field("{0} + {1}", f.getDataType(), f, DSL.excluded(f)));
    }
    upsert.set(sums).execute();
    dsl.deleteFrom(acc).where(allZero()).execute();
    if (!keyed.isEmpty()) {
      Field<Long> n =
          DSL.field(DSL.name(keys.getUnqualifiedName(), N.getUnqualifiedName()), Long.class);
      dsl.insertInto(keys)
          .select(keyedOf(m))
          .onConflict(entity, SLOT, K_TEXT, K_NUM, K_TS)
          .doUpdate()
          .set(n, n.plus(DSL.excluded(n)))
          .execute();
      dsl.deleteFrom(keys).where(N.eq(0L)).execute();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The features of the state's date

  /**
   * The feature rows of {@code d} (the state's date), in the feature table's column order without
   * the label: every entity of the population with its features read from the state. The keyed
   * features come from one grouped read of the keys table, joined to the running sums: probing the
   * keys' index once per entity and feature took twice as long
   * (docs/adr/0008-daily-runs-advance-a-running-state.md).
   */
  Select<? extends Record> featureRows(LocalDate d) {
    Table<Record> a = acc.as("a");
    Field<String> key = DSL.field(DSL.name("a", set.entity()), String.class);
    KeyedReads reads = new KeyedReads();
    Map<String, Field<?>> byName = new LinkedHashMap<>();
    List<SelectField<?>> select = new ArrayList<>();
    select.add(DSL.val(d).as(FeatureSet.featureDate().getUnqualifiedName()));
    select.add(key.as(set.entity()));
    List<Aggregate> aggregates = set.features().aggregates();
    for (int i = 0; i < aggregates.size(); i++) {
      Aggregate ag = aggregates.get(i);
      Field<?> f = feature(ag, i, reads, d, byName);
      byName.put(ag.name(), f);
      if (!Boolean.FALSE.equals(ag.export())) {
        select.add(f.as(ag.name()));
      }
    }
    Table<?> from = a;
    if (!reads.columns.isEmpty()) {
      List<SelectField<?>> grouped = new ArrayList<>();
      grouped.add(entity);
      grouped.addAll(reads.columns);
      Table<?> g = DSL.select(grouped).from(keys).groupBy(entity).asTable(KeyedReads.ALIAS);
      from =
          a.leftJoin(g)
              .on(DSL.field(DSL.name(KeyedReads.ALIAS, set.entity()), String.class).eq(key));
    }
    return set.withSql(
        DSL.select(select)
            .from(from)
            .where(DSL.field(DSL.name("a", "population"), Long.class).gt(0L)),
        List.of(d));
  }

  private Field<?> feature(
      Aggregate ag, int i, KeyedReads reads, LocalDate d, Map<String, Field<?>> earlier) {
    return Aggregation.of(ag)
        .fromState(
            i,
            new Aggregation.StateRead() {
              public Field<?> running(String name) {
                return name.startsWith("s")
                    ? DSL.field(DSL.name("a", name), SQLDataType.NUMERIC)
                    : DSL.field(DSL.name("a", name), SQLDataType.BIGINT);
              }

              public Field<?> keyed(Aggregate agg, String what) {
                return reads.read(keyed.get(agg.name()), what);
              }

              public Field<?> earlier(String name) {
                return earlier.get(name);
              }

              public LocalDate date() {
                return d;
              }
            });
  }

  /**
   * The keyed features' reads, each an aggregate over one slot of an entity's rows in the keys
   * table, gathered into the grouped read {@code g} that {@link #featureRows} joins.
   */
  private final class KeyedReads {
    static final String ALIAS = "g";
    private final List<Field<?>> columns = new ArrayList<>();

    /**
     * How many values the slot holds ({@code count}), its least or greatest value ({@code min},
     * {@code max}), or the value with the most rows, the least of a tie ({@code mode}: what mode()
     * gives over the window). A slot of an instant column keeps its value in {@code k_ts}; the
     * others in {@code k_num} (with {@code k_text} empty) or {@code k_text}.
     */
    Field<?> read(Keyed k, String what) {
      Condition slot = SLOT.eq(DSL.inline(k.slot()));
      Field<?> aggregate;
      if ("count".equals(what)) {
        aggregate = DSL.count().filterWhere(slot);
      } else if ("mode".equals(what)) {
        aggregate =
            DSL.field(
                "({0})[1]",
                SQLDataType.CLOB, DSL.arrayAgg(K_TEXT).orderBy(N.desc(), K_TEXT).filterWhere(slot));
      } else {
        boolean min = "min".equals(what);
        if (k.column() != null
            && set.schema().column(k.column()).type().kind() == ColumnType.Kind.INSTANT) {
          Condition of =
              slot.and(K_TEXT.eq(DSL.inline(""))).and(K_NUM.eq(DSL.inline(BigDecimal.ZERO)));
          aggregate = (min ? DSL.min(K_TS) : DSL.max(K_TS)).filterWhere(of);
        } else {
          Condition of = slot.and(K_TEXT.eq(DSL.inline("")));
          aggregate = (min ? DSL.min(K_NUM) : DSL.max(K_NUM)).filterWhere(of);
        }
      }
      String name = "k" + columns.size();
      columns.add(aggregate.as(name));
      Field<?> read = DSL.field(DSL.name(ALIAS, name), aggregate.getDataType());
      // an entity without rows in the keys table has no row in the grouped read
      return "count".equals(what) ? DSL.coalesce(read, DSL.inline(0)) : read;
    }
  }

  /** The SQL of the state, for the feature set's hash: a change to it is a new feature table. */
  String sql(DSLContext dsl, LocalDate d) {
    StringBuilder b = new StringBuilder();
    b.append(dsl.renderInlined(runningOf(membership(changedOn(d), d, true)))).append('\n');
    if (!keyed.isEmpty()) {
      b.append(dsl.renderInlined(keyedOf(membership(changedOn(d), d, true)))).append('\n');
    }
    b.append(dsl.renderInlined(featureRows(d)));
    return b.toString();
  }
}
