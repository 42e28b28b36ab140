package io.sluice.activities.validate;

import static io.sluice.db.jooq.meta.Tables.VALIDATION_RESULTS;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.stage.Candidates;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Json;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SideBySide;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.support.TemporalRun;
import io.sluice.activities.validate.ValidationReport.ColumnProfile;
import io.sluice.activities.validate.ValidationReport.Outcome;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.ValidateActivities;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.impl.DSL;

/**
 * Validate: every expectation of the dataset, evaluated over the partition's rows as the worker
 * judged them ({@link Candidates}, judged here if they are not yet). The row-level checks and the
 * column profiles are counted by the worker while it judges the rows ({@link StreamScan}), or by
 * one SQL scan of the judged rows when it could not
 * (docs/adr/0025-validation-counts-as-the-judge-streams.md); partition-level expectations run
 * queries of their own. The JSON and HTML reports are written before the verdict, so a failed run
 * always has them.
 */
@Singleton
public final class ValidateActivitiesImpl implements ValidateActivities {

  /** Partition-level checks run at once: each holds a connection while its query runs. */
  static final int CHECKS_SIDE_BY_SIDE = 2;

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
    DatasetSchema schema = config.schema();
    Candidates candidates = Candidates.of(config, version);
    List<Expectation> expectations = config.expectations().stream().map(Expectation::of).toList();
    List<Expectation.RowLevel> rowLevel = rowLevel(expectations);
    StreamScan stream = new StreamScan(schema, rowLevel);
    Candidates.Filled filled = candidates.ensure(dsl, stream);
    // counted while the rows were judged, unless they were judged before, the SQL judged some of
    // them, or a read is one Java cannot be sure of
    // (docs/adr/0025-validation-counts-as-the-judge-streams.md)
    Counts counts =
        !filled.reused() && filled.undecided() == 0 && stream.decided()
            ? stream.counts()
            : Counts.scan(dsl, candidates, rowLevel);
    Map<String, Outcome> outcomes = new HashMap<>();
    Scan scan = outcomes(dsl, candidates, rowLevel, counts, outcomes);
    Expectation.Partition partition =
        new Expectation.Partition(
            dsl,
            schema,
            date,
            candidates,
            fileIds,
            scan.rows(),
            scan.latestEvent(),
            scan.profiles());
    // each partition-level check is a query of its own: two at a time, so that a second core
    // scans while the first does
    List<Expectation.PartitionLevel> checks =
        expectations.stream()
            .filter(Expectation.PartitionLevel.class::isInstance)
            .map(Expectation.PartitionLevel.class::cast)
            .toList();
    List<Outcome> checked =
        SideBySide.run(
            "sluice-checks-" + ref.dataset(),
            checks.stream().<Callable<Outcome>>map(c -> () -> c.evaluate(partition)).toList(),
            Math.min(CHECKS_SIDE_BY_SIDE, SideBySide.connections(dsl)));
    for (int i = 0; i < checks.size(); i++) {
      outcomes.put(checks.get(i).config().name(), checked.get(i));
    }
    List<Outcome> ordered =
        expectations.stream().map(e -> outcomes.get(e.config().name())).toList();
    List<ColumnProfile> profiles = scan.profiles();
    long rows = scan.rows();

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
      // nothing is staged from this judgement: a new version, or a changed pipeline file, is
      // judged anew (docs/adr/0017-rows-are-judged-once.md)
      candidates.drop(dsl);
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

  static List<Expectation.RowLevel> rowLevel(List<Expectation> expectations) {
    List<Expectation.RowLevel> rowLevel = new ArrayList<>();
    for (Expectation e : expectations) {
      if (e instanceof Expectation.RowLevel r) {
        rowLevel.add(r);
      }
    }
    return rowLevel;
  }

  /**
   * The single scan's counts: each row-level expectation's checked and unexpected values, the
   * latest event time (for freshness), each column's missing values and each numeric column's
   * spread.
   */
  record Counts(
      long rows,
      long[] checked,
      long[] unexpected,
      OffsetDateTime latestEvent,
      long[] nulls,
      Map<String, ColumnProfiles.Spread> spreads,
      Map<String, Map<Double, Long>> distinct) {

    /**
     * One aggregate query over the judged rows: every row-level expectation, the latest event time
     * and the column profiles' aggregates, over the typed and cleaned values the judge stored.
     */
    static Counts scan(DSLContext dsl, Candidates candidates, List<Expectation.RowLevel> rowLevel) {
      DatasetSchema schema = candidates.schema();
      Reads once = Reads.once(candidates);
      List<SelectField<?>> aggregates = new ArrayList<>();
      aggregates.add(DSL.count());
      for (Expectation.RowLevel r : rowLevel) {
        aggregates.add(DSL.count().filterWhere(r.checked(once)));
        aggregates.add(DSL.count().filterWhere(r.unexpected(once, schema)));
      }
      int latestAt = aggregates.size();
      // an event time outside the bounds is quarantined by staging: it says nothing of freshness
      Field<OffsetDateTime> eventTime = once.instant(schema.eventTime());
      aggregates.add(
          DSL.max(eventTime)
              .filterWhere(
                  eventTime
                      .ge(schema.bounds().eventMin())
                      .and(eventTime.lt(schema.bounds().eventMax()))));
      int profileAt = aggregates.size();
      aggregates.addAll(ColumnProfiles.aggregates(schema, once));
      Record r = dsl.select(aggregates).from(once.table()).fetchOne();
      long[] checked = new long[rowLevel.size()];
      long[] unexpected = new long[rowLevel.size()];
      for (int i = 0; i < rowLevel.size(); i++) {
        checked[i] = r.get(1 + 2 * i, Long.class);
        unexpected[i] = r.get(2 + 2 * i, Long.class);
      }
      return new Counts(
          r.get(0, Long.class),
          checked,
          unexpected,
          utc(r.get(latestAt, OffsetDateTime.class)),
          ColumnProfiles.nulls(schema, r, profileAt),
          ColumnProfiles.spreads(schema, r, profileAt),
          Map.of());
    }
  }

  /** An instant in UTC, as the worker's counts give it (null stays null). */
  private static OffsetDateTime utc(OffsetDateTime t) {
    return t == null ? null : t.withOffsetSameInstant(java.time.ZoneOffset.UTC);
  }

  /**
   * The row-level outcomes from the counts, and the profiles. Samples are fetched only for failing
   * expectations, each with a LIMIT that stops at the first matches.
   */
  private static Scan outcomes(
      DSLContext dsl,
      Candidates candidates,
      List<Expectation.RowLevel> rowLevel,
      Counts counts,
      Map<String, Outcome> outcomes) {
    DatasetSchema schema = candidates.schema();
    Reads inline = Reads.inline(candidates);
    for (int i = 0; i < rowLevel.size(); i++) {
      Expectation.RowLevel x = rowLevel.get(i);
      long unexpected = counts.unexpected()[i];
      List<String> samples =
          unexpected == 0
              ? List.of()
              : Outcomes.firstDistinct(
                  dsl.select(DSL.coalesce(x.value(inline), DSL.inline("<missing>")))
                      .from(inline.from())
                      .where(x.unexpected(inline, schema))
                      .limit(Outcomes.SAMPLES * 10)
                      .fetch(0, String.class));
      outcomes.put(
          x.config().name(), Outcomes.fractional(x, counts.checked()[i], unexpected, samples));
    }
    return new Scan(
        counts.rows(),
        counts.latestEvent(),
        ColumnProfiles.profiles(
            dsl, candidates, counts.nulls(), counts.spreads(), counts.distinct(), counts.rows()));
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
}
