package io.sluice.starter;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.dataset.DatasetTables;
import io.sluice.activities.features.SchemaMigration;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Bring the database's schema, dataset tables and feature tables up to date, as the owner"
          + " role.",
      "The schema migrations, then for every <dataset>.yaml in the pipelines directory the"
          + " dataset's raw, staging and quarantine tables as it declares them, then the tables"
          + " of its feature set. Run it after deploying new code or changing a pipeline's"
          + " columns, features or label, before the workers need them; workers that log in as"
          + " a least-privilege member of sluice_worker cannot create tables themselves.",
      "A changed declaration is applied in place where nothing staged can be lost (a new"
          + " nullable column, a column that may now be empty); any other change is refused"
          + " and nothing is altered.",
      "The owner is SLUICE_DB_MIGRATE_USER with SLUICE_DB_MIGRATE_PASSWORD or"
          + " SLUICE_DB_MIGRATE_PASSWORD_FILE; unset, the database user and password are used.",
      "Exit 0 when done, 1 when a pipeline config is invalid (the rest is migrated all the same)."
    })
final class MigrateCommand implements Callable<Integer> {

  @Option(
      names = "--owner",
      defaultValue = "${env:SLUICE_DB_MIGRATE_USER}",
      description = "The owner role migrations run as (env SLUICE_DB_MIGRATE_USER).")
  String owner;

  @Option(
      names = "--dry-run",
      description =
          "Change nothing: print the pending schema migrations, the DDL each dataset's tables"
              + " need and the feature tables that would be made.")
  boolean dryRun;

  @Mixin LedgerOptions ledger;

  @Override
  public Integer call() {
    DbSettings settings =
        new DbSettings(ledger.dbUrl, ledger.dbUser, LedgerOptions.password(), 1)
            .forMigration(
                owner,
                System.getenv("SLUICE_DB_MIGRATE_PASSWORD"),
                System.getenv("SLUICE_DB_MIGRATE_PASSWORD_FILE"));
    SchemaMigration.Result r;
    try (HikariDataSource ds = Database.open(settings)) {
      if (dryRun) {
        return dryRun(SchemaMigration.dryRun(ds, ledger.pipelines.dir), settings);
      }
      r = SchemaMigration.run(ds, ledger.pipelines.dir);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "migration as "
              + settings.user()
              + " on "
              + settings.url()
              + " failed: "
              + SluiceCli.rootMessage(e),
          e);
    }
    System.out.printf(
        "migrated %s as %s: schema version %s (%d migration(s) applied)%n",
        settings.url(), settings.user(), r.schemaVersion(), r.migrationsApplied());
    for (String change : r.datasetChanges()) {
      System.out.printf("dataset tables: %s%n", change);
    }
    System.out.printf(
        "feature tables created: %s%n",
        r.tablesCreated().isEmpty() ? "none (all in place)" : String.join(", ", r.tablesCreated()));
    for (String view : r.viewsCreated()) {
      System.out.printf("view created: %s%n", view);
    }
    for (String bad : r.badConfigs()) {
      System.err.printf("sluice: pipeline config not migrated: %s%n", bad);
    }
    return r.badConfigs().isEmpty() ? 0 : 1;
  }

  private static int dryRun(SchemaMigration.DryRun d, DbSettings settings) {
    System.out.printf("dry run on %s as %s: nothing is changed%n", settings.url(), settings.user());
    System.out.printf(
        "schema migrations pending: %s%n",
        d.pendingMigrations().isEmpty() ? "none" : String.join(", ", d.pendingMigrations()));
    if (!d.pendingMigrations().isEmpty()) {
      System.out.println(
          "(the dataset DDL below is planned against the schema as it is now, before them)");
    }
    for (DatasetTables.Plan p : d.datasets()) {
      if (p.isEmpty()) {
        System.out.printf("-- dataset %s: its tables match its declaration%n", p.dataset());
        continue;
      }
      System.out.printf("-- dataset %s%n", p.dataset());
      for (String statement : p.statements()) {
        System.out.println(statement + ";");
      }
    }
    System.out.printf(
        "feature tables to create: %s%n",
        d.featureTables().isEmpty() ? "none" : String.join(", ", d.featureTables()));
    for (String bad : d.badConfigs()) {
      System.err.printf("sluice: pipeline config would not be migrated: %s%n", bad);
    }
    return d.badConfigs().isEmpty() ? 0 : 1;
  }
}
