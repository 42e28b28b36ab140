package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.features.SchemaMigration;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.IngestActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every step run as a login role that is only a member of {@code sluice_worker}, after the owner
 * migrated: the same rows as a run by the owner, and no way for the worker to change raw or the
 * schema.
 */
class LeastPrivilegeTest {

  static final LocalDate FIRST = LocalDate.of(2024, 2, 1);
  static final int DAYS = 9;

  @TempDir Path tmp;

  @Test
  void aRunAsTheWorkerRoleGivesTheOwnersRowsAndTheWorkerCannotChangeRawOrTheSchema()
      throws Exception {
    String asOwner;
    String stagedAsOwner;
    try (ActivityHarness h = new ActivityHarness(tmp.resolve("owner"))) {
      runDays(h);
      asOwner = features(h.dsl);
      stagedAsOwner = staged(h.dsl);
    }
    try (ActivityHarness h = new ActivityHarness(tmp.resolve("worker"), true)) {
      assertThat(h.dsl.fetchValue("select current_user")).asString().startsWith("sluice_app_");
      runDays(h);
      assertThat(features(h.dsl)).isEqualTo(asOwner);
      assertThat(staged(h.dsl)).isEqualTo(stagedAsOwner);

      String day = "raw.orders_" + FIRST.toString().replace("-", "");
      for (String sql :
          List.of(
              "update raw.orders set amount = '0'",
              "delete from raw.orders",
              "delete from " + day,
              "truncate raw.orders",
              "truncate " + day,
              "delete from meta.ingested_files",
              "create table feats.sneaky (x int)",
              "create table raw.sneaky (x int)",
              "create schema sneaky",
              "drop table stg.orders",
              "alter table meta.partition_ledger add column sneaky int",
              "drop view feats.orders_features",
              "create or replace function raw.refuse_change() returns trigger"
                  + " language plpgsql as $$ begin return old; end $$")) {
        assertThatThrownBy(() -> h.dsl.execute(sql))
            .as(sql)
            .isInstanceOfSatisfying(
                DataAccessException.class,
                e -> assertThat(e.sqlState()).as(sql + ": " + e.getMessage()).isEqualTo("42501"));
      }
      assertThatThrownBy(
              () ->
                  h.dsl.execute(
                      "select feats.point_features_view('orders', 'orders_features; drop')"))
          .hasMessageContaining("not a feature set table of dataset orders");
      long sealed = number(h.dsl, "select min(file_id) from meta.ingested_files");
      assertThatThrownBy(() -> h.dsl.execute("select meta.discard_load(?, 'x')", sealed))
          .hasMessageContaining("is sealed, not loading");
      assertThatThrownBy(() -> h.dsl.execute("select meta.claim_file(?, 'x')", sealed))
          .hasMessageContaining("is sealed, not loading");
      assertThat(number(h.dsl, "select count(*) from raw.orders")).isEqualTo(DAYS * 150L);
    }
  }

