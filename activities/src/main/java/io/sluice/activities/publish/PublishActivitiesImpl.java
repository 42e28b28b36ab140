package io.sluice.activities.publish;

import static io.sluice.db.jooq.meta.Tables.FEATURE_REGISTRY;
import static io.sluice.db.jooq.meta.Tables.SPLITS;
import static io.sluice.db.jooq.meta.Tables.SPLIT_STATS;
import static io.sluice.db.jooq.meta.Tables.SPLIT_TRANSFORMS;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.features.FeatureSet;
import io.sluice.activities.split.SplitActivitiesImpl;
import io.sluice.activities.split.SplitPlan.Range;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.Json;
import io.sluice.activities.support.Outputs;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.transform.Transforms;
import io.sluice.db.jooq.meta.tables.records.FeatureRegistryRecord;
import io.sluice.db.jooq.meta.tables.records.SplitStatsRecord;
import io.sluice.db.jooq.meta.tables.records.SplitsRecord;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Publish: the feature-set version (new when the config or the generated SQL changes), and for each
 * publish an immutable snapshot of the exports, {@code v<N>/<as-of>_<run id>/}, written under a
 * temporary name and renamed into place, with a registry row of its own. {@code v<N>/latest} points
 * at the snapshot of the latest as-of date; it moves atomically, and never back.
 */
@Singleton
public final class PublishActivitiesImpl implements PublishActivities {

  private static final List<String> SPLIT_NAMES = List.of("train", "val", "test");

  private final DSLContext dsl;
  private final SluiceSettings settings;

  public PublishActivitiesImpl(DSLContext dsl, SluiceSettings settings) {
    this.dsl = dsl;
    this.settings = settings;
  }

