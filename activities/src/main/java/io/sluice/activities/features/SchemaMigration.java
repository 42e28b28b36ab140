package io.sluice.activities.features;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PatternCheck;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.activities.dataset.DatasetTables;
import io.sluice.db.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Everything that changes the schema, run by the owner role: Flyway's migrations, then for every
 * {@code <dataset>.yaml} in the pipelines directory the dataset's raw, staging and quarantine
 * tables as it declares them ({@link DatasetTables}) and the tables of its feature set, and the
 * tables of every feature set file ({@code features/<name>.yaml}). After it a worker needs no DDL
 * privilege; run it again after changing a pipeline's columns, features or label.
 */
public final class SchemaMigration {

  /**
   * What a migration did. Bad configs are reported, not fatal: their runs fail with BadConfig.
   *
   * @param datasetChanges per dataset table made or changed, one line each
   * @param tablesCreated the feature tables made
   */
  public record Result(
      int migrationsApplied,
      String schemaVersion,
      List<String> datasetChanges,
      List<String> tablesCreated,
      List<String> viewsCreated,
      List<String> badConfigs) {}

  private SchemaMigration() {}

  public static Result run(DataSource owner, Path pipelinesDir) {
    var flyway = Database.migrate(owner);
    DSLContext dsl = DSL.using(owner, SQLDialect.POSTGRES);
    List<String> changes = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    List<String> views = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    PipelineConfigLoader loader = new PipelineConfigLoader(pipelinesDir);
    for (String dataset : datasets(pipelinesDir)) {
      FeatureSet set;
      try {
        LoadedConfig config = loader.loadFound(dataset);
        PatternCheck.require(dsl, config);
        changes.addAll(
            DatasetTables.apply(dsl, config.schema(), config.file().toString()).changes());
        if (!config.hasFeatures()) {
          continue;
        }
        set = new FeatureSet(config);
      } catch (RuntimeException e) {
        bad.add(e.getMessage());
        continue;
      }
      ensure(dsl, set, tables, views);
    }
    for (String name : loader.featureSets()) {
      FeatureSet set;
      try {
        set = new FeatureSet(loader.load(name));
      } catch (RuntimeException e) {
        bad.add(e.getMessage());
        continue;
      }
      ensure(dsl, set, tables, views);
    }
    return new Result(
        flyway.migrationsExecuted,
        // the target is null when nothing was applied: the schema stayed where it was
        flyway.targetSchemaVersion != null
            ? flyway.targetSchemaVersion
            : flyway.initialSchemaVersion,
        changes,
        tables,
        views,
        List.copyOf(bad));
  }

  /** The feature set's tables and view, made when missing. */
  private static void ensure(
      DSLContext dsl, FeatureSet set, List<String> tables, List<String> views) {
    dsl.transaction(
        trx -> {
          tables.addAll(FeatureTables.ensure(trx.dsl(), set));
          if (FeatureTables.ensureView(trx.dsl(), set)) {
            views.add(set.view().getQualifiedName().toString());
          }
        });
  }

  /**
   * What {@link #run} would do, changing nothing: the pending schema migrations, each dataset's DDL
   * (as the catalog stands before those migrations) and the feature tables it would make.
   */
  public record DryRun(
      List<String> pendingMigrations,
      List<DatasetTables.Plan> datasets,
      List<String> featureTables,
      List<String> badConfigs) {}

  public static DryRun dryRun(DataSource owner, Path pipelinesDir) {
    List<String> pending = Database.pending(owner);
    DSLContext dsl = DSL.using(owner, SQLDialect.POSTGRES);
    List<DatasetTables.Plan> plans = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    PipelineConfigLoader loader = new PipelineConfigLoader(pipelinesDir);
    for (String dataset : datasets(pipelinesDir)) {
      try {
        LoadedConfig config = loader.loadFound(dataset);
        plans.add(DatasetTables.plan(dsl, config.schema(), config.file().toString()));
        if (config.hasFeatures()) {
          tables.addAll(FeatureTables.missing(dsl, new FeatureSet(config)));
        }
      } catch (RuntimeException e) {
        bad.add(e.getMessage());
      }
    }
    for (String name : loader.featureSets()) {
      try {
        tables.addAll(FeatureTables.missing(dsl, new FeatureSet(loader.load(name))));
      } catch (RuntimeException e) {
        bad.add(e.getMessage());
      }
    }
    return new DryRun(pending, plans, tables, List.copyOf(bad));
  }

  /** The datasets configured in {@code dir}: the names of its {@code *.yaml} files, sorted. */
  static List<String> datasets(Path dir) {
    return PipelineConfigLoader.yamlNames(dir);
  }
}
