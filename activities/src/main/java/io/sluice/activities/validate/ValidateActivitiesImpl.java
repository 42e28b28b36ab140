package io.sluice.activities.validate;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.VALIDATION_RESULTS;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Json;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.support.TemporalRun;
import io.sluice.activities.validate.ValidationReport.ColumnProfile;
import io.sluice.activities.validate.ValidationReport.Outcome;
import io.sluice.db.jooq.meta.tables.records.ColumnProfilesRecord;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.ValidateActivities;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.SelectField;
import org.jooq.impl.DSL;

/**
 * Validate: every expectation of the dataset, evaluated set-based over the raw partition (one scan
 * for all row-level checks, one for the column profiles). The JSON and HTML reports are written
 * before the verdict, so a failed run always has them.
 */
@Singleton
public final class ValidateActivitiesImpl implements ValidateActivities {

  private static final int SAMPLES = 5;

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public ValidateActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public ValidateResult validate(PartitionRef ref) {
    LocalDate date = Failures.date(ref);
    LoadedConfig config = Failures.configAndTables(settings, dsl, ref.dataset());
    PartitionVersionsRecord version = PartitionStore.requireLatest(dsl, ref.dataset(), date);
    Long[] fileIds = version.getFileIds();

    Map<String, Outcome> outcomes = new HashMap<>();
    DatasetSchema schema = config.schema();
    Condition raw = PartitionStore.rawRows(schema, version);
    Scan scan = scan(config, raw, outcomes);
    List<ColumnProfile> profiles = scan.profiles();
    long rows = scan.rows();
    OffsetDateTime latestEvent = scan.latestEvent();
    for (ExpectationConfig e : config.expectations()) {
      switch (e.type()) {
        case "columns_exist" -> outcomes.put(e.name(), columnsExist(e, config, fileIds));
        case "unique" -> outcomes.put(e.name(), unique(e, schema, date, raw));
        case "row_count" -> outcomes.put(e.name(), rowCount(e, rows));
        case "freshness" -> outcomes.put(e.name(), freshness(e, date, latestEvent));
        case "drift" -> outcomes.put(e.name(), drift(e, ref.dataset(), date, profiles));
        default -> {}
      }
    }
    List<Outcome> ordered =
        config.expectations().stream().map(e -> outcomes.get(e.name())).toList();

    int errors = count(ordered, "error");
    int warns = count(ordered, "warn");
    ValidationReport report =
        new ValidationReport(
            ref.dataset(),
            date.toString(),
            ref.runId(),
            version.getVersion(),
            PartitionStore.fileNames(dsl, fileIds),
            rows,
            errors == 0,
            errors,
            warns,
            ordered,
            profiles,
            TemporalRun.current(settings.temporalUi()),
            null);
    Path json = settings.reportFile(ref.dataset(), date, ref.runId(), "json");
    Path html = settings.reportFile(ref.dataset(), date, ref.runId(), "html");
    ValidationReports.write(json, html, report);
    record(ref, date, ordered, profiles, json);

    if (errors > 0) {
      List<String> failed =
          ordered.stream()
              .filter(o -> !o.success() && "error".equals(o.severity()))
              .map(o -> o.name() + " (" + o.observed() + ")")
              .toList();
      throw Failures.of(
          FailureTypes.VALIDATION_FAILED,
          "validation of "
              + ref.dataset()
              + "/"
              + date
              + " failed "
              + errors
              + " error-level expectation(s): "
              + String.join(", ", failed)
              + "; report: "
              + html);
    }
    return new ValidateResult(ordered.size(), errors, warns, rows, json.toString());
  }

  private static int count(List<Outcome> outcomes, String severity) {
    return (int)
        outcomes.stream().filter(o -> !o.success() && severity.equals(o.severity())).count();
  }

  /** What the single scan of the partition found besides the row-level outcomes. */
  private record Scan(long rows, OffsetDateTime latestEvent, List<ColumnProfile> profiles) {}

