package io.sluice.starter;

import com.zaxxer.hikari.HikariDataSource;
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
      "Bring the database's schema and feature tables up to date, as the owner role.",
      "The schema migrations, then the tables of the feature set of every <dataset>.yaml in the"
          + " pipelines directory. Run it after deploying new code or changing a pipeline's"
          + " features or label, before the workers need them; workers that log in as a"
          + " least-privilege member of sluice_worker cannot create tables themselves.",
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
}
