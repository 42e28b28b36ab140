package io.sluice.activities.ops;

import static io.sluice.db.jooq.meta.Tables.FEATURE_DATES;
import static io.sluice.db.jooq.meta.Tables.PARTITION_LEDGER;
import static io.sluice.db.jooq.meta.Tables.STAGE_RECONCILIATION;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.features.FeatureSet;
import io.sluice.activities.support.PartitionFiles;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.db.jooq.meta.tables.records.PartitionLedgerRecord;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.Stage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/**
 * What the partition ledger says about each partition of a range, next to what is on disk and what
 * today's config, SQL and code would produce: done, failed, running, late, missing or stale. Read
 * by {@code sluice status}, {@code sluice stale} and the backfill planner.
 */
public final class PartitionStates {

  /** A partition's state, most urgent first. */
  public enum State {
    FAILED('F'),
    LATE('L'),
    RUNNING('R'),
    STALE('S'),
    MISSING('.'),
    DONE('D');

    public final char mark;

    State(char mark) {
      this.mark = mark;
    }
  }

  /**
   * @param stages the ledger's rows of the partition by stage, in stage order
   * @param filesPresent the partition's files are on disk now
   * @param reason for FAILED/LATE the stage and error; for STALE what differs
   */
  public record Partition(
      LocalDate date,
      State state,
      Map<String, PartitionLedgerRecord> stages,
      boolean staged,
      boolean filesPresent,
      String reason) {}