  /**
   * One aggregate query over the partition: every row-level expectation, the latest event time (for
   * freshness) and the column profiles, each raw field trimmed and parsed once per row. Samples are
   * fetched only for failing expectations, each with a LIMIT that stops at the first matches.
   */
  private Scan scan(LoadedConfig config, Condition raw, Map<String, Outcome> outcomes) {
    DatasetSchema schema = config.schema();
    RawReads once = RawReads.once(schema);
    RawReads inline = RawReads.inline(schema);
    List<CompiledExpectation> counted = new ArrayList<>();
    List<CompiledExpectation> sampled = new ArrayList<>();
    for (ExpectationConfig e : config.expectations()) {
      if (CompiledExpectation.isRowLevel(e.type())) {
        counted.add(CompiledExpectation.compile(e, schema, once));
        sampled.add(CompiledExpectation.compile(e, schema, inline));
      }
    }
    List<SelectField<?>> aggregates = new ArrayList<>();
    aggregates.add(DSL.count());
    for (CompiledExpectation c : counted) {
      aggregates.add(DSL.count().filterWhere(c.checked()));
      aggregates.add(DSL.count().filterWhere(c.unexpected()));
    }
    int latestAt = aggregates.size();
    // an event time outside the bounds is quarantined by staging: it says nothing of freshness
    Field<OffsetDateTime> eventTime = once.instant(config.config().eventTime());
    aggregates.add(
        DSL.max(eventTime)
            .filterWhere(
                eventTime.ge(config.eventTimeMin()).and(eventTime.lt(config.eventTimeMax()))));
    int profileAt = aggregates.size();
    aggregates.addAll(ColumnProfiles.aggregates(schema, once));
    Record r = dsl.select(aggregates).from(once.table(raw)).fetchOne();
    long rows = r.get(0, Long.class);
    for (int i = 0; i < sampled.size(); i++) {
      CompiledExpectation c = sampled.get(i);
      long checked = r.get(1 + 2 * i, Long.class);
      long unexpected = r.get(2 + 2 * i, Long.class);
      List<String> samples =
          unexpected == 0
              ? List.of()
              : firstDistinct(
                  dsl.select(DSL.coalesce(c.value(), DSL.inline("<missing>")))
                      .from(schema.raw())
                      .where(raw)
                      .and(c.unexpected())
                      .limit(SAMPLES * 10)
                      .fetch(0, String.class));
      outcomes.put(c.config().name(), fractional(c.config(), checked, unexpected, samples));
    }
    return new Scan(
        rows,
        r.get(latestAt, OffsetDateTime.class),
        ColumnProfiles.fromRecord(dsl, schema, raw, r, profileAt, rows));
  }

  /** Up to {@link #SAMPLES} distinct values, in the order they were found. */
  private static List<String> firstDistinct(List<String> values) {
    return values.stream().distinct().limit(SAMPLES).toList();
  }

  /**
   * The key is staged from another day: one primary-key probe per row. (An IN over the staged keys
   * inside an aggregate's FILTER cannot become a join; once the keys outgrow work_mem PostgreSQL
   * rescans them for every row, quadratic in the history.)
   */
  private static Condition stagedElsewhere(
      DatasetSchema schema, String column, RawReads raw, LocalDate date) {
    Field<Object> key = DSL.field(schema.stagedName().append(column));
    Field<LocalDate> partition =
        DSL.field(schema.stagedName().append(DatasetSchema.PARTITION_DATE), LocalDate.class);
    return DSL.exists(
        DSL.selectOne()
            .from(schema.staged())
            .where(key.eq(raw.typed(column)))
            .and(partition.ne(date)));
  }

