package io.sluice.activities.validate;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.meta.Tables.STAGE_RECONCILIATION;

import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.RowRule;
import io.sluice.activities.validate.ValidationReport.ColumnProfile;
import io.sluice.activities.validate.ValidationReport.Outcome;
import io.sluice.db.jooq.meta.tables.records.ColumnProfilesRecord;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An expectation a partition must meet (docs/pipeline-yaml.md#expectations): each kind is a record
 * that owns the checks of its keys, its SQL and what it means in words. Row-level kinds are counted
 * in the partition's single scan (by the worker as it judges the rows, {@link StreamScan}, which
 * must count as this SQL does, or by the SQL); partition-level ones are judged from what the scan
 * found, or a query of their own.
 */
public sealed interface Expectation {

  ExpectationConfig config();

  /** The kinds, by the {@code type} a pipeline file names them with. */
  Map<String, Function<ExpectationConfig, Expectation>> KINDS = Kinds.ALL;

  /** The expectation {@code e} declares; its type must be one of {@link #KINDS}. */
  static Expectation of(ExpectationConfig e) {
    Function<ExpectationConfig, Expectation> make = KINDS.get(e.type());
    if (make == null) {
      throw new IllegalArgumentException("not an expectation type: " + e.type());
    }
    return make.apply(e);
  }

  /** Adds a problem for each of this kind's own keys that is wrong, naming {@code key}.x. */
  void check(String key, DatasetSchema schema, List<String> problems);

  /** When a partition passes it, in words. */
  String describe();

  /** Whether it checks one column's values ({@code column} required) or the partition. */
  default boolean checksAColumn() {
    return true;
  }

  /** The share of checked values that must pass: {@code mostly}, default 1. */
  default double mostly() {
    return config().mostly() == null ? 1.0 : config().mostly();
  }

  /** Checks every value of a column; counted in the scan as (checked, unexpected). */
  sealed interface RowLevel extends Expectation {

    /** The value shown as a sample of what failed. */
    default Field<String> value(Reads r) {
      return r.cleaned(config().column());
    }

    /** The values it checks: the present ones. */
    default Condition checked(Reads r) {
      return r.cleaned(config().column()).isNotNull();
    }

    /** The checked values that fail it. */
    Condition unexpected(Reads r, DatasetSchema schema);
  }

  /** Judged once per partition. */
  sealed interface PartitionLevel extends Expectation {
    Outcome evaluate(Partition p);
  }

  /** What a partition-level expectation is judged on: the partition and what its scan found. */
  record Partition(
      DSLContext dsl,
      DatasetSchema schema,
      LocalDate date,
      io.sluice.activities.stage.Candidates candidates,
      Long[] fileIds,
      long rows,
      OffsetDateTime latestEvent,
      List<ColumnProfile> profiles) {}

  // ---------------------------------------------------------------------------------------------
  // Row level

  record NotNull(ExpectationConfig config) implements RowLevel {
    public void check(String key, DatasetSchema schema, List<String> problems) {}

    public String describe() {
      return "the cleaned value is not missing";
    }

    @Override
    public Condition checked(Reads r) {
      return DSL.trueCondition();
    }

    public Condition unexpected(Reads r, DatasetSchema schema) {
      return r.cleaned(config.column()).isNull();
    }
  }

  /** Parses as {@code as} (instant, decimal, integer), or without it as the declared type. */
  record Parses(ExpectationConfig config) implements RowLevel {
    static final Set<String> AS = Set.of("instant", "decimal", "integer");

    public void check(String key, DatasetSchema schema, List<String> problems) {
      if (config.as() != null && !AS.contains(config.as())) {
        problems.add("key '" + key + ".as': one of " + AS + ", got '" + config.as() + "'");
      }
    }

    public String describe() {
      return "non-empty values parse as "
          + (config.as() == null ? "the column's type" : config.as());
    }

    public Condition unexpected(Reads r, DatasetSchema schema) {
      Field<?> parsed =
          config.as() == null
              ? r.typed(config.column())
              : switch (config.as()) {
                case "instant" -> r.instant(config.column());
                case "decimal" -> r.decimal(config.column());
                default -> r.integer(config.column());
              };
      return checked(r).and(parsed.isNull());
    }
  }

