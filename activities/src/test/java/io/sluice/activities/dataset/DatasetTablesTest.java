package io.sluice.activities.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.config.BadConfigException;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.db.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset's tables are made from its declaration alone, follow it where nothing staged can be
 * lost, and refuse any other change without altering anything.
 */
class DatasetTablesTest {

  static final String PAYMENTS =
      """
      dataset: payments
      kind: %s
      source: {path: "payments/{date}"}
      columns:
        payment_id: {type: text, nullable: false}
        card_id: {type: text, nullable: false}
        paid_at: {type: timestamp, nullable: false}
        amount: {type: decimal, precision: 12, scale: 2, nullable: false}
        approved: {type: boolean}
      %s
      primary_key: %s
      entity_key: card_id
      event_time: paid_at
      """;

  @TempDir Path dir;
  HikariDataSource ds;
  DSLContext dsl;

  @BeforeEach
  void database() {
    ds = TestDatabases.fresh();
    dsl = DSL.using(ds, SQLDialect.POSTGRES);
  }

  @AfterEach
  void close() {
    ds.close();
  }

  private DatasetSchema declare(String kind, String moreColumns, String key) throws IOException {
    Files.writeString(dir.resolve("payments.yaml"), PAYMENTS.formatted(kind, moreColumns, key));
    LoadedConfig c = new PipelineConfigLoader(dir).load("payments");
    return c.schema();
  }

  private DatasetSchema declare() throws IOException {
    return declare("facts", "", "payment_id");
  }

  private List<String> columns(String table) {
    return dsl
        .fetchValues(
            "select attname || ' ' || format_type(atttypid, atttypmod) || case when attnotnull then"
                + " ' not null' else '' end from pg_attribute where attrelid = ?::regclass and attnum"
                + " > 0 and not attisdropped order by attnum",
            table)
        .stream()
        .map(Object::toString)
        .toList();
  }

  private String key(String table) {
    return String.valueOf(
        dsl.fetchValue(
            "select pg_get_constraintdef(oid) from pg_constraint where conrelid = ?::regclass"
                + " and contype = 'p'",
            table));
  }

  /** What the catalog says of the dataset's tables: columns, keys, triggers. */
  private String catalog() {
    return dsl.fetchValue(
            "select string_agg(c.relname || ':' || a.attname || ':' || format_type(a.atttypid,"
                + " a.atttypmod) || ':' || a.attnotnull, ',' order by c.relname, a.attnum) from"
                + " pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a"
                + " on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped where"
                + " n.nspname in ('raw', 'stg', 'quarantine')")
        + " "
        + dsl.fetchValue("select string_agg(tgname, ',' order by tgname) from pg_trigger")
        + " "
        + dsl.fetchValue(
            "select string_agg(pg_get_constraintdef(oid), ',' order by conname) from"
                + " pg_constraint where connamespace in ('stg'::regnamespace,"
                + " 'quarantine'::regnamespace)");
  }

  private List<String> indexes(String table) {
    return dsl
        .fetchValues(
            "select i.relname || ' ' || am.amname from pg_index x join pg_class i on i.oid ="
                + " x.indexrelid join pg_am am on am.oid = i.relam where x.indrelid = ?::regclass"
                + " order by i.relname",
            table)
        .stream()
        .map(Object::toString)
        .toList();
  }

  @Test
  void theStagedRangeIndexesAreBrinAndTheMigrationReplacesOlderOnes() throws IOException {
    DatasetTables.apply(dsl, declare(), "payments.yaml");
    assertThat(indexes("stg.payments"))
        .containsExactly(
            "payments_paid_at_idx brin", "payments_partition_idx brin", "payments_pkey btree");

    // as a table made before they were BRIN has them, one of them dropped by hand
    dsl.execute("drop index stg.payments_paid_at_idx");
    dsl.execute("drop index stg.payments_partition_idx");
    dsl.execute("create index payments_partition_idx on stg.payments (partition_date)");
    DatasetTables.Plan plan = DatasetTables.plan(dsl, declare(), "payments.yaml");
    assertThat(plan.required()).isFalse();
    assertThat(plan.changes())
        .containsExactly(
            "replaced the btree index payments_partition_idx of stg.payments with a BRIN index",
            "added payments_paid_at_idx of stg.payments (BRIN)");
    // a stage does not need them: it leaves them to the migration
    DatasetTables.ensure(dsl, declare(), "payments.yaml");
    assertThat(indexes("stg.payments"))
        .containsExactly("payments_partition_idx btree", "payments_pkey btree");

    DatasetTables.apply(dsl, declare(), "payments.yaml");
    assertThat(indexes("stg.payments"))
        .containsExactly(
            "payments_paid_at_idx brin", "payments_partition_idx brin", "payments_pkey btree");
    assertThat(DatasetTables.plan(dsl, declare(), "payments.yaml").isEmpty()).isTrue();
  }