  /** Duplicates within the partition, or keys that staging already holds from other days. */
  private Outcome unique(ExpectationConfig e, DatasetSchema schema, LocalDate date, Condition raw) {
    RawReads reads = RawReads.inline(schema);
    Field<String> v = reads.cleaned(e.column());
    boolean staged = "staged".equals(e.scope());
    Condition elsewhere = staged ? stagedElsewhere(schema, e.column(), reads, date) : null;
    Field<Integer> unexpected =
        staged ? DSL.count().filterWhere(elsewhere) : DSL.count(v).minus(DSL.countDistinct(v));
    Record2<Integer, Integer> r =
        dsl.select(DSL.count(v), unexpected).from(schema.raw()).where(raw).fetchOne();
    List<String> samples =
        r.value2() == 0
            ? List.of()
            : staged
                ? firstDistinct(
                    dsl.select(v)
                        .from(schema.raw())
                        .where(raw)
                        .and(elsewhere)
                        .limit(SAMPLES * 10)
                        .fetch(0, String.class))
                : dsl.select(v)
                    .from(schema.raw())
                    .where(raw)
                    .and(v.isNotNull())
                    .groupBy(v)
                    .having(DSL.count().gt(1))
                    .orderBy(1)
                    .limit(SAMPLES)
                    .fetch(0, String.class);
    return fractional(e, r.value1(), r.value2(), samples);
  }

  private static Outcome rowCount(ExpectationConfig e, long rows) {
    boolean ok =
        (e.min() == null || BigDecimal.valueOf(rows).compareTo(e.min()) >= 0)
            && (e.max() == null || BigDecimal.valueOf(rows).compareTo(e.max()) <= 0);
    String band =
        "[" + (e.min() == null ? "" : e.min()) + ", " + (e.max() == null ? "" : e.max()) + "]";
    return single(e, ok, rows + " rows, expected within " + band);
  }

  /** The latest event time must lie within {@code max_lag_hours} of the partition's end. */
  private static Outcome freshness(ExpectationConfig e, LocalDate date, OffsetDateTime latest) {
    OffsetDateTime end = date.plusDays(1).atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
    if (latest == null) {
      return single(e, false, "no parseable event time in the partition");
    }
    double lagHours = Duration.between(latest, end).toSeconds() / 3600.0;
    return single(
        e,
        lagHours <= e.maxLagHours(),
        String.format(
            Locale.ROOT,
            "latest event %s, %.1f h before the partition's end (allowed %.1f h)",
            latest,
            lagHours,
            e.maxLagHours()));
  }

  /** The column's null fraction or mean against the average of the previous partitions. */
  private Outcome drift(
      ExpectationConfig e, String dataset, LocalDate date, List<ColumnProfile> profiles) {
    ColumnProfile now =
        profiles.stream().filter(p -> p.column().equals(e.column())).findFirst().orElseThrow();
    List<ColumnProfilesRecord> before =
        ColumnProfiles.previous(dsl, dataset, date, e.column(), e.lookback());
    if (before.isEmpty()) {
      return single(e, true, "no earlier partition to compare with yet");
    }
    boolean mean = "mean".equals(e.metric());
    double current = mean ? (now.mean() == null ? Double.NaN : now.mean()) : now.nullFraction();
    double baseline =
        before.stream()
            .mapToDouble(
                p ->
                    mean
                        ? (p.getMean() == null ? Double.NaN : p.getMean())
                        : p.getRowCount() == 0 ? 0.0 : (double) p.getNullCount() / p.getRowCount())
            .filter(x -> !Double.isNaN(x))
            .average()
            .orElse(Double.NaN);
    double allowed = mean ? e.tolerance() * Math.abs(baseline) : e.tolerance();
    boolean ok = Double.isNaN(baseline) || Math.abs(current - baseline) <= allowed;
    return single(
        e,
        ok,
        String.format(
            Locale.ROOT,
            "%s %.4f vs %.4f over the previous %d partition(s) (band +-%.4f)",
            e.metric(),
            current,
            baseline,
            before.size(),
            allowed));
  }

