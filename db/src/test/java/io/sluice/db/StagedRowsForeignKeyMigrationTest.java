package io.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * V27 drops the foreign keys from staged and quarantined tables to meta.ingested_files, whoever
 * made them (V5 for orders, the declarations before), and touches no other.
 */
class StagedRowsForeignKeyMigrationTest {

  @Test
  void stagedAndQuarantinedTablesLoseTheirFileForeignKeysOnly() {
    try (HikariDataSource ds = TestDatabases.migratedTo("26")) {
      DSLContext dsl = DSL.using(ds, SQLDialect.POSTGRES);
      dsl.execute(
          "create table stg.made_before (k text primary key, file_id bigint not null"
              + " references meta.ingested_files (file_id))");
      dsl.execute(
          "create table quarantine.made_before (file_id bigint not null references"
              + " meta.ingested_files (file_id), line_no bigint not null, primary key (file_id,"
              + " line_no))");
      dsl.execute(
          "create table meta.keeps_its_key (file_id bigint references meta.ingested_files"
              + " (file_id))");

      org.flywaydb.core.Flyway.configure()
          .dataSource(ds)
          .locations(Database.MIGRATIONS)
          .load()
          .migrate();

      assertThat(foreignKeys(dsl, "stg.made_before")).isZero();
      assertThat(foreignKeys(dsl, "quarantine.made_before")).isZero();
      assertThat(foreignKeys(dsl, "meta.keeps_its_key")).isEqualTo(1);
    }
  }

  private static int foreignKeys(DSLContext dsl, String table) {
    Object n =
        dsl.fetchValue(
            "select count(*) from pg_constraint where contype = 'f' and conrelid = ?::regclass",
            table);
    return ((Number) n).intValue();
  }
}