  /** Today's hashes; a partition produced with others is stale. */
  public record Current(String configHash, String sqlHash, String codeVersion) {}

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public PartitionStates(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  public Current current(String dataset) {
    LoadedConfig config = settings.config(dataset);
    return new Current(
        config.hash(),
        config.hasFeatures() ? new FeatureSet(config).sqlHash(dsl) : null,
        settings.codeVersion());
  }

  /** The ledger's first and last partition of the dataset, or null when it has none. */
  public LocalDate[] bounds(String dataset) {
    var r =
        dsl.select(
                org.jooq.impl.DSL.min(PARTITION_LEDGER.PARTITION_DATE),
                org.jooq.impl.DSL.max(PARTITION_LEDGER.PARTITION_DATE))
            .from(PARTITION_LEDGER)
            .where(PARTITION_LEDGER.DATASET.eq(dataset))
            .fetchOne();
    return r == null || r.value1() == null ? null : new LocalDate[] {r.value1(), r.value2()};
  }

  /** Every partition of from..to, in date order. */
  public List<Partition> read(String dataset, String from, String to) {
    List<LocalDate> dates = Partitions.range(from, to);
    LoadedConfig config = settings.config(dataset);
    Current now = current(dataset);
    Map<LocalDate, Map<String, PartitionLedgerRecord>> ledger = new TreeMap<>();
    for (PartitionLedgerRecord r :
        dsl.selectFrom(PARTITION_LEDGER)
            .where(PARTITION_LEDGER.DATASET.eq(dataset))
            .and(PARTITION_LEDGER.PARTITION_DATE.between(dates.get(0), dates.get(dates.size() - 1)))
            .fetch()) {
      ledger.computeIfAbsent(r.getPartitionDate(), d -> new TreeMap<>()).put(r.getStage(), r);
    }
    Set<LocalDate> staged =
        Set.copyOf(
            dsl.select(STAGE_RECONCILIATION.PARTITION_DATE)
                .from(STAGE_RECONCILIATION)
                // a feature set's dates are its dataset's partitions
                .where(STAGE_RECONCILIATION.DATASET.eq(config.config().dataset()))
                .and(
                    STAGE_RECONCILIATION.PARTITION_DATE.between(
                        dates.get(0), dates.get(dates.size() - 1)))
                .fetch(STAGE_RECONCILIATION.PARTITION_DATE));
    Map<LocalDate, String> outdated = outdatedFeatures(config, dates);
    List<Partition> out = new ArrayList<>();
    for (LocalDate d : dates) {
      Map<String, PartitionLedgerRecord> rows = ordered(ledger.getOrDefault(d, Map.of()));
      boolean files = PartitionFiles.of(settings, config, d).present();
      Partition p = judge(d, rows, staged.contains(d), files, now);
      if (p.state() == State.DONE && outdated.containsKey(d)) {
        p = new Partition(d, State.STALE, rows, true, files, outdated.get(d));
      }
      out.add(p);
    }
    return out;
  }

  /**
   * The feature dates of {@code dates} computed before a partition they read (of the dataset, or of
   * a dataset its features join) was staged again, with the first such partition: a late or changed
   * partition, which the next run recomputes them for.
   */
  private Map<LocalDate, String> outdatedFeatures(LoadedConfig config, List<LocalDate> dates) {
    Map<LocalDate, String> outdated = new TreeMap<>();
    if (!config.hasFeatures()) {
      return outdated;
    }
    String table = new FeatureSet(config).table(dsl).getQualifiedName().toString();
    Map<LocalDate, Long> computed =
        dsl.select(FEATURE_DATES.FEATURE_DATE, FEATURE_DATES.FEATURES_SEQ)
            .from(FEATURE_DATES)
            .where(FEATURE_DATES.FEATURE_TABLE.eq(table))
            .and(FEATURE_DATES.FEATURE_DATE.between(dates.get(0), dates.get(dates.size() - 1)))
            .fetchMap(FEATURE_DATES.FEATURE_DATE, FEATURE_DATES.FEATURES_SEQ);
    if (computed.isEmpty()) {
      return outdated;
    }
    var stagings =
        dsl.select(
                STAGE_RECONCILIATION.DATASET,
                STAGE_RECONCILIATION.PARTITION_DATE,
                STAGE_RECONCILIATION.STAGE_SEQ)
            .from(STAGE_RECONCILIATION)
            .where(STAGE_RECONCILIATION.DATASET.in(config.inputs()))
            .and(STAGE_RECONCILIATION.PARTITION_DATE.le(dates.get(dates.size() - 1)))
            .orderBy(STAGE_RECONCILIATION.PARTITION_DATE, STAGE_RECONCILIATION.DATASET)
            .fetch();
    computed.forEach(
        (fd, seq) -> {
          for (var r : stagings) {
            if (r.value2().isAfter(fd)) {
              break;
            }
            if (r.value3() > seq) {
              outdated.put(
                  fd,
                  "features read "
                      + r.value1()
                      + " "
                      + r.value2()
                      + ", staged again after they were computed (late or changed data); the"
                      + " next run of "
                      + config.config().dataset()
                      + " recomputes them");
              break;
            }
          }
        });
    return outdated;
  }

  private static Map<String, PartitionLedgerRecord> ordered(
      Map<String, PartitionLedgerRecord> rows) {
    Map<String, PartitionLedgerRecord> m = new LinkedHashMap<>();
    for (Stage s : Stage.values()) {
      if (rows.containsKey(s.label())) {
        m.put(s.label(), rows.get(s.label()));
      }
    }
    return m;
  }

  static Partition judge(
      LocalDate d,
      Map<String, PartitionLedgerRecord> rows,
      boolean staged,
      boolean files,
      Current now) {
    for (State s : List.of(State.FAILED, State.LATE, State.RUNNING)) {
      String status = s.name().toLowerCase(java.util.Locale.ROOT);
      for (PartitionLedgerRecord r : rows.values()) {
        if (status.equals(r.getStatus())) {
          String reason =
              r.getStage()
                  + (r.getError() == null ? "" : ": " + r.getError())
                  + " (workflow "
                  + r.getWorkflowId()
                  + ", run "
                  + r.getRunId()
                  + ")";
          return new Partition(d, s, rows, staged, files, reason);
        }
      }
    }
    if (!staged) {
      return new Partition(
          d,
          State.MISSING,
          rows,
          false,
          files,
          files ? "files present, not staged" : "no files, not staged");
    }
    List<String> differs = new ArrayList<>();
    for (PartitionLedgerRecord r : rows.values()) {
      if (r.getConfigHash() != null && !r.getConfigHash().equals(now.configHash())) {
        differs.add(r.getStage() + " config " + shortHash(r.getConfigHash()));
      } else if (r.getSqlHash() != null && !r.getSqlHash().equals(now.sqlHash())) {
        differs.add(r.getStage() + " sql " + shortHash(r.getSqlHash()));
      } else if (!Objects.equals(r.getCodeVersion(), now.codeVersion())) {
        differs.add(r.getStage() + " code " + r.getCodeVersion());
      }
    }
    if (!differs.isEmpty()) {
      return new Partition(
          d,
          State.STALE,
          rows,
          true,
          files,
          differs.stream().collect(Collectors.joining(", "))
              + " (today: config "
              + shortHash(now.configHash())
              + ", sql "
              + shortHash(now.sqlHash())
              + ", code "
              + now.codeVersion()
              + ")");
    }
    return new Partition(d, State.DONE, rows, true, files, null);
  }

  private static String shortHash(String h) {
    return h == null ? "-" : h.substring(0, Math.min(12, h.length()));
  }
}
