package io.sluice.activities.features;

import io.sluice.activities.config.FeaturesConfig;
import io.sluice.activities.config.FeaturesConfig.Aggregate;
import io.sluice.activities.config.FeaturesConfig.Join;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfig;
import io.sluice.activities.dataset.DatasetSchema;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The features a feature set takes from another dataset of the same entity
 * (docs/pipeline-yaml.md#joins), joined to its rows on (feature date, entity):
 *
 * <ul>
 *   <li>a dimension's attributes as known at the end of d and valid at T: among the versions of the
 *       key received in partitions {@code <= d} whose event time is before T, the one with the
 *       latest event time (the later partition of a tie). A version received after d, or effective
 *       at or after T, never reaches the features of d;
 *   <li>aggregates over a facts or events dataset's rows, computed by a {@link FeatureSet} of that
 *       dataset keyed by the join's key column: the same knowledge time and windows as the feature
 *       set's own. An entity without a row there gets each aggregate's value for none (0 or null).
 * </ul>
 */
final class JoinPart {

  private static final String AVAILABLE_FROM = "available_from";
  private static final String VISIBLE_UNTIL = "visible_until";

  private final Join join;
  private final LoadedConfig other;
  private final String key;
  private final FeatureSet aggregates;

  private JoinPart(Join join, LoadedConfig other, String key, FeatureSet aggregates) {
    this.join = join;
    this.other = other;
    this.key = key;
    this.aggregates = aggregates;
  }

  static JoinPart of(Join j, LoadedConfig other) {
    String key = j.key() != null ? j.key() : other.config().entityKey();
    if (isDimension(other)) {
      return new JoinPart(j, other, key, null);
    }
    int window = 1;
    for (Aggregate a : j.aggregates()) {
      if (a.window() != null) {
        window = Math.max(window, FeatureSet.windowDays(a.window()));
      }
    }
    FeaturesConfig features =
        new FeaturesConfig(
            new FeaturesConfig.Population(null, window + "d"),
            j.filters() == null ? Map.of() : j.filters(),
            j.aggregates(),
            null,
            null,
            null);
    LoadedConfig part =
        new LoadedConfig(
            other.config().asJoinedPart(key, features, null),
            other.file(),
            other.hash(),
            null,
            other.schema(),
            Map.of());
    return new JoinPart(j, other, key, new FeatureSet(part));
  }

  /**
   * The feature set whose label rows are a joined dataset's: {@code label} over its rows, keyed by
   * the join's key, with the join's filters.
   */
  static FeatureSet labelOf(Join j, LoadedConfig other, PipelineConfig.LabelConfig label) {
    String key = j.key() != null ? j.key() : other.config().entityKey();
    FeaturesConfig features =
        new FeaturesConfig(
            new FeaturesConfig.Population(null, "1d"),
            j.filters() == null ? Map.of() : j.filters(),
            List.of(),
            null,
            null,
            null);
    return new FeatureSet(
        new LoadedConfig(
            other.config().asJoinedPart(key, features, label),
            other.file(),
            other.hash(),
            null,
            other.schema(),
            Map.of()));
  }

  /** The join's key column in its dataset. */
  String key() {
    return key;
  }

  private static boolean isDimension(LoadedConfig c) {
    return "dimension".equals(c.config().kind());
  }

  String dataset() {
    return join.dataset();
  }

  /** Its columns of the feature table, in order. */
  List<FeatureSet.Column> columns() {
    List<FeatureSet.Column> columns = new ArrayList<>();
    if (aggregates == null) {
      for (String a : join.attributes()) {
        columns.add(
            new FeatureSet.Column(
                a,
                other.schema().column(a).type().staged(),
                join.dataset()
                    + "."
                    + a
                    + " of the version of "
                    + key
                    + " valid at T as known at the end of d (the latest "
                    + other.config().eventTime()
                    + " before T among the versions received up to d); null when none"));
      }
      return columns;
    }
    for (FeatureSet.Column c : aggregates.featureColumns()) {
      columns.add(
          new FeatureSet.Column(
              c.name(),
              c.type(),
              c.description() + " (of " + join.dataset() + " rows, by " + key + ")"));
    }
    return columns;
  }

  /** {@code rows} left-joined with this part, as {@code alias}, on the date and the entity. */
  Table<?> join(
      Table<?> rows,
      String alias,
      Field<LocalDate> date,
      Field<Object> entity,
      Collection<LocalDate> dates) {
    Field<Object> theirKey = DSL.field(DSL.name(alias, key));
    if (aggregates == null) {
      LocalDate last = new TreeSet<>(dates).last();
      Field<LocalDate> from = DSL.field(DSL.name(alias, AVAILABLE_FROM), SQLDataType.LOCALDATE);
      Field<LocalDate> until = DSL.field(DSL.name(alias, VISIBLE_UNTIL), SQLDataType.LOCALDATE);
      return rows.leftJoin(versions(last).asTable(alias))
          .on(theirKey.eq(entity))
          .and(date.ge(from))
          .and(until.isNull().or(date.lt(until)));
    }
    Field<LocalDate> theirDate =
        DSL.field(DSL.name(alias, FeatureSet.featureDate().getName()), SQLDataType.LOCALDATE);
    return rows.leftJoin(aggregates.featureRows(dates).asTable(alias))
        .on(theirDate.eq(date))
        .and(theirKey.eq(entity));
  }

  /** Its columns as selected from {@code alias}. */
  List<SelectField<?>> select(String alias) {
    List<SelectField<?>> select = new ArrayList<>();
    if (aggregates == null) {
      for (String a : join.attributes()) {
        select.add(DSL.field(DSL.name(alias, a)).as(a));
      }
      return select;
    }
    for (Aggregate a : join.aggregates()) {
      if (Boolean.FALSE.equals(a.export())) {
        continue;
      }
      Field<Object> f = DSL.field(DSL.name(alias, a.name()));
      Field<?> none = Aggregation.of(a).whenNone();
      select.add((none == null ? f : DSL.coalesce(f, none)).as(a.name()));
    }
    return select;
  }

  /**
   * Each version of a dimension key received up to {@code last} with the dates it is the one read:
   * from {@code available_from} (its partition, or the UTC date of its event time when later: T
   * must be after it) until {@code visible_until} (exclusive; null for open), when a version with a
   * later event time becomes available. A version that never is the latest available is left out.
   */
  private Select<? extends Record> versions(LocalDate last) {
    DatasetSchema schema = other.schema();
    Table<?> s = schema.staged().as("s");
    Field<LocalDate> partition =
        DSL.field(DSL.name("s", DatasetSchema.PARTITION_DATE), SQLDataType.LOCALDATE);
    Field<OffsetDateTime> eventTime =
        DSL.field(DSL.name("s", other.config().eventTime()), SQLDataType.TIMESTAMPWITHTIMEZONE);
    Field<Object> k = DSL.field(DSL.name("s", key));
    Field<LocalDate> from =
        DSL.greatest(
            partition,
            DSL.field("(({0}) AT TIME ZONE 'UTC')::date", SQLDataType.LOCALDATE, eventTime));
    Field<LocalDate> until =
        DSL.min(from)
            .over(
                DSL.partitionBy(k)
                    .orderBy(eventTime.desc(), partition.desc())
                    .rowsBetweenUnboundedPreceding()
                    .andPreceding(1));
    List<SelectField<?>> fields = new ArrayList<>();
    fields.add(k.as(key));
    for (String a : join.attributes()) {
      if (!a.equals(key)) {
        fields.add(DSL.field(DSL.name("s", a)).as(a));
      }
    }
    fields.add(from.as(AVAILABLE_FROM));
    fields.add(until.as(VISIBLE_UNTIL));
    Table<?> v = DSL.select(fields).from(s).where(partition.le(last)).asTable("dv");
    Field<LocalDate> vFrom = DSL.field(DSL.name("dv", AVAILABLE_FROM), SQLDataType.LOCALDATE);
    Field<LocalDate> vUntil = DSL.field(DSL.name("dv", VISIBLE_UNTIL), SQLDataType.LOCALDATE);
    return DSL.select(v.fields()).from(v).where(vUntil.isNull().or(vFrom.lt(vUntil)));
  }
}
