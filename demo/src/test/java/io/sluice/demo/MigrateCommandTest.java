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
 * {@code sluice migrate}: the schema, every dataset's tables and feature tables, once; a changed
 * declaration applied in place or refused; bad configs named.
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
  void createsEachDatasetsTablesAndFeatureTablesOnceAndNamesABadConfig() throws Exception {
    try (HikariDataSource db = TestDatabases.fresh()) {
      Cli first = migrate(db, RealWorker.repoPipelines());
      assertThat(first.exit()).as(first.all()).isZero();
      assertThat(first.out())
          .contains("schema version " + latestMigration())
          .contains(
              "dataset tables: created raw.orders (10 columns)",
              "dataset tables: created stg.orders (facts, key order_id, partition_date)",
              "dataset tables: created quarantine.orders",
              "dataset tables: created stg.app_events (events, key file_id, line_no)")
          .containsPattern("feature tables created: .*\"feats\".\"orders_[0-9a-f]{12}\"")
          .containsPattern("\"feats\".\"app_events_[0-9a-f]{12}\"")
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
      assertThat(again.out())
          .contains("(0 migration(s) applied)", "none (all in place)")
          .doesNotContain("dataset tables:");

      Path broken = Files.createDirectories(tmp.resolve("pipelines"));
      Files.writeString(broken.resolve("returns.yaml"), "dataset: returns\nno_such_key: 1\n");
      Cli bad = migrate(db, broken);
      assertThat(bad.exit()).as(bad.all()).isEqualTo(1);
      assertThat(bad.err()).contains("pipeline config not migrated", "returns.yaml");
    }
  }

  /** A changed declaration: applied in place when nothing can be lost, refused otherwise. */
  @Test
  void aChangedDeclarationIsAppliedInPlaceOrRefused() throws Exception {
    try (HikariDataSource db = TestDatabases.fresh()) {
      Path pipelines = Files.createDirectories(tmp.resolve("changed"));
      Path orders = pipelines.resolve("orders.yaml");
      Files.copy(RealWorker.repoPipelines().resolve("orders.yaml"), orders);
      assertThat(migrate(db, pipelines).exit()).isZero();

      String yaml = Files.readString(orders);
      String added =
          yaml.replace(
              "  channel:     {type: text, case: lower}\n",
              "  channel:     {type: text, case: lower}\n  coupon: {type: text, required: false}\n");
      assertThat(added).isNotEqualTo(yaml);
      Files.writeString(orders, added);
      Cli dry = migrate(db, pipelines, "--dry-run");
      assertThat(dry.exit()).as(dry.all()).isZero();
      assertThat(dry.out())
          .contains("nothing is changed", "-- dataset orders")
          .contains("ALTER TABLE \"raw\".\"orders\" ADD COLUMN \"coupon\" text;")
          .contains("ALTER TABLE \"stg\".\"orders\" ADD COLUMN \"coupon\" text;");
      assertThat(columnExists(db)).as("a dry run changes nothing").isFalse();

      Cli add = migrate(db, pipelines);
      assertThat(add.exit()).as(add.all()).isZero();
      assertThat(add.out()).contains("dataset tables: added column coupon text to stg.orders");
      assertThat(columnExists(db)).isTrue();

      Files.writeString(
          orders, added.replace("amount:      {type: decimal,", "amount: {type: double,"));
      Cli refused = migrate(db, pipelines);
      assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
      assertThat(refused.err())
          .contains("pipeline config not migrated", "orders.yaml")
          .contains("column 'amount' is numeric in stg.orders but declared double")
          .contains("Nothing was altered");
    }
  }

  private static boolean columnExists(HikariDataSource db) {
    return DSL.using(db, SQLDialect.POSTGRES)
        .fetchValue(
            "select count(*) from information_schema.columns where table_schema = 'stg'"
                + " and table_name = 'orders' and column_name = 'coupon'")
        .equals(1L);
  }

  private static Cli migrate(HikariDataSource db, Path pipelines, String... more) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "migrate",
                "--db-url",
                db.getJdbcUrl(),
                "--db-user",
                db.getUsername(),
                "--pipelines-dir",
                pipelines.toString()));
    args.addAll(java.util.List.of(more));
    return RealWorker.capture(args.toArray(String[]::new));
  }
}