  @Test
  void aRangePassAsTheWorkerRoleLeavesItsTablesAnalysed() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp, true)) {
      OrdersGenerator g = new OrdersGenerator(5, 150);
      for (int i = 0; i < 3; i++) {
        LocalDate d = FIRST.plusDays(i);
        g.writeDay(h.settings.dataRoot(), FIRST, d);
        h.ingest.ingest(ActivityHarness.ref(d));
        h.validate.validate(ActivityHarness.ref(d));
        h.stage.stage(ActivityHarness.ref(d));
      }
      // the three dates at once: a range pass, as after a backfill
      assertThat(
              h.features.computeFeatures(ActivityHarness.ref(FIRST.plusDays(2)), 1).datesComputed())
          .isEqualTo(3);
      String table =
          h.dsl
              .fetchValue(
                  "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                      + " where n.nspname = 'feats' and c.relname ~ '^orders_[0-9a-f]{12}$'")
              .toString();
      for (String t : List.of(table, table + "_acc", table + "_keys")) {
        assertThat(h.manualAnalyses(t))
            .as("analyses of feats.%s by the owner's function", t)
            .isEqualTo(1L);
      }
      // the worker itself may not: PostgreSQL skips the table with a warning
      h.dsl.execute("analyze feats." + table);
      assertThat(h.manualAnalyses(table)).isEqualTo(1L);
      assertThatThrownBy(
              () -> h.dsl.execute("select feats.analyze_feature_tables('pg_class; drop')"))
          .hasMessageContaining("not a feature set table");
      assertThatThrownBy(
              () -> h.dsl.execute("select feats.analyze_feature_tables('orders_0123456789ab')"))
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void aFileThatFailsHalfWayIsDiscardedWithoutDeleteOnRaw() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp, true)) {
      Path file = new OrdersGenerator(3, 95).writeDay(h.settings.dataRoot(), FIRST, FIRST);
      Files.write(
          file,
          new byte[] {'X', (byte) 0xff, (byte) 0xfe, ',', '1', '\n'},
          StandardOpenOption.APPEND);
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        IngestActivities once = ActivityHarness.ingestInChunks(env, h.dataSource, h.settings, 20);
        assertThatThrownBy(() -> once.ingest(ActivityHarness.ref(FIRST)))
            .getCause()
            .isInstanceOfSatisfying(
                ApplicationFailure.class,
                f -> {
                  assertThat(f.getType()).isEqualTo("BadInput");
                  assertThat(f.getOriginalMessage()).contains("line 97");
                });
      } finally {
        env.close();
      }
      assertThat(h.dsl.fetchValue("select state from meta.ingested_files")).isEqualTo("rejected");
      assertThat(number(h.ownerDsl, "select count(*) from raw.orders"))
          .as("the four chunks of 20 committed before line 97 are gone")
          .isZero();
    }
  }

  @Test
  void aChangedFeatureConfigNeedsTheOwnersMigrationAndSaysSo() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp, true)) {
      OrdersGenerator g = new OrdersGenerator(11, 100);
      g.writeDay(h.settings.dataRoot(), FIRST, FIRST);
      h.runPartition(FIRST);
      Path config = h.root.resolve("pipelines/orders.yaml");
      String yaml = Files.readString(config, StandardCharsets.UTF_8);
      String changed =
          yaml.replace(
              "    - {name: orders_7d, agg: count, filter: completed, window: 7d}\n",
              "    - {name: orders_7d, agg: count, filter: completed, window: 7d}\n"
                  + "    - {name: orders_14d, agg: count, filter: completed, window: 14d}\n");
      assertThat(changed).isNotEqualTo(yaml);
      Files.writeString(config, changed, StandardCharsets.UTF_8);

      assertThatThrownBy(() -> h.features.computeFeatures(ActivityHarness.ref(FIRST), 1))
          .getCause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo("BadConfig");
                assertThat(f.getOriginalMessage())
                    .startsWith("orders/" + FIRST + ": ")
                    .contains("pipelines/orders.yaml", "sluice migrate", "SLUICE_DB_MIGRATE_USER");
              });

      SchemaMigration.Result r = SchemaMigration.run(h.owner, h.root.resolve("pipelines"));
      assertThat(r.tablesCreated()).hasSize(3);
      assertThat(r.badConfigs()).isEmpty();
      h.features.computeFeatures(ActivityHarness.ref(FIRST), 1);
      assertThat(number(h.dsl, "select count(orders_14d) from feats.orders_features"))
          .as("the view now shows the new feature set's table")
          .isPositive();
      assertThat(SchemaMigration.run(h.owner, h.root.resolve("pipelines")).tablesCreated())
          .as("a second migration finds everything in place")
          .isEmpty();
    }
  }

  /** A dataset declared after the owner's migration: its first run says to migrate. */
  @Test
  void aNewDatasetNeedsTheOwnersMigrationAndSaysSo() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp, true)) {
      Files.copy(
          ActivityHarness.repoFile("pipelines/app_events.yaml"),
          h.root.resolve("pipelines/app_events.yaml"));
      new io.sluice.samples.AppEventsGenerator(5, 60).writeDay(h.settings.dataRoot(), FIRST, FIRST);
      io.sluice.workflows.activity.PartitionRef ref =
          new io.sluice.workflows.activity.PartitionRef(
              "app_events", FIRST.toString(), "run-" + FIRST);

      assertThatThrownBy(() -> h.ingest.ingest(ref))
          .getCause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo("BadConfig");
                assertThat(f.getOriginalMessage())
                    .contains("pipelines/app_events.yaml", "created raw.app_events")
                    .contains("sluice migrate", "SLUICE_DB_MIGRATE_USER");
              });
      assertThat(h.dsl.fetchValue("select to_regclass('raw.app_events')")).isNull();

      SchemaMigration.Result r = SchemaMigration.run(h.owner, h.root.resolve("pipelines"));
      assertThat(r.datasetChanges()).contains("created raw.app_events (7 columns)");
      assertThat(h.ingest.ingest(ref).rawRows()).isEqualTo(60);
      h.validate.validate(ref);
      assertThat(h.stage.stage(ref).rawRows()).isEqualTo(60);
    }
  }

  private static void runDays(ActivityHarness h) throws Exception {
    OrdersGenerator g = new OrdersGenerator(5, 150);
    for (int i = 0; i < DAYS; i++) {
      g.writeDay(h.settings.dataRoot(), FIRST, FIRST.plusDays(i));
    }
    for (int i = 0; i < DAYS; i++) {
      h.runPartition(FIRST.plusDays(i));
    }
  }

  private static long number(DSLContext dsl, String sql) {
    return ((Number) dsl.fetchValue(sql)).longValue();
  }

  private static String features(DSLContext dsl) {
    return dsl.fetchValue(
            "select count(*) || '/' || md5(string_agg(t::text, '|' order by t::text))"
                + " from feats.orders_features t")
        .toString();
  }

  private static String staged(DSLContext dsl) {
    return dsl.fetchValue(
            "select (select count(*) from stg.orders) || '/'"
                + " || (select count(*) from quarantine.orders) || '/'"
                + " || (select md5(string_agg(order_id || amount::text, ',' order by order_id,"
                + " partition_date)) from stg.orders)")
        .toString();
  }
}
