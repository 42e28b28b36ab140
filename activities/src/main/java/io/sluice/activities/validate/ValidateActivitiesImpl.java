package io.sluice.activities.validate;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.VALIDATION_RESULTS;
import static io.sluice.db.jooq.raw.Tables.ORDERS;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Json;
import io.sluice.activities.support.Outputs;
import io.sluice.activities.support.PartitionStore;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidationReport.Outcome;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.ValidateActivities;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.SelectField;
import org.jooq.impl.DSL;

/**
 * Validate: every expectation of the dataset, evaluated in one set-based pass over the raw
 * partition. The report is written before the verdict, so a failed run always has one.
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
    LoadedConfig config = Failures.config(settings, ref.dataset());
    PartitionVersionsRecord version = PartitionStore.requireLatest(dsl, ref.dataset(), date);
    Long[] fileIds = version.getFileIds();

    List<Outcome> outcomes = new ArrayList<>();
    long rows = rowLevel(config, fileIds, outcomes);
    for (ExpectationConfig e : config.config().expectations()) {
      if ("columns_exist".equals(e.type())) {
        outcomes.add(columnsExist(e, config, fileIds));
      }
    }
    outcomes.sort(java.util.Comparator.comparingInt(o -> order(config, o.name())));

    int errors =
        (int) outcomes.stream().filter(o -> !o.success() && "error".equals(o.severity())).count();
    int warns =
        (int) outcomes.stream().filter(o -> !o.success() && "warn".equals(o.severity())).count();
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
            outcomes);
    Path json = settings.reportFile(ref.dataset(), date, ref.runId(), "json");
    Outputs.writeAtomically(json, Json.bytes(report));
    record(ref, date, outcomes, json);

    if (errors > 0) {
      List<String> failed =
          outcomes.stream()
              .filter(o -> !o.success() && "error".equals(o.severity()))
              .map(
                  o ->
                      o.name()
                          + " ("
                          + o.unexpectedCount()
                          + " of "
                          + o.elementCount()
                          + " unexpected)")
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
              + json);
    }
    return new ValidateResult(outcomes.size(), errors, warns, rows, json.toString());
  }

  /** All row-level expectations in one aggregate query; samples only for the ones that fail. */
  private long rowLevel(LoadedConfig config, Long[] fileIds, List<Outcome> outcomes) {
    List<CompiledExpectation> compiled = new ArrayList<>();
    for (ExpectationConfig e : config.config().expectations()) {
      if (!"columns_exist".equals(e.type())) {
        compiled.add(CompiledExpectation.compile(e, config.config(), ORDERS));
      }
    }
    List<SelectField<?>> aggregates = new ArrayList<>();
    aggregates.add(DSL.count());
    for (CompiledExpectation c : compiled) {
      aggregates.add(DSL.count().filterWhere(c.checked()));
      aggregates.add(DSL.count().filterWhere(c.unexpected()));
    }
    Record r = dsl.select(aggregates).from(ORDERS).where(ORDERS.FILE_ID.in(fileIds)).fetchOne();
    long rows = r.get(0, Long.class);
    for (int i = 0; i < compiled.size(); i++) {
      CompiledExpectation c = compiled.get(i);
      long checked = r.get(1 + 2 * i, Long.class);
      long unexpected = r.get(2 + 2 * i, Long.class);
      boolean success = passes(checked, unexpected, c.mostly());
      List<String> samples =
          unexpected == 0
              ? List.of()
              : dsl.selectDistinct(DSL.coalesce(c.value(), DSL.inline("<missing>")))
                  .from(ORDERS)
                  .where(ORDERS.FILE_ID.in(fileIds))
                  .and(c.unexpected())
                  .orderBy(1)
                  .limit(SAMPLES)
                  .fetch(0, String.class);
      ExpectationConfig e = c.config();
      outcomes.add(
          new Outcome(
              e.name(),
              e.type(),
              e.column(),
              e.severity(),
              c.mostly(),
              checked,
              unexpected,
              fraction(checked, unexpected),
              success,
              samples));
    }
    return rows;
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
          config.config().requiredColumns().stream().filter(c -> !present.contains(c)).toList();
      if (!missing.isEmpty()) {
        samples.add(h.value1() + " lacks " + String.join(", ", missing));
      }
    }
    double mostly = e.mostly() == null ? 1.0 : e.mostly();
    return new Outcome(
        e.name(),
        e.type(),
        null,
        e.severity(),
        mostly,
        headers.size(),
        samples.size(),
        fraction(headers.size(), samples.size()),
        passes(headers.size(), samples.size(), mostly),
        samples.subList(0, Math.min(SAMPLES, samples.size())));
  }

  private void record(PartitionRef ref, LocalDate date, List<Outcome> outcomes, Path report) {
    dsl.transaction(
        trx -> {
          DSLContext tx = trx.dsl();
          tx.deleteFrom(VALIDATION_RESULTS)
              .where(VALIDATION_RESULTS.DATASET.eq(ref.dataset()))
              .and(VALIDATION_RESULTS.PARTITION_DATE.eq(date))
              .execute();
          for (Outcome o : outcomes) {
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
                    JSONB.valueOf(
                        Json.MAPPER.writeValueAsString(
                            Map.of("unexpected_samples", o.unexpectedSamples()))))
                .set(VALIDATION_RESULTS.RUN_ID, ref.runId())
                .set(VALIDATION_RESULTS.REPORT_PATH, report.toString())
                .execute();
          }
        });
  }

  static boolean passes(long checked, long unexpected, double mostly) {
    return checked == 0 || (double) (checked - unexpected) / checked >= mostly - 1e-12;
  }

  private static double fraction(long checked, long unexpected) {
    return checked == 0 ? 0.0 : (double) unexpected / checked;
  }

  private static int order(LoadedConfig config, String name) {
    List<ExpectationConfig> all = config.config().expectations();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).name().equals(name)) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }
}