  @Override
  public PublishResult publish(PartitionRef ref) {
    LocalDate d = Failures.date(ref);
    LoadedConfig config = Failures.config(settings, ref.dataset());
    if (!config.hasFeatures()) {
      return new PublishResult(0, config.hash(), null, 0, null); // a dataset that is only staged
    }
    FeatureSet set = new FeatureSet(config);
    String sqlHash = set.sqlHash(dsl);
    return dsl.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
          int version = version(tx, ref.dataset(), config.hash(), sqlHash);
          Map<String, SplitsRecord> splits = new LinkedHashMap<>();
          for (SplitsRecord s :
              tx.selectFrom(SPLITS)
                  .where(SPLITS.DATASET.eq(ref.dataset()))
                  .and(SPLITS.AS_OF_DATE.eq(d))
                  .fetch()) {
            splits.put(s.getSplit(), s);
          }
          if (splits.size() != SPLIT_NAMES.size()) {
            throw new IllegalStateException(
                "no split recorded for " + ref.dataset() + "/" + d + ": run the split step first");
          }
          long splitRows = splits.values().stream().mapToLong(SplitsRecord::getRowCount).sum();
          if (splitRows == 0) {
            // nothing labelled yet: an empty export would only shadow a useful one
            return new PublishResult(version, config.hash(), sqlHash, 0, null);
          }
          String snapshot = Snapshots.name(d, ref.runId());
          Path versionDir = settings.exportDir(ref.dataset(), version);
          Path target = versionDir.resolve(snapshot);
          Map<String, SplitStatsRecord> stats = trainingStats(tx, ref.dataset(), d);
          Transforms.Spec transforms = transforms(tx, ref, d, config);
          Exported cols = Exported.of(set, stats, transforms);
          long exported =
              export(
                  tx,
                  set,
                  cols,
                  stats,
                  transforms,
                  ref,
                  d,
                  config,
                  version,
                  sqlHash,
                  splits,
                  target);
          Snapshots.pointLatest(versionDir, snapshot, ref, d);
          long featureRows = tx.fetchCount(set.table(tx), FeatureSet.featureDate().eq(d));
          FeatureRegistryRecord row = tx.newRecord(FEATURE_REGISTRY);
          row.setDataset(ref.dataset());
          row.setVersion(version);
          row.setAsOfDate(d);
          row.setConfigHash(config.hash());
          row.setSqlHash(sqlHash);
          row.setCodeVersion(settings.codeVersion());
          row.setFeatureRows(featureRows);
          row.setTrainRows(splits.get("train").getRowCount());
          row.setValRows(splits.get("val").getRowCount());
          row.setTestRows(splits.get("test").getRowCount());
          row.setExportPath(target.toString());
          row.setSnapshot(snapshot);
          row.setRunId(ref.runId());
          row.setFeatureTable(set.table(tx).getQualifiedName().toString());
          row.setColumns(
              JSONB.valueOf(
                  new String(
                      Json.bytes(
                          cols.columns().stream()
                              .map(
                                  c ->
                                      new ExportMetadata.Column(
                                          c.name(),
                                          c.type().getCastTypeName(),
                                          c.description(),
                                          null))
                              .toList()),
                      java.nio.charset.StandardCharsets.UTF_8)));
          row.setPublishedAt(OffsetDateTime.now(ZoneOffset.UTC));
          tx.insertInto(FEATURE_REGISTRY)
              .set(row)
              .onConflict(
                  FEATURE_REGISTRY.DATASET,
                  FEATURE_REGISTRY.VERSION,
                  FEATURE_REGISTRY.AS_OF_DATE,
                  FEATURE_REGISTRY.RUN_ID)
              .doUpdate()
              .set(row)
              .execute();
          return new PublishResult(version, config.hash(), sqlHash, exported, target.toString());
        });
  }

  /** The version of this (config, SQL) pair, or the next free number for a new pair. */
  private static int version(DSLContext tx, String dataset, String configHash, String sqlHash) {
    tx.select(
            DSL.function("pg_advisory_xact_lock", Object.class, DSL.val((long) dataset.hashCode())))
        .fetch();
    Integer existing =
        tx.select(DSL.max(FEATURE_REGISTRY.VERSION))
            .from(FEATURE_REGISTRY)
            .where(FEATURE_REGISTRY.DATASET.eq(dataset))
            .and(FEATURE_REGISTRY.CONFIG_HASH.eq(configHash))
            .and(FEATURE_REGISTRY.SQL_HASH.eq(sqlHash))
            .fetchOne(0, Integer.class);
    if (existing != null) {
      return existing;
    }
    Integer max =
        tx.select(DSL.max(FEATURE_REGISTRY.VERSION))
            .from(FEATURE_REGISTRY)
            .where(FEATURE_REGISTRY.DATASET.eq(dataset))
            .fetchOne(0, Integer.class);
    return max == null ? 1 : max + 1;
  }

  private long export(
      DSLContext tx,
      FeatureSet set,
      Exported cols,
      Map<String, SplitStatsRecord> stats,
      Transforms.Spec transforms,
      PartitionRef ref,
      LocalDate d,
      LoadedConfig config,
      int version,
      String sqlHash,
      Map<String, SplitsRecord> splits,
      Path target) {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try {
      Outputs.deleteTree(tmp);
      Files.createDirectories(tmp);
      long rows = 0;
      Map<String, ExportMetadata.SplitInfo> info = new LinkedHashMap<>();
      for (String name : SPLIT_NAMES) {
        SplitsRecord s = splits.get(name);
        Range r = new Range(s.getFromDate(), s.getToDate());
        String file = name + ".csv";
        String parquet = name + ".parquet";
        SplitExport.Written written;
        try {
          written = writeSplit(tx, set, cols, r, tmp.resolve(file), tmp.resolve(parquet));
        } catch (Transforms.UnseenCategory e) {
          throw Failures.of(
              FailureTypes.DATA_ERROR,
              "cannot export the "
                  + name
                  + " split of "
                  + ref.dataset()
                  + " as of "
                  + d
                  + ": "
                  + e.getMessage(),
              e);
        }
        if (written.rows() != s.getRowCount()) {
          throw new IllegalStateException(
              name + " has " + written.rows() + " rows, the split " + s.getRowCount());
        }
        rows += written.rows();
        info.put(
            name,
            new ExportMetadata.SplitInfo(
                str(s.getFromDate()),
                str(s.getToDate()),
                s.getRowCount(),
                written.positives(),
                file,
                parquet));
      }
      Files.write(
          tmp.resolve("metadata.json"),
          Json.bytes(
              metadata(tx, set, cols, stats, transforms, ref, d, config, version, sqlHash, info)));
      if (Files.exists(target)) {
        // an earlier attempt of this run renamed the same rows into place: a snapshot is never
        // replaced
        Outputs.deleteTree(tmp);
      } else {
        Outputs.move(tmp, target);
      }
      return rows;
    } catch (IOException | RuntimeException thrown) {
      Outputs.deleteTreeQuietly(tmp);
      // the CSV copy and the Parquet writer report a full disk wrapped in unchecked exceptions
      IOException e = Outputs.ioCause(thrown);
      if (e == null) {
        throw (RuntimeException) thrown;
      }
      throw Failures.of(
          FailureTypes.OUTPUT_FAILED,
          "cannot write the export "
              + target
              + " for "
              + ref.dataset()
              + "/"
              + d
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "; check that the directory is writable and the disk has space",
          e);
    }
  }

  /** The split's fitted transforms, when the pipeline declares any. */
  private static Transforms.Spec transforms(
      DSLContext tx, PartitionRef ref, LocalDate d, LoadedConfig config) {
    if (config.config().transforms() == null) {
      return null;
    }
    JSONB spec =
        tx.select(SPLIT_TRANSFORMS.SPEC)
            .from(SPLIT_TRANSFORMS)
            .where(SPLIT_TRANSFORMS.DATASET.eq(ref.dataset()))
            .and(SPLIT_TRANSFORMS.AS_OF_DATE.eq(d))
            .fetchOne(SPLIT_TRANSFORMS.SPEC);
    if (spec == null) {
      throw new IllegalStateException(
          "no fitted transforms recorded for "
              + ref.dataset()
              + "/"
              + d
              + ": run the split step first (it fits them)");
    }
    try {
      return Json.MAPPER.readValue(spec.data(), Transforms.Spec.class);
    } catch (IOException e) {
      throw new IllegalStateException("the transforms recorded for " + ref.dataset() + "/" + d, e);
    }
  }

  /**
   * The exported columns: the feature table's columns, then the declared transforms' columns, or
   * without a declaration, for every numeric feature {@code <name>_scaled} = (value - training
   * mean) / training standard deviation (6 decimals; null when the value is null or the deviation
   * is 0), then the label; and how each derived one is computed.
   */
  record Exported(List<FeatureSet.Column> columns, List<SplitExport.Derived> scaled) {

    static Exported of(
        FeatureSet set, Map<String, SplitStatsRecord> stats, Transforms.Spec transforms) {
      List<FeatureSet.Column> all = set.columns();
      List<FeatureSet.Column> columns = new ArrayList<>(all.subList(0, all.size() - 1));
      List<SplitExport.Derived> scaled = new ArrayList<>();
      if (transforms != null) {
        for (Transforms.Output o : transforms.columns()) {
          scaled.add(new SplitExport.Transformed(indexOf(all, o.input()), Transforms.applier(o)));
          columns.add(
              new FeatureSet.Column(
                  o.name(),
                  "integer".equals(o.type()) ? SQLDataType.INTEGER : SQLDataType.DOUBLE,
                  o.description()));
        }
        columns.add(all.get(all.size() - 1));
        return new Exported(List.copyOf(columns), List.copyOf(scaled));
      }
      for (Field<?> f : set.numericFeatures()) {
        SplitStatsRecord st = stats.get(f.getName());
        int source = indexOf(all, f.getName());
        scaled.add(
            new SplitExport.Scaled(
                source, st == null ? null : st.getMean(), st == null ? null : st.getStddev()));
        columns.add(
            new FeatureSet.Column(
                f.getName() + "_scaled",
                SQLDataType.NUMERIC,
                "("
                    + f.getName()
                    + " - training mean) / training standard deviation, 6 decimals;"
                    + " null when "
                    + f.getName()
                    + " is null or the deviation is 0"));
      }
      columns.add(all.get(all.size() - 1));
      return new Exported(List.copyOf(columns), List.copyOf(scaled));
    }

    private static int indexOf(List<FeatureSet.Column> columns, String name) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(name)) {
          return i;
        }
      }
      throw new IllegalArgumentException("no column " + name);
    }
  }

  /**
   * The split's rows in (feature date, entity) order, read once and written as CSV and Parquet. The
   * session's time zone is UTC for the export, so instants read the same on every server.
   */
  private static SplitExport.Written writeSplit(
      DSLContext tx, FeatureSet set, Exported cols, Range r, Path csv, Path parquet) {
    List<Field<?>> fields = set.columns().stream().<Field<?>>map(FeatureSet.Column::field).toList();
    String select =
        tx.renderInlined(
            DSL.select(fields)
                .from(set.table(tx))
                .where(SplitActivitiesImpl.rowsOf(set, r))
                .orderBy(fields.get(0), fields.get(1)));
    tx.execute("SET LOCAL TimeZone = 'UTC'");
    return tx.connectionResult(
        c -> {
          try {
            return SplitExport.write(c, select, cols.columns(), cols.scaled(), csv, parquet);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static Map<String, SplitStatsRecord> trainingStats(
      DSLContext tx, String dataset, LocalDate d) {
    Map<String, SplitStatsRecord> stats = new LinkedHashMap<>();
    for (SplitStatsRecord s :
        tx.selectFrom(SPLIT_STATS)
            .where(SPLIT_STATS.DATASET.eq(dataset))
            .and(SPLIT_STATS.AS_OF_DATE.eq(d))
            .orderBy(SPLIT_STATS.FEATURE)
            .fetch()) {
      stats.put(s.getFeature(), s);
    }
    return stats;
  }

  /** Rows of the range whose label is 1. */
  private ExportMetadata metadata(
      DSLContext tx,
      FeatureSet set,
      Exported cols,
      Map<String, SplitStatsRecord> training,
      Transforms.Spec transforms,
      PartitionRef ref,
      LocalDate d,
      LoadedConfig config,
      int version,
      String sqlHash,
      Map<String, ExportMetadata.SplitInfo> splits) {
    // The last partition each column's values depend on: a feature of date fd reads partitions up
    // to fd; its scaled form also the training rows (earlier dates); a label partitions up to
    // fd + horizon.
    LocalDate lastDate =
        splits.values().stream()
            .map(ExportMetadata.SplitInfo::toDate)
            .filter(java.util.Objects::nonNull)
            .map(LocalDate::parse)
            .max(LocalDate::compareTo)
            .orElseThrow();
    LocalDate labelCutoff = lastDate.plusDays(config.labelHorizonDays());
    String labelName = config.config().label().name();
    List<ExportMetadata.Column> columns = new ArrayList<>();
    for (FeatureSet.Column c : cols.columns()) {
      columns.add(
          new ExportMetadata.Column(
              c.name(),
              c.type().getCastTypeName(),
              c.description(),
              (c.name().equals(labelName) ? labelCutoff : lastDate).toString()));
    }
    Map<String, ExportMetadata.Stats> stats = new LinkedHashMap<>();
    for (SplitStatsRecord s : training.values()) {
      stats.put(
          s.getFeature(),
          new ExportMetadata.Stats(
              s.getMean(), s.getStddev(), s.getMinValue(), s.getMaxValue(), s.getNullFraction()));
    }
    return new ExportMetadata(
        ref.dataset(),
        version,
        d.toString(),
        config.hash(),
        sqlHash,
        settings.codeVersion(),
        config.config().entityKey(),
        new ExportMetadata.Label(config.config().label().name(), config.labelHorizonDays()),
        columns,
        splits,
        new ExportMetadata.TimeBounds(
            splits.values().stream()
                .map(ExportMetadata.SplitInfo::fromDate)
                .filter(java.util.Objects::nonNull)
                .min(String::compareTo)
                .orElse(null),
            splits.values().stream()
                .map(ExportMetadata.SplitInfo::toDate)
                .filter(java.util.Objects::nonNull)
                .max(String::compareTo)
                .orElse(null),
            labelCutoff.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC).toString()),
        stats,
        transforms,
        ref.runId());
  }

  private static String str(LocalDate d) {
    return d == null ? null : d.toString();
  }
}
