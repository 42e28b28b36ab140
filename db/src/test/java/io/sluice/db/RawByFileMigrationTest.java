package io.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V21 moves a raw layer of the previous layout (one table per day) into a table per file, with
 * every row, and from then on the sealed files' tables take no more rows.
 */
class RawByFileMigrationTest {

  static HikariDataSource ds;
  static DSLContext dsl;

  @BeforeAll
  static void migrateWithData() {
    ds = TestDatabases.migratedTo("20");
    dsl = DSL.using(ds, SQLDialect.POSTGRES);
    // two days of the V20 layout: a sealed file each, and a file still loading on the second
    for (String[] f :
        new String[][] {
          {"2024-01-01", "a.csv", "sealed", "3"},
          {"2024-01-02", "b.csv", "sealed", "2"},
          {"2024-01-02", "c.csv", "loading", "1"}
        }) {
      long id =
          ((Number)
                  dsl.fetchValue(
                      "insert into meta.ingested_files (dataset, partition_date, file_name, sha256,"
                          + " size_bytes, row_count, header, run_id, state, loaded_through_line)"
                          + " values ('orders', ?::date, ?, md5(?) || md5(?), 1, ?::int,"
                          + " '{order_id}', 'r', ?, ?::int + 1) returning file_id",
                      f[0],
                      f[1],
                      f[1],
                      f[1],
                      f[3],
                      f[2],
                      f[3]))
              .longValue();
      dsl.fetchValue("select raw.orders_partition(?::date)", f[0]);
      dsl.execute(
          "insert into raw.orders (partition_date, file_id, line_no, order_id, amount)"
              + " select ?::date, ?, n + 1, ? || n, (n * 1.5)::text from generate_series(1, ?::int) n",
          f[0],
          id,
          f[1],
          f[3]);
    }
    org.flywaydb.core.Flyway.configure()
        .dataSource(ds)
        .locations(Database.MIGRATIONS)
        .load()
        .migrate();
  }

  @AfterAll
  static void close() {
    ds.close();
  }

  @Test
  void everyRowMovesIntoItsFilesTable() {
    assertThat(
            dsl.fetchValue(
                "select string_agg(tableoid::regclass || ':' || order_id || ':' || line_no || ':'"
                    + " || amount, ' ' order by order_id) from raw.orders"))
        .isEqualTo(
            "raw.orders_20240101_f1:a.csv1:2:1.5 raw.orders_20240101_f1:a.csv2:3:3.0"
                + " raw.orders_20240101_f1:a.csv3:4:4.5 raw.orders_20240102_f2:b.csv1:2:1.5"
                + " raw.orders_20240102_f2:b.csv2:3:3.0 raw.orders_20240102_f3:c.csv1:2:1.5");
    assertThat(dsl.fetchValue("select count(*) from pg_class where relname like '%before_v21%'"))
        .isEqualTo(0L);
  }

  @Test
  void aSealedFilesTableTakesNoRowsAfterTheMove() {
    assertThatThrownBy(
            () ->
                dsl.execute(
                    "insert into raw.orders_20240101_f1 (line_no, order_id) values (99, 'x')"))
        .hasMessageContaining("file 1 is sealed");
    assertThatThrownBy(
            () ->
                dsl.execute(
                    "insert into raw.orders (partition_date, file_id, line_no, order_id)"
                        + " values ('2024-01-02', 2, 99, 'x')"))
        .hasMessageContaining("file 2 is sealed");
    assertThatThrownBy(
            () -> dsl.execute("update meta.ingested_files set state = 'loading' where file_id = 1"))
        .hasMessageContaining("is sealed and stays so");
  }

  @Test
  void theLoadingFileResumesThroughItsClaim() {
    dsl.connection(
        c -> {
          DSLContext one = DSL.using(c, SQLDialect.POSTGRES);
          assertThat(one.fetchValue("select meta.claim_file(3, 'r2')"))
              .isEqualTo("raw.orders_20240102_f3");
          one.execute(
              "insert into raw.orders_20240102_f3 (line_no, order_id) values (3, 'c.csv2')");
          one.execute("select meta.file_progress(3, 3, 2)");
          one.execute("select meta.seal_file(3)");
        });
    assertThat(dsl.fetchValue("select row_count from meta.ingested_files where file_id = 3"))
        .isEqualTo(2L);
  }
}