  @Test
  void aDeclarationMakesItsRawStagingAndQuarantineTables() throws IOException {
    DatasetTables.Plan plan = DatasetTables.apply(dsl, declare(), "payments.yaml");
    assertThat(plan.changes())
        .containsExactly(
            "created raw.payments (5 columns)",
            "created stg.payments (facts, key payment_id, partition_date)",
            "created quarantine.payments");

    assertThat(columns("raw.payments"))
        .containsExactly(
            "partition_date date not null",
            "file_id bigint not null",
            "line_no bigint not null",
            "payment_id text",
            "card_id text",
            "paid_at text",
            "amount text",
            "approved text",
            "extra jsonb",
            "field_count integer");
    assertThat(
            dsl.fetchValue(
                "select count(*) from pg_partitioned_table where partrelid ="
                    + " 'raw.payments'::regclass"))
        .isEqualTo(1L);
    assertThat(columns("stg.payments"))
        .containsExactly(
            "payment_id text not null",
            "partition_date date not null",
            "file_id bigint not null",
            "line_no bigint not null",
            "card_id text not null",
            "paid_at timestamp with time zone not null",
            "amount numeric(12,2) not null",
            "approved boolean");
    assertThat(key("stg.payments")).isEqualTo("PRIMARY KEY (payment_id, partition_date)");
    assertThat(key("quarantine.payments")).isEqualTo("PRIMARY KEY (file_id, line_no)");
    assertThat(DatasetTables.plan(dsl, declare(), "payments.yaml").isEmpty())
        .as("made once, then in place")
        .isTrue();
  }

  @Test
  void stagedAndQuarantinedRowsKeepTheirFileIdWithoutAForeignKey() throws IOException {
    DatasetTables.apply(dsl, declare(), "payments.yaml");
    // stage checks its rows against the sealed files as a whole (docs/adr/0016)
    assertThat(
            dsl.fetchValue(
                "select count(*) from pg_constraint where contype = 'f' and conrelid in"
                    + " ('stg.payments'::regclass, 'quarantine.payments'::regclass)"))
        .isEqualTo(0L);
  }

  @Test
  void anEventsDatasetIsKeyedByFileAndLine() throws IOException {
    DatasetTables.apply(dsl, declare("events", "", "payment_id"), "payments.yaml");
    assertThat(columns("stg.payments").subList(0, 4))
        .containsExactly(
            "partition_date date not null",
            "file_id bigint not null",
            "line_no bigint not null",
            "payment_id text not null");
    assertThat(key("stg.payments")).isEqualTo("PRIMARY KEY (file_id, line_no)");
  }

  @Test
  void aPlanChangesNothing() throws IOException {
    DatasetTables.Plan plan = DatasetTables.plan(dsl, declare(), "payments.yaml");
    assertThat(plan.statements()).isNotEmpty();
    assertThat(plan.statements().get(0)).startsWith("CREATE TABLE \"raw\".\"payments\"");
    assertThat(dsl.fetchValue("select to_regclass('raw.payments')")).isNull();
    assertThat(dsl.fetchValue("select to_regclass('stg.payments')")).isNull();
  }

  @Test
  void aNewNullableColumnIsAddedInPlaceAndNothingIsLost() throws IOException {
    DatasetTables.apply(dsl, declare(), "payments.yaml");
    dsl.execute(
        "insert into meta.ingested_files (dataset, partition_date, file_name, sha256,"
            + " size_bytes, row_count, header, run_id, state) values ('payments', '2024-01-01',"
            + " 'a.csv', repeat('0', 64), 1, 0, '{payment_id}', 'r', 'loading')");
    dsl.execute(
        "insert into stg.payments (payment_id, partition_date, file_id, line_no, card_id,"
            + " paid_at, amount) select 'p1', '2024-01-01', file_id, 2, 'c1', now(), 1.5"
            + " from meta.ingested_files");

    DatasetTables.Plan plan =
        DatasetTables.apply(
            dsl, declare("facts", "  coupon: {type: text, required: false}", "payment_id"), "x");
    assertThat(plan.changes())
        .containsExactly(
            "added column coupon to raw.payments", "added column coupon text to stg.payments");
    assertThat(columns("stg.payments")).endsWith("coupon text");
    assertThat(columns("raw.payments")).contains("coupon text");
    assertThat(dsl.fetchValue("select payment_id || '/' || amount from stg.payments"))
        .isEqualTo("p1/1.50");
  }