  /** File-level: every file of the partition carries every required column in its header. */
  private Outcome columnsExist(ExpectationConfig e, LoadedConfig config, Long[] fileIds) {
    Result<Record2<String, String[]>> headers =
        dsl.select(INGESTED_FILES.FILE_NAME, INGESTED_FILES.HEADER)
            .from(INGESTED_FILES)
            .where(INGESTED_FILES.FILE_ID.in(fileIds))
            .orderBy(INGESTED_FILES.FILE_NAME)
            .fetch();
    List<String> samples = new ArrayList<>();
    for (Record2<String, String[]> h : headers) {
      Set<String> present = new HashSet<>(Arrays.asList(h.value2()));
      List<String> missing =
          config.schema().requiredColumns().stream().filter(c -> !present.contains(c)).toList();
      if (!missing.isEmpty()) {
        samples.add(h.value1() + " lacks " + String.join(", ", missing));
      }
    }
    return fractional(
        e, headers.size(), samples.size(), samples.subList(0, Math.min(SAMPLES, samples.size())));
  }

  private static Outcome fractional(
      ExpectationConfig e, long checked, long unexpected, List<String> samples) {
    double mostly = mostly(e);
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
        samples);
  }

  private static Outcome single(ExpectationConfig e, boolean ok, String observed) {
    return new Outcome(
        e.name(),
        e.type(),
        e.column(),
        e.severity(),
        mostly(e),
        1,
        ok ? 0 : 1,
        ok ? 0 : 1,
        ok,
        observed,
        List.of());
  }

  private static double mostly(ExpectationConfig e) {
    return e.mostly() == null ? 1.0 : e.mostly();
  }

  private void record(
      PartitionRef ref,
      LocalDate date,
      List<Outcome> outcomes,
      List<ColumnProfile> profiles,
      Path report) {
    dsl.transaction(
        trx -> {
          DSLContext tx = trx.dsl();
          tx.deleteFrom(VALIDATION_RESULTS)
              .where(VALIDATION_RESULTS.DATASET.eq(ref.dataset()))
              .and(VALIDATION_RESULTS.PARTITION_DATE.eq(date))
              .execute();
          for (Outcome o : outcomes) {
            Map<String, Object> details = new HashMap<>();
            details.put("observed", o.observed());
            details.put("unexpected_samples", o.unexpectedSamples());
            tx.insertInto(VALIDATION_RESULTS)
                .set(VALIDATION_RESULTS.DATASET, ref.dataset())
                .set(VALIDATION_RESULTS.PARTITION_DATE, date)
                .set(VALIDATION_RESULTS.EXPECTATION, o.name())
                .set(VALIDATION_RESULTS.KIND, o.type())
                .set(VALIDATION_RESULTS.COLUMN_NAME, o.column())
                .set(VALIDATION_RESULTS.SEVERITY, o.severity())
                .set(VALIDATION_RESULTS.MOSTLY, BigDecimal.valueOf(o.mostly()))
                .set(VALIDATION_RESULTS.ELEMENT_COUNT, o.elementCount())
                .set(VALIDATION_RESULTS.UNEXPECTED_COUNT, o.unexpectedCount())
                .set(VALIDATION_RESULTS.SUCCESS, o.success())
                .set(
                    VALIDATION_RESULTS.DETAILS,
                    JSONB.valueOf(Json.MAPPER.writeValueAsString(details)))
                .set(VALIDATION_RESULTS.RUN_ID, ref.runId())
                .set(VALIDATION_RESULTS.REPORT_PATH, report.toString())
                .execute();
          }
          ColumnProfiles.store(tx, ref.dataset(), date, ref.runId(), profiles);
        });
  }

  static boolean passes(long checked, long unexpected, double mostly) {
    return checked == 0 || (double) (checked - unexpected) / checked >= mostly - 1e-12;
  }
}
