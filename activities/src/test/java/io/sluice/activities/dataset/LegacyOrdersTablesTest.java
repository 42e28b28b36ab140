package io.sluice.activities.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.features.SchemaMigration;
import io.sluice.db.TestDatabases;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that ran orders before datasets were declared: the migrations made raw.orders,
 * stg.orders and quarantine.orders. The migration that retires them keeps tables holding rows, the
 * bundled declaration of orders adopts them as they are (its layout is theirs), and the pipeline
 * goes on with every row.
 */
class LegacyOrdersTablesTest {

  static final LocalDate D1 = LocalDate.of(2024, 1, 1);
  static final LocalDate D2 = LocalDate.of(2024, 1, 2);

  @TempDir Path tmp;

  /** A day of orders as the code before V25 left it: a sealed file in raw, its version. */
  private static void loadDayAsBefore(HikariDataSource ds) {
    DSL.using(ds, SQLDialect.POSTGRES)
        .connection(
            c -> {
              DSLContext one = DSL.using(c, SQLDialect.POSTGRES);
              Object file =
                  one.fetchValue(
                      "insert into meta.ingested_files (dataset, partition_date, file_name,"
                          + " sha256, size_bytes, row_count, header, run_id, state) values"
                          + " ('orders', ?, 'orders.csv', repeat('a', 64), 100, 0,"
                          + " ?::text[], 'r1', 'loading') returning file_id",
                      D1,
                      OrdersGenerator.COLUMNS.toArray(String[]::new));
              assertThat(one.fetchValue("select meta.claim_file(?, 'r1')", file))
                  .isEqualTo("raw.orders_20240101_f" + file);
              one.execute(
                  "insert into raw.orders (partition_date, file_id, line_no, order_id,"
                      + " customer_id, order_ts, amount, currency, status, category, country,"
                      + " channel, quantity, field_count) values"
                      + " (?, ?, 2, 'o1', 'c1', '2024-01-01T10:00:00Z', '10.5', 'eur',"
                      + " 'Completed', 'books', 'de', 'web', '1', 10),"
                      + " (?, ?, 3, 'o2', 'c2', '2024-01-01T11:00:00Z', 'ten', 'eur',"
                      + " 'completed', 'books', 'de', 'web', '1', 10),"
                      + " (?, ?, 4, 'o3', 'c1', '2024-01-01T12:00:00+02:00', '3', 'usd',"
                      + " 'refunded', 'toys', 'us', 'app', '2', 10)",
                  D1,
                  file,
                  D1,
                  file,
                  D1,
                  file);
              one.execute("select meta.file_progress(?, 4, 3)", file);
              one.execute("select meta.seal_file(?)", file);
              one.execute(
                  "insert into meta.partition_versions (dataset, partition_date, version,"
                      + " file_ids, content_sha256, run_id) values ('orders', ?, 1, array[?]::bigint[],"
                      + " repeat('a', 64), 'r1')",
                  D1,
                  file);
            });
  }

  @Test
  void theBundledDeclarationAdoptsTheTablesAndThePipelineGoesOn() throws Exception {
    HikariDataSource ds = TestDatabases.migratedTo("24");
    loadDayAsBefore(ds);
    Path pipelines = tmp.resolve("declared");
    Files.createDirectories(pipelines);
    Files.copy(ActivityHarness.repoFile("pipelines/orders.yaml"), pipelines.resolve("orders.yaml"));

    SchemaMigration.Result r = SchemaMigration.run(ds, pipelines);
    assertThat(r.badConfigs()).isEmpty();
    assertThat(r.schemaVersion()).isEqualTo("31");
    // the tables' columns and keys are the declaration's already; only the range indexes made as
    // B-trees then are made BRIN
    assertThat(r.datasetChanges())
        .containsExactly(
            "replaced the btree index orders_partition_idx of stg.orders with a BRIN index",
            "replaced the btree index orders_order_ts_idx of stg.orders with a BRIN index");

    try (ActivityHarness h = new ActivityHarness(tmp.resolve("run"), ds)) {
      assertThat(h.dsl.fetchValue("select to_regproc('raw.orders_partition')")).isNull();
      assertThat(h.dsl.fetchValue("select count(*) from raw.orders")).isEqualTo(3L);

      // the day loaded before is staged from its raw rows by the declared rules
      assertThat(h.stage.stage(ActivityHarness.ref(D1))).isEqualTo(new StageResult(3, 1, 2, 0));
      assertThat(
              h.dsl.fetchValue(
                  "select string_agg(order_id || ':' || status || ':' || amount || ':' || currency,"
                      + " ' ' order by order_id) from stg.orders"))
          .isEqualTo("o1:completed:10.5:EUR o3:refunded:3:USD");
      assertThat(h.dsl.fetchValue("select reasons::text from quarantine.orders"))
          .isEqualTo("{bad_amount}");

      // a new day goes into the same tables through the generic owner functions
      new OrdersGenerator(42, 50).writeDay(h.settings.dataRoot(), D2, D2);
      h.ingest.ingest(ActivityHarness.ref(D2));
      assertThat(
              h.dsl.fetchValue(
                  "select string_agg(distinct tableoid::regclass::text, ',') from raw.orders"
                      + " where partition_date = ?",
                  D2))
          .asString()
          .startsWith("raw.orders_20240102_f");
      StageResult second = h.stage.stage(ActivityHarness.ref(D2));
      assertThat(second.rawRows()).isEqualTo(50);
      assertThat(second.quarantined() + second.staged() + second.duplicates()).isEqualTo(50);
    }
  }
}