  @Test
  void aColumnMayBecomeNullableInPlace() throws IOException {
    DatasetTables.apply(dsl, declare(), "payments.yaml");
    Files.writeString(
        dir.resolve("payments.yaml"),
        PAYMENTS
            .formatted("facts", "", "payment_id")
            .replace(
                "amount: {type: decimal, precision: 12, scale: 2, nullable: false}",
                "amount: {type: decimal, precision: 12, scale: 2}"));
    DatasetSchema looser = new PipelineConfigLoader(dir).load("payments").schema();
    assertThat(DatasetTables.apply(dsl, looser, "x").changes())
        .containsExactly("column amount of stg.payments may now be empty");
    assertThat(columns("stg.payments")).contains("amount numeric(12,2)");
  }

  @Test
  void everyOtherChangeIsRefusedAndAltersNothing() throws IOException {
    DatasetTables.apply(dsl, declare(), "payments.yaml");
    String before = catalog();
    String base = PAYMENTS.formatted("facts", "", "payment_id");
    List<String[]> changes =
        List.of(
            new String[] {
              base.replace("precision: 12, scale: 2", "precision: 14, scale: 2"),
              "column 'amount' is numeric(12,2) in stg.payments but declared decimal(14,2)"
            },
            new String[] {
              base.replace("approved: {type: boolean}", "approved: {type: text}"),
              "column 'approved' is boolean in stg.payments but declared text"
            },
            new String[] {
              base.replace("  approved: {type: boolean}\n", ""),
              "column 'approved' of raw.payments is no longer declared"
            },
            new String[] {
              base.replace("primary_key: payment_id", "primary_key: [payment_id, card_id]"),
              "stg.payments is keyed by (payment_id, partition_date), the declaration keys it by"
                  + " (payment_id, card_id, partition_date)"
            },
            new String[] {
              base.replace("kind: facts", "kind: events"),
              "the declaration keys it by (file_id, line_no) (primary_key or kind changed)"
            },
            new String[] {
              base.replace(
                  "approved: {type: boolean}",
                  "approved: {type: boolean}\n  coupon: {type: text, nullable: false}"),
              "new column 'coupon' is declared nullable: false"
            },
            new String[] {
              base.replace(
                  "approved: {type: boolean}", "approved: {type: boolean, nullable: false}"),
              "column 'approved' is declared nullable: false, but rows staged before may have no"
                  + " value for it"
            });
    for (String[] change : changes) {
      Files.writeString(dir.resolve("payments.yaml"), change[0]);
      DatasetSchema changed = new PipelineConfigLoader(dir).load("payments").schema();
      assertThatThrownBy(() -> DatasetTables.apply(dsl, changed, "pipelines/payments.yaml"))
          .isInstanceOf(BadConfigException.class)
          .hasMessageContaining("pipelines/payments.yaml: the declaration of dataset 'payments'")
          .hasMessageContaining(change[1])
          .hasMessageContaining("Nothing was altered")
          .hasMessageContaining("payments_v2");
      assertThat(catalog()).as(change[1]).isEqualTo(before);
    }
  }

  @Test
  void rawIsAppendOnlyForEveryDataset() throws IOException {
    DatasetTables.apply(dsl, declare(), "payments.yaml");
    dsl.connection(
        c -> {
          DSLContext one = DSL.using(c, SQLDialect.POSTGRES);
          one.execute(
              "insert into meta.ingested_files (dataset, partition_date, file_name, sha256,"
                  + " size_bytes, row_count, header, run_id, state) values ('payments',"
                  + " '2024-01-01', 'a.csv', repeat('0', 64), 1, 0, '{payment_id}', 'r',"
                  + " 'loading')");
          Object file = one.fetchValue("select file_id from meta.ingested_files");
          assertThat(one.fetchValue("select meta.claim_file(?, 'r')", file))
              .isEqualTo("raw.payments_20240101_f" + file);
          one.execute(
              "insert into raw.payments (partition_date, file_id, line_no, payment_id) select"
                  + " partition_date, file_id, 2, 'p1' from meta.ingested_files");
          one.execute("select meta.file_progress(?, 2, 1)", file);
          one.execute("select meta.seal_file(?)", file);
        });
    assertThatThrownBy(() -> dsl.execute("update raw.payments set payment_id = 'x'"))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> dsl.execute("delete from raw.payments"))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> dsl.execute("truncate raw.payments_20240101"))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> dsl.execute("truncate raw.payments"))
        .hasMessageContaining("append-only");
    assertThatThrownBy(
            () ->
                dsl.execute(
                    "insert into raw.payments (partition_date, file_id, line_no, payment_id)"
                        + " select partition_date, file_id, 3, 'p2' from meta.ingested_files"))
        .hasMessageContaining("is sealed");
  }
}
