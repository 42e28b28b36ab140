package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.db.TestDatabases;
import io.sluice.demo.RealWorker.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice migrate}: the schema and every config's feature tables, once; bad configs named.
 */
class MigrateCommandTest {

  @TempDir Path tmp;

  /** The number of the newest migration in db/src/main/resources/db/migration. */
  static int latestMigration() throws java.io.IOException {
    Path dir = RealWorker.repoPipelines().resolveSibling("db/src/main/resources/db/migration");
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
          .max()
          .orElseThrow();
    }
  }

  @Test
  void createsEachConfigsFeatureTablesOnceAndNamesABadConfig() throws Exception {
    try (HikariDataSource db = TestDatabases.fresh()) {
      Cli first = migrate(db, RealWorker.repoPipelines());
      assertThat(first.exit()).as(first.all()).isZero();
      assertThat(first.out())
          .contains("schema version " + latestMigration())
          .containsPattern("feature tables created: \"feats\".\"orders_[0-9a-f]{12}\", ")
          .contains("_acc\"", "_keys\"")
          .contains("view created: \"feats\".\"orders_features\"");
      assertThat(
              DSL.using(db, SQLDialect.POSTGRES)
                  .fetchValue(
                      "select count(*) from pg_tables where schemaname = 'feats'"
                          + " and tablename like 'orders\\_%'"))
          .as("the feature table and its two state tables")
          .isEqualTo(3L);

      Cli again = migrate(db, RealWorker.repoPipelines());
      assertThat(again.exit()).as(again.all()).isZero();
      assertThat(again.out()).contains("(0 migration(s) applied)", "none (all in place)");

      Path broken = Files.createDirectories(tmp.resolve("pipelines"));
      Files.writeString(broken.resolve("returns.yaml"), "dataset: returns\nno_such_key: 1\n");
      Cli bad = migrate(db, broken);
      assertThat(bad.exit()).as(bad.all()).isEqualTo(1);
      assertThat(bad.err()).contains("pipeline config not migrated", "returns.yaml");
    }
  }

  private static Cli migrate(HikariDataSource db, Path pipelines) {
    return RealWorker.capture(
        "migrate",
        "--db-url",
        db.getJdbcUrl(),
        "--db-user",
        db.getUsername(),
        "--pipelines-dir",
        pipelines.toString());
  }
}