  /** A number within [min, max]. */
  record Between(ExpectationConfig config) implements RowLevel {
    public void check(String key, DatasetSchema schema, List<String> problems) {
      if (config.min() == null && config.max() == null) {
        problems.add("key '" + key + "': between needs min, max or both");
      }
    }

    public String describe() {
      return "non-empty values are numbers within ["
          + bound(config.min())
          + ", "
          + bound(config.max())
          + "]";
    }

    public Condition unexpected(Reads r, DatasetSchema schema) {
      Field<BigDecimal> n = r.decimal(config.column());
      Condition out = n.isNull();
      if (config.min() != null) {
        out = out.or(n.lt(config.min()));
      }
      if (config.max() != null) {
        out = out.or(n.gt(config.max()));
      }
      return checked(r).and(out);
    }
  }

  /** One of its values, or of the values its column declares; case is ignored. */
  record InSet(ExpectationConfig config) implements RowLevel {
    public void check(String key, DatasetSchema schema, List<String> problems) {
      ColumnSpec column = config.column() == null ? null : schema.column(config.column());
      if (config.values() != null && config.values().contains(null)) {
        problems.add("key '" + key + ".values': text values; a null can never match");
      } else if (config.values() != null && config.values().isEmpty()) {
        problems.add(
            "key '"
                + key
                + ".values': list at least one value, or leave values out for the column's"
                + " declared values");
      } else if (config.values() == null && column != null && declaredValues(column) == null) {
        problems.add(
            "key '"
                + key
                + ".values': list the values, or declare them on the column (an enum's values or"
                + " an in: rule under columns."
                + config.column()
                + ")");
      }
    }

    public String describe() {
      return "case-folded values are in the set";
    }

    public Condition unexpected(Reads r, DatasetSchema schema) {
      List<String> values =
          (config.values() != null && !config.values().isEmpty()
                  ? config.values()
                  : declaredValues(schema.column(config.column())))
              .stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
      return checked(r).and(DSL.lower(r.cleaned(config.column())).notIn(values));
    }

    /** The values a column declares it may hold (an enum's, or its {@code in:} rule's), or null. */
    public static List<String> declaredValues(ColumnSpec column) {
      if (column.type() instanceof ColumnType.Enumerated en) {
        return en.values();
      }
      for (RowRule rule : column.rules()) {
        if (rule instanceof RowRule.In in) {
          return in.values();
        }
      }
      return null;
    }
  }

  /** Matches a PostgreSQL regular expression, on the value as received (untrimmed). */
  record Matches(ExpectationConfig config) implements RowLevel {
    public void check(String key, DatasetSchema schema, List<String> problems) {
      // PostgreSQL, which runs the pattern, compiles it at validate and migrate (PatternCheck)
      if (config.pattern() == null || config.pattern().isBlank()) {
        problems.add("key '" + key + ".pattern': required, a regular expression");
      }
    }

    public String describe() {
      return "values as received match " + config.pattern();
    }

    @Override
    public Field<String> value(Reads r) {
      return r.received(config.column());
    }

