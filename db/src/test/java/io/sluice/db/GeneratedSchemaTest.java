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
   * Every schema is generated. feats holds only the feature tables made from the pipeline config
   * (by `sluice migrate` or the features step), so the migrations leave it without tables: it is
   * generated for its function, feats.point_features_view.
   */
  @Test
  void everyOwnedSchemaIsGenerated() {
    assertThat(DefaultCatalog.DEFAULT_CATALOG.getSchemas())
        .extracting(Schema::getName)
        .containsExactlyInAnyOrderElementsOf(SCHEMAS);
    assertThat(
            DefaultCatalog.DEFAULT_CATALOG.getSchemas().stream()
                .filter(s -> s.getName().equals("feats"))
                .flatMap(s -> s.getTables().stream()))
        .isEmpty();
    assertThat(dsl.fetchValue("select count(*) from pg_tables where schemaname = 'feats'"))
        .isEqualTo(0L);
  }

  @Test
  void rawIsAppendOnly() {
    // a file's rows go in through the load that claimed it, on one session, then it is sealed
    dsl.connection(
        c -> {
          DSLContext one = DSL.using(c, SQLDialect.POSTGRES);
          one.execute(
              "insert into meta.ingested_files (dataset, partition_date, file_name, sha256,"
                  + " size_bytes, row_count, header, run_id, state) values ('orders', '2024-01-01',"
                  + " 'a.csv', repeat('0', 64), 1, 0, '{order_id}', 'r', 'loading')");
          Object file = one.fetchValue("select file_id from meta.ingested_files");
          assertThat(one.fetchValue("select raw.orders_partition('2024-01-01')"))
              .isEqualTo("raw.orders_20240101");
          one.execute("select meta.claim_file(?, 'r')", file);
          one.execute(
              "insert into raw.orders (partition_date, file_id, line_no, order_id) select"
                  + " partition_date, file_id, 2, 'o1' from meta.ingested_files");
          one.execute("select meta.file_progress(?, 2, 1)", file);
          one.execute("select meta.seal_file(?)", file);
        });
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dsl.execute("update raw.orders set order_id = 'x'"))
        .hasMessageContaining("append-only");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dsl.execute("delete from raw.orders"))
        .hasMessageContaining("append-only");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dsl.execute("truncate raw.orders_20240101"))
        .hasMessageContaining("append-only");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dsl.execute("truncate raw.orders"))
        .hasMessageContaining("append-only");
  }
}
