package io.sluice.activities.features;

import static io.sluice.db.jooq.meta.Tables.FEATURE_DATES;
import static io.sluice.db.jooq.meta.Tables.STAGE_RECONCILIATION;

import io.sluice.activities.config.LoadedConfig;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Which feature dates of a range a features run computes, read from the ledger the same way the
 * features step reads it: a date of the feature set's own dataset that is staged and was never
 * computed, or was computed before a partition it reads (of any input) was staged again.
 *
 * @param dataset the feature set's own dataset, whose staged partitions are its dates
 * @param compute dates of the range to compute (missing or stale)
 * @param current dates of the range computed and up to date
 * @param notStaged dates of the range whose partition of {@code dataset} is not staged: not
 *     computed until it is
 * @param earlier dates before the range that are missing or stale: the run computes them too
 * @param inputsMissing per joined dataset, the dates of the range it has no staged partition for:
 *     computed without it, and stale once it is staged
 */
public record FeatureDatePlan(
    String dataset,
    List<LocalDate> compute,
    List<LocalDate> current,
    List<LocalDate> notStaged,
    List<LocalDate> earlier,
    Map<String, List<LocalDate>> inputsMissing) {

  /** The plan of {@code from..to} for a feature set's config. */
  public static FeatureDatePlan of(
      DSLContext dsl, LoadedConfig config, LocalDate from, LocalDate to) {
    List<String> inputs = config.inputs();
    String anchor = inputs.get(0);
    NavigableMap<LocalDate, Long> staged = stagings(dsl, List.of(anchor));
    NavigableMap<LocalDate, Long> reads = stagings(dsl, inputs);
    String table = new FeatureSet(config).table(dsl).getQualifiedName().toString();
    Map<LocalDate, Long> computed =
        dsl.select(FEATURE_DATES.FEATURE_DATE, FEATURE_DATES.FEATURES_SEQ)
            .from(FEATURE_DATES)
            .where(FEATURE_DATES.FEATURE_TABLE.eq(table))
            .and(FEATURE_DATES.FEATURE_DATE.le(to))
            .fetchMap(FEATURE_DATES.FEATURE_DATE, FEATURE_DATES.FEATURES_SEQ);
    List<LocalDate> compute = new ArrayList<>();
    List<LocalDate> current = new ArrayList<>();
    List<LocalDate> earlier = new ArrayList<>();
    for (LocalDate fd : staged.headMap(to, true).keySet()) {
      boolean due = due(computed.get(fd), reads, fd);
      if (fd.isBefore(from)) {
        if (due) {
          earlier.add(fd);
        }
      } else if (due) {
        compute.add(fd);
      } else {
        current.add(fd);
      }
    }
    List<LocalDate> notStaged = new ArrayList<>();
    Map<String, List<LocalDate>> inputsMissing = new LinkedHashMap<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      if (!staged.containsKey(d)) {
        notStaged.add(d);
      }
    }
    for (String input : inputs.subList(1, inputs.size())) {
      NavigableMap<LocalDate, Long> theirs = stagings(dsl, List.of(input));
      List<LocalDate> missing = new ArrayList<>();
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        if (staged.containsKey(d) && !theirs.containsKey(d)) {
          missing.add(d);
        }
      }
      if (!missing.isEmpty()) {
        inputsMissing.put(input, missing);
      }
    }
    return new FeatureDatePlan(anchor, compute, current, notStaged, earlier, inputsMissing);
  }

  /**
   * Every date a partition of one of {@code datasets} is staged for, with the latest stage_seq
   * among them (the sequence is shared by all datasets): a staging of any of them after a feature
   * date was computed makes it stale.
   */
  static NavigableMap<LocalDate, Long> stagings(DSLContext tx, List<String> datasets) {
    NavigableMap<LocalDate, Long> seqs = new TreeMap<>();
    tx.select(STAGE_RECONCILIATION.PARTITION_DATE, DSL.max(STAGE_RECONCILIATION.STAGE_SEQ))
        .from(STAGE_RECONCILIATION)
        .where(STAGE_RECONCILIATION.DATASET.in(datasets))
        .groupBy(STAGE_RECONCILIATION.PARTITION_DATE)
        .fetch()
        .forEach(r -> seqs.put(r.value1(), r.value2()));
    return seqs;
  }

  /**
   * Whether feature date {@code fd}, computed when the latest staging it read was {@code
   * computedSeq} (null: never), is to be computed: never, or a partition it reads was staged since.
   */
  static boolean due(Long computedSeq, NavigableMap<LocalDate, Long> reads, LocalDate fd) {
    return computedSeq == null || computedSeq < maxSeq(reads, fd);
  }

  /** The latest staging among the partitions up to {@code date}: what a value of that date read. */
  static long maxSeq(NavigableMap<LocalDate, Long> staged, LocalDate date) {
    return staged.headMap(date, true).values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