    public Condition unexpected(Reads r, DatasetSchema schema) {
      return checked(r).and(r.received(config.column()).likeRegex(config.pattern()).not());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Partition level

  /** Every file of the partition carries every required column in its header. */
  record ColumnsExist(ExpectationConfig config) implements PartitionLevel {
    public void check(String key, DatasetSchema schema, List<String> problems) {}

    public String describe() {
      return "every file's header has every required column";
    }

    @Override
    public boolean checksAColumn() {
      return false;
    }

    public Outcome evaluate(Partition p) {
      Result<Record2<String, String[]>> headers =
          p.dsl()
              .select(INGESTED_FILES.FILE_NAME, INGESTED_FILES.HEADER)
              .from(INGESTED_FILES)
              .where(INGESTED_FILES.FILE_ID.in(p.fileIds()))
              .orderBy(INGESTED_FILES.FILE_NAME)
              .fetch();
      List<String> samples = new ArrayList<>();
      for (Record2<String, String[]> h : headers) {
        Set<String> present = new HashSet<>(Arrays.asList(h.value2()));
        List<String> missing =
            p.schema().requiredColumns().stream().filter(c -> !present.contains(c)).toList();
        if (!missing.isEmpty()) {
          samples.add(h.value1() + " lacks " + String.join(", ", missing));
        }
      }
      return Outcomes.fractional(
          this,
          headers.size(),
          samples.size(),
          samples.subList(0, Math.min(Outcomes.SAMPLES, samples.size())));
    }
  }

  /** No value repeats in the partition, or no key is staged already from another partition. */
  record Unique(ExpectationConfig config) implements PartitionLevel {
    private static final Logger LOG = LoggerFactory.getLogger(Unique.class);

    static final Set<String> SCOPES = Set.of("partition", "staged");

    public void check(String key, DatasetSchema schema, List<String> problems) {
      if (config.scope() != null && !SCOPES.contains(config.scope())) {
        problems.add("key '" + key + ".scope': partition or staged, got '" + config.scope() + "'");
      }
      if (staged() && !Collections.singletonList(config.column()).equals(schema.primaryKey())) {
        problems.add(
            "key '"
                + key
                + ".scope': staged uniqueness is checked for a one-column primary key only");
      }
    }

    boolean staged() {
      return "staged".equals(config.scope());
    }

    public String describe() {
      return staged()
          ? "no key is staged already from another partition"
          : "no value repeats in the partition";
    }

    public Outcome evaluate(Partition p) {
      Reads reads = Reads.inline(p.candidates());
      Field<String> v = reads.cleaned(config.column());
      if (!staged()) {
        return repeats(p, reads, v);
      }
      Condition elsewhere = stagedElsewhere(p, reads);
      // only a versioned dataset's staged table has an index that leads with its key; an events
      // dataset's is keyed by file and line, and a forced nested loop would rescan it for every row
      long elsewhereRows = p.schema().versioned() ? stagedRowsElsewhere(p) : 0;
      boolean lookUp = probesKeys(elsewhereRows, p.rows());
      if (lookUp) {
        LOG.debug(
            "{}/{}: {} rows staged from other partitions, more than {} x the partition's {}: its"
                + " keys are looked up in the staged key's index",
            p.schema().dataset(),
            p.date(),
            elsewhereRows,
            PROBE_RATIO,
            p.rows());
      }
      // a WHERE EXISTS, a semi-join, where an aggregate's FILTER would run it row by row
      int found =
          lookingUp(
              p,
              lookUp,
              dsl -> dsl.fetchCount(DSL.selectOne().from(reads.from()).where(elsewhere)));
      if (found == 0) {
        return Outcomes.fractional(this, present(p), 0, List.of());
      }
      return Outcomes.fractional(
          this, present(p), found, samples(p, reads, v, elsewhere, lookUp, elsewhereRows, found));
    }

    /**
     * The first distinct keys of {@code found} rows staged from another partition.
     *
     * @param lookUp whether the count looked the keys up (see {@link #probesKeys})
     */
    private List<String> samples(
        Partition p,
        Reads reads,
        Field<String> v,
        Condition elsewhere,
        boolean lookUp,
        long elsewhereRows,
        int found) {
      // The samples are the first keys found. When such keys are common, the partition's first
      // rows should hold enough of them: those rows' keys are looked up in the staged key's index
      // (the plan PostgreSQL picks once the staged table has statistics, which a day staged just
      // now lacks), PROBE_RATIO times as many rows as keys spread evenly would need. Where the
      // first rows hold too few (the keys sit elsewhere in the partition), the samples come from
      // every row, as the count did; so a lookup costs at most a quarter of a hash of the staged
      // keys more than the hash alone.
      int wanted = Outcomes.SAMPLES * 10;
      long first =
          Math.min(p.rows(), PROBE_RATIO * (long) Math.ceil((double) wanted * p.rows() / found));
      List<String> samples = List.of();
      if (!lookUp && probesKeys(elsewhereRows, first)) {
        LOG.debug(
            "{}/{}: {} of the partition's {} rows have a key staged from another partition: the"
                + " keys of its first {} rows are looked up in the staged key's index for samples",
            p.schema().dataset(),
            p.date(),
            found,
            p.rows(),
            first);
        samples =
            Outcomes.firstDistinct(
                lookingUp(p, true, dsl -> keysFirstFound(dsl, p, reads, v, first, wanted)));
        if (samples.size() < Math.min(Outcomes.SAMPLES, found) && first < p.rows()) {
          LOG.debug(
              "{}/{}: its first {} rows hold {} of those keys: the samples come from every row",
              p.schema().dataset(),
              p.date(),
              first,
              samples.size());
          samples = List.of();
        }
      }
      if (samples.isEmpty()) {
        samples =
            Outcomes.firstDistinct(
                lookingUp(
                    p,
                    lookUp,
                    dsl ->
                        dsl.select(v)
                            .from(reads.from())
                            .where(elsewhere)
                            .limit(wanted)
                            .fetch(0, String.class)));
      }
      return samples;
    }

    /**
     * The first {@code wanted} values of the key among the partition's first {@code rows} rows (in
     * the table's order: the scan starts at its first page) whose key is staged from another
     * partition.
     */
    private List<String> keysFirstFound(
        DSLContext dsl, Partition p, Reads reads, Field<String> v, long rows, int wanted) {
      dsl.execute("SET LOCAL synchronize_seqscans = off");
      Table<?> head =
          DSL.select(v.as("v"), reads.typed(config.column()).as("k"))
              .from(reads.from())
              .limit(rows)
              .asTable("head");
      return dsl.select(head.field("v", String.class))
          .from(head)
          .where(stagedElsewhere(p, head.field("k")))
          .limit(wanted)
          .fetch(0, String.class);
    }

    /**
     * Runs {@code query}; when {@code lookUp}, in a transaction that turns off the joins that hash
     * or sort the staged keys, so that each key is looked up in the staged key's index.
     */
    private static <T> T lookingUp(Partition p, boolean lookUp, Function<DSLContext, T> query) {
      if (!lookUp) {
        return query.apply(p.dsl());
      }
      return p.dsl()
          .transactionResult(
              trx -> {
                // for this transaction only: PostgreSQL's default costs price a probe of the
                // staged key's index as a read from disk, and keep hashing every staged key
                trx.dsl().execute("SET LOCAL enable_hashjoin = off");
                trx.dsl().execute("SET LOCAL enable_mergejoin = off");
                return query.apply(trx.dsl());
              });
    }

    /**
     * Staged rows above this many times the keys to look up are not hashed whole: each key is
     * looked up in the staged key's index (a versioned dataset's, which leads with the key).
     * Measured on 1,000,000 judged orders: hashing takes about 0.17 s per 1,000,000 staged rows,
     * looking the 1,000,000 keys up 0.55-0.85 s whatever the history
     * (docs/adr/0025-validation-counts-as-the-judge-streams.md).
     */
    static final long PROBE_RATIO = 4;

    /** Whether {@code keys} are looked up one by one rather than the staged keys hashed. */
    static boolean probesKeys(long stagedElsewhere, long keys) {
      return stagedElsewhere > PROBE_RATIO * keys;
    }

    /** The rows staged from the dataset's other partitions, as their stages counted them. */
    private static long stagedRowsElsewhere(Partition p) {
      Long n =
          p.dsl()
              .select(DSL.sum(STAGE_RECONCILIATION.STAGED_ROWS).cast(Long.class))
              .from(STAGE_RECONCILIATION)
              .where(STAGE_RECONCILIATION.DATASET.eq(p.schema().dataset()))
              .and(STAGE_RECONCILIATION.PARTITION_DATE.ne(p.date()))
              .fetchOne(0, Long.class);
      return n == null ? 0 : n;
    }

    /** The rows with a value: the partition's rows but the nulls its scan counted. */
    private long present(Partition p) {
      return p.rows()
          - p.profiles().stream()
              .filter(c -> c.column().equals(config.column()))
              .mapToLong(ColumnProfile::nullCount)
              .findFirst()
              .orElseThrow();
    }

    /**
     * Values that repeat in the partition: one grouping of the present values, which gives both the
     * count (a value present n times counts n - 1) and the first repeated values as samples. The
     * present values are counted by the partition's scan already (its profile's nulls).
     */
    private Outcome repeats(Partition p, Reads reads, Field<String> v) {
      long present = present(p);
      // the values the judge saw may repeat, when it judged the partition just now: every value
      // that repeats is one of them, so only their rows are grouped
      Set<String> known = p.candidates().repeatCandidates(config.column()).orElse(null);
      if (known != null && known.isEmpty()) {
        return Outcomes.fractional(this, present, 0, List.of());
      }
      // a join with the unnested values, hashed; an = ANY over a bound array is a linear search
      // of the array for every row
      Condition rows =
          known == null
              ? v.isNotNull()
              : v.in(
                  DSL.select(
                      DSL.field(
                          "unnest({0})", String.class, DSL.val(known.toArray(String[]::new)))));
      org.jooq.Table<?> groups =
          DSL.select(v.as("v"), DSL.count().as("n"))
              .from(reads.from())
              .where(rows)
              .groupBy(v)
              .having(DSL.count().gt(1))
              .asTable("repeats");
      Field<String> value = groups.field("v", String.class);
      Field<BigDecimal> unexpected = DSL.sum(groups.field("n", Integer.class).minus(1)).over();
      Result<Record2<String, BigDecimal>> first =
          p.dsl()
              .select(value, unexpected)
              .from(groups)
              .orderBy(value)
              .limit(Outcomes.SAMPLES)
              .fetch();
      long repeated = first.isEmpty() ? 0 : first.get(0).value2().longValue();
      return Outcomes.fractional(this, present, repeated, first.map(Record2::value1));
    }

    /**
     * The key is staged from another day. (An IN over the staged keys cannot become a join inside
     * an aggregate's FILTER; once the keys outgrow work_mem PostgreSQL rescans them for every row,
     * quadratic in the history. An EXISTS in a WHERE clause is a semi-join.)
     */
    private Condition stagedElsewhere(Partition p, Reads reads) {
      return stagedElsewhere(p, reads.typed(config.column()));
    }

    /** {@code value} is a key staged from another partition. */
    private Condition stagedElsewhere(Partition p, Field<?> value) {
      DatasetSchema schema = p.schema();
      Field<Object> key = DSL.field(schema.stagedName().append(config.column()));
      Field<LocalDate> partition =
          DSL.field(schema.stagedName().append(DatasetSchema.PARTITION_DATE), LocalDate.class);
      return DSL.exists(
          DSL.selectOne().from(schema.staged()).where(key.eq(value)).and(partition.ne(p.date())));
    }
  }

  /** The partition's row count is within [min, max]. */
  record RowCount(ExpectationConfig config) implements PartitionLevel {
    public void check(String key, DatasetSchema schema, List<String> problems) {
      if (config.min() == null && config.max() == null) {
        problems.add("key '" + key + "': row_count needs min, max or both");
      }
    }

    public String describe() {
      return "the row count is within [" + bound(config.min()) + ", " + bound(config.max()) + "]";
    }

    @Override
    public boolean checksAColumn() {
      return false;
    }

    public Outcome evaluate(Partition p) {
      long rows = p.rows();
      boolean ok =
          (config.min() == null || BigDecimal.valueOf(rows).compareTo(config.min()) >= 0)
              && (config.max() == null || BigDecimal.valueOf(rows).compareTo(config.max()) <= 0);
      return Outcomes.single(
          this,
          ok,
          rows
              + " rows, expected within ["
              + bound(config.min())
              + ", "
              + bound(config.max())
              + "]");
    }
  }

  /** The latest event time lies within {@code max_lag_hours} of the partition's end. */
  record Freshness(ExpectationConfig config) implements PartitionLevel {
    public void check(String key, DatasetSchema schema, List<String> problems) {
      if (config.maxLagHours() == null
          || !Double.isFinite(config.maxLagHours())
          || config.maxLagHours() < 0) {
        problems.add("key '" + key + ".max_lag_hours': required, >= 0");
      }
    }

    public String describe() {
      return "the latest event time is within "
          + config.maxLagHours()
          + " hours of the partition's end";
    }

    @Override
    public boolean checksAColumn() {
      return false;
    }

    public Outcome evaluate(Partition p) {
      OffsetDateTime end = p.date().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
      if (p.latestEvent() == null) {
        return Outcomes.single(this, false, "no parseable event time in the partition");
      }
      double lagHours = Duration.between(p.latestEvent(), end).toSeconds() / 3600.0;
      return Outcomes.single(
          this,
          lagHours <= config.maxLagHours(),
          String.format(
              Locale.ROOT,
              "latest event %s, %.1f h before the partition's end (allowed %.1f h)",
              p.latestEvent(),
              lagHours,
              config.maxLagHours()));
    }
  }

  /** The column's null fraction or mean against its average over the previous partitions. */
  record Drift(ExpectationConfig config) implements PartitionLevel {
    static final Set<String> METRICS = Set.of("null_fraction", "mean");

    public void check(String key, DatasetSchema schema, List<String> problems) {
      if (!METRICS.contains(String.valueOf(config.metric()))) {
        problems.add(
            "key '" + key + ".metric': null_fraction or mean, got '" + config.metric() + "'");
      }
      if (mean() && !schema.numericColumns().contains(config.column())) {
        problems.add(
            "key '"
                + key
                + ".column': mean drift needs a numeric column (integer, bigint, decimal or"
                + " double)");
      }
      if (config.lookback() == null || config.lookback() < 1 || config.lookback() > 365) {
        problems.add("key '" + key + ".lookback': previous partitions to compare with, 1..365");
      }
      if (config.tolerance() == null
          || !Double.isFinite(config.tolerance())
          || config.tolerance() <= 0) {
        problems.add(
            "key '"
                + key
                + ".tolerance': the allowed band, > 0 (relative for mean, absolute for"
                + " null_fraction)");
      }
    }

    boolean mean() {
      return "mean".equals(config.metric());
    }

    public String describe() {
      return "the "
          + config.metric()
          + " is within "
          + config.tolerance()
          + " of its average"
          + " over the previous "
          + config.lookback()
          + " partitions";
    }

    public Outcome evaluate(Partition p) {
      ColumnProfile now =
          p.profiles().stream()
              .filter(c -> c.column().equals(config.column()))
              .findFirst()
              .orElseThrow();
      List<ColumnProfilesRecord> before =
          ColumnProfiles.previous(
              p.dsl(), p.schema().dataset(), p.date(), config.column(), config.lookback());
      if (before.isEmpty()) {
        return Outcomes.single(this, true, "no earlier partition to compare with yet");
      }
      double current = mean() ? (now.mean() == null ? Double.NaN : now.mean()) : now.nullFraction();
      double baseline =
          before.stream()
              .mapToDouble(
                  r ->
                      mean()
                          ? (r.getMean() == null ? Double.NaN : r.getMean())
                          : r.getRowCount() == 0
                              ? 0.0
                              : (double) r.getNullCount() / r.getRowCount())
              .filter(x -> !Double.isNaN(x))
              .average()
              .orElse(Double.NaN);
      double allowed = mean() ? config.tolerance() * Math.abs(baseline) : config.tolerance();
      boolean ok = Double.isNaN(baseline) || Math.abs(current - baseline) <= allowed;
      return Outcomes.single(
          this,
          ok,
          String.format(
              Locale.ROOT,
              "%s %.4f vs %.4f over the previous %d partition(s) (band +-%.4f)",
              config.metric(),
              current,
              baseline,
              before.size(),
              allowed));
    }
  }

  private static String bound(BigDecimal b) {
    return b == null ? "" : b.toPlainString();
  }

  /** The kinds' table, apart so the interface's constant can be built in order. */
  final class Kinds {
    static final Map<String, Function<ExpectationConfig, Expectation>> ALL;

    static {
      Map<String, Function<ExpectationConfig, Expectation>> m = new LinkedHashMap<>();
      m.put("columns_exist", ColumnsExist::new);
      m.put("not_null", NotNull::new);
      m.put("parses", Parses::new);
      m.put("between", Between::new);
      m.put("in_set", InSet::new);
      m.put("matches", Matches::new);
      m.put("unique", Unique::new);
      m.put("row_count", RowCount::new);
      m.put("freshness", Freshness::new);
      m.put("drift", Drift::new);
      ALL = Collections.unmodifiableMap(m);
    }

    private Kinds() {}
  }
}
