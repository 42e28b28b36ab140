package io.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.db.jooq.DefaultCatalog;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Schema;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jOOQ classes the build generated describe exactly the schema the migrations produce. */
class GeneratedSchemaTest {

  static final List<String> SCHEMAS = List.of("raw", "stg", "quarantine", "feats", "meta");

  /** PostgreSQL column types and the Java types the generated code must use for them. */
  static final Map<String, Class<?>> JAVA_TYPES =
      Map.ofEntries(
          Map.entry("text", String.class),
          Map.entry("bpchar", String.class),
          Map.entry("varchar", String.class),
          Map.entry("int2", Short.class),
          Map.entry("int4", Integer.class),
          Map.entry("int8", Long.class),
          Map.entry("numeric", BigDecimal.class),
          Map.entry("float8", Double.class),
          Map.entry("bool", Boolean.class),
          Map.entry("date", LocalDate.class),
          Map.entry("timestamptz", OffsetDateTime.class),
          Map.entry("jsonb", JSONB.class),
          Map.entry("_text", String[].class),
          Map.entry("_int8", Long[].class));

  static HikariDataSource ds;
  static DSLContext dsl;

  @BeforeAll
  static void migrate() {
    ds = TestDatabases.fresh();
    dsl = DSL.using(ds, SQLDialect.POSTGRES);
  }

  @AfterAll
  static void close() {
    ds.close();
  }

  @Test
  void everyLiveColumnIsGeneratedWithTheRightTypeAndNullability() {
    Map<String, String> live = new TreeMap<>();
    for (Record r :
        dsl.fetch(
            "select table_schema, table_name, column_name, udt_name, is_nullable"
                + " from information_schema.columns where table_schema = any(?)"
                + " and not (select c.relispartition from pg_class c"
                + " where c.oid = (quote_ident(table_schema) || '.' || quote_ident(table_name))"
                + "::regclass)"
                + " order by table_schema, table_name, ordinal_position",
            (Object) SCHEMAS.toArray(String[]::new))) {
      String udt = r.get("udt_name", String.class);
      Class<?> type = JAVA_TYPES.get(udt);
      assertThat(type).as("a Java type is known for PostgreSQL type " + udt).isNotNull();
      live.put(
          r.get("table_schema") + "." + r.get("table_name") + "." + r.get("column_name"),
          type.getSimpleName() + ("YES".equals(r.get("is_nullable")) ? " null" : " not null"));
    }

    Map<String, String> generated = new TreeMap<>();
    for (Schema schema : DefaultCatalog.DEFAULT_CATALOG.getSchemas()) {
      for (Table<?> table : schema.getTables()) {
        for (Field<?> f : table.fields()) {
          generated.put(
              schema.getName() + "." + table.getName() + "." + f.getName(),
              f.getType().getSimpleName() + (f.getDataType().nullable() ? " null" : " not null"));
        }
      }
    }

    assertThat(live).isNotEmpty();
    assertThat(generated).isEqualTo(live);
  }

  /**
   * Every schema with a table or function is generated. raw, stg and quarantine hold the tables of
   * the datasets the pipeline files declare, and feats the feature tables made from them (by
   * `sluice migrate`, or a worker that may): the migrations leave all four without tables, so stg
   * and quarantine are not generated at all, raw and feats for their functions only.
   */
  @Test
  void everySchemaWithATableOrFunctionIsGenerated() {
    assertThat(DefaultCatalog.DEFAULT_CATALOG.getSchemas())
        .extracting(Schema::getName)
        .containsExactlyInAnyOrder("raw", "feats", "meta");
    assertThat(
            DefaultCatalog.DEFAULT_CATALOG.getSchemas().stream()
                .filter(s -> !s.getName().equals("meta"))
                .flatMap(s -> s.getTables().stream()))
        .isEmpty();
    assertThat(
            dsl.fetchValue(
                "select count(*) from pg_tables where schemaname in ('raw', 'stg', 'quarantine',"
                    + " 'feats')"))
        .isEqualTo(0L);
  }

  /** No table, function or generated class is named after the bundled example. */
  @Test
  void nothingTheMigrationsMakeIsNamedAfterAnExample() {
    assertThat(
            dsl.fetchValues(
                "select n.nspname || '.' || c.relname from pg_class c"
                    + " join pg_namespace n on n.oid = c.relnamespace"
                    + " where n.nspname = any(?) and c.relname like '%orders%'",
                (Object) SCHEMAS.toArray(String[]::new)))
        .isEmpty();
    assertThat(
            dsl.fetchValues(
                "select n.nspname || '.' || p.proname from pg_proc p"
                    + " join pg_namespace n on n.oid = p.pronamespace"
                    + " where n.nspname = any(?) and p.proname like '%orders%'",
                (Object) SCHEMAS.toArray(String[]::new)))
        .isEmpty();
    for (Schema schema : DefaultCatalog.DEFAULT_CATALOG.getSchemas()) {
      assertThat(schema.getTables()).noneMatch(t -> t.getName().contains("orders"));
    }
  }

  /** A dataset without tables (its pipeline file was never migrated) gets no raw day table. */
  @Test
  void rawDayTablesAreForDeclaredDatasetsOnly() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dsl.fetchValue("select raw.day_table('orders', '2024-01-01')"))
        .hasMessageContaining("dataset orders has no raw table");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dsl.fetchValue("select raw.day_table('x; drop table meta.runs', '2024-01-01')"))
        .hasMessageContaining("not a dataset name");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dsl.fetchValue("select raw.day_table('events_20240101', '2024-01-01')"))
        .hasMessageContaining("not a dataset name");
  }
}
