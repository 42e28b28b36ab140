package io.sluice.activities.validate;

import static io.sluice.db.jooq.meta.Tables.COLUMN_PROFILES;
import static io.sluice.db.jooq.raw.Tables.ORDERS;

import io.sluice.activities.config.PipelineConfig;
import io.sluice.activities.validate.ValidationReport.ColumnProfile;
import io.sluice.db.jooq.meta.tables.records.ColumnProfilesRecord;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.impl.DSL;

/** Per-column statistics of a raw partition, and the stored ones of earlier partitions. */
final class ColumnProfiles {

  static final int BINS = 20;

  private ColumnProfiles() {}

  /** The aggregates a profile needs; they ride along in the validation's single scan. */
  static List<SelectField<?>> aggregates(PipelineConfig config, RawReads raw) {
    List<SelectField<?>> select = new ArrayList<>();
    for (String c : config.requiredColumns()) {
      select.add(DSL.count().filterWhere(raw.cleaned(c).isNull()));
    }
    for (String c : numeric(config)) {
      Field<Double> x = raw.decimal(c).cast(Double.class);
      select.add(DSL.avg(x).cast(Double.class));
      select.add(DSL.min(x));
      select.add(DSL.max(x));
    }
    return select;
  }

  /**
   * Profiles from the values of {@link #aggregates} found in {@code r} from index {@code first} on,
   * plus one histogram query per numeric column.
   */
  static List<ColumnProfile> fromRecord(
      DSLContext dsl, PipelineConfig config, Condition raw, Record r, int first, long rows) {
    List<String> columns = config.requiredColumns();
    List<String> numeric = numeric(config);
    List<ColumnProfile> profiles = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      long nulls = r.get(first + i, Long.class);
      int n = numeric.indexOf(c);
      if (n < 0) {
        profiles.add(new ColumnProfile(c, rows, nulls, null, null, null, List.of()));
        continue;
      }
      int base = first + columns.size() + 3 * n;
      Double mean = r.get(base, Double.class);
      Double min = r.get(base + 1, Double.class);
      Double max = r.get(base + 2, Double.class);
      profiles.add(
          new ColumnProfile(c, rows, nulls, mean, min, max, histogram(dsl, c, raw, min, max)));
    }
    return profiles;
  }

  private static List<String> numeric(PipelineConfig config) {
    return config.numericColumns() == null ? List.of() : config.numericColumns();
  }

  private static Field<Double> number(String column) {
    return RawReads.inline(ORDERS).decimal(column).cast(Double.class);
  }

  /** Counts per equal-width bin; the maximum itself falls into the last bin. */
  private static List<Long> histogram(
      DSLContext dsl, String column, Condition raw, Double min, Double max) {
    if (min == null || max == null) {
      return List.of();
    }
    Long[] counts = new Long[BINS];
    java.util.Arrays.fill(counts, 0L);
    if (min.equals(max)) {
      counts[0] = (long) dsl.fetchCount(ORDERS, raw.and(number(column).isNotNull()));
      return List.of(counts);
    }
    Field<Integer> bin =
        DSL.least(
            DSL.widthBucket(number(column), DSL.inline(min), DSL.inline(max), DSL.inline(BINS))
                .cast(Integer.class),
            DSL.inline(BINS));
    for (Record r :
        dsl.select(bin, DSL.count())
            .from(ORDERS)
            .where(raw)
            .and(number(column).isNotNull())
            .groupBy(bin)
            .fetch()) {
      counts[r.get(0, Integer.class) - 1] = r.get(1, Long.class);
    }
    return List.of(counts);
  }

  /** The stored profiles of {@code column} for up to {@code n} partitions before {@code d}. */
  static List<ColumnProfilesRecord> previous(
      DSLContext dsl, String dataset, LocalDate d, String column, int n) {
    List<ColumnProfilesRecord> list =
        new ArrayList<>(
            dsl.selectFrom(COLUMN_PROFILES)
                .where(COLUMN_PROFILES.DATASET.eq(dataset))
                .and(COLUMN_PROFILES.COLUMN_NAME.eq(column))
                .and(COLUMN_PROFILES.PARTITION_DATE.lt(d))
                .orderBy(COLUMN_PROFILES.PARTITION_DATE.desc())
                .limit(n)
                .fetch());
    Collections.reverse(list);
    return list;
  }

  /** Replaces the stored profiles of partition {@code d}. */
  static void store(
      DSLContext tx, String dataset, LocalDate d, String runId, List<ColumnProfile> profiles) {
    tx.deleteFrom(COLUMN_PROFILES)
        .where(COLUMN_PROFILES.DATASET.eq(dataset))
        .and(COLUMN_PROFILES.PARTITION_DATE.eq(d))
        .execute();
    for (ColumnProfile p : profiles) {
      ColumnProfilesRecord r = tx.newRecord(COLUMN_PROFILES);
      r.setDataset(dataset);
      r.setPartitionDate(d);
      r.setColumnName(p.column());
      r.setRowCount(p.rowCount());
      r.setNullCount(p.nullCount());
      r.setMean(p.mean());
      r.setMinValue(p.min());
      r.setMaxValue(p.max());
      r.setRunId(runId);
      r.store();
    }
  }
}
