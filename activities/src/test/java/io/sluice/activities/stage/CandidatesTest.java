package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.stage.DeclaredSchemaPropertyTest.Partition;
import io.sluice.activities.stage.DeclaredSchemaPropertyTest.Schema;
import io.sluice.activities.support.PartitionStore;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition's candidates table filled by the worker ({@link Candidates#ensure}) holds, row for
 * row and value for value, what the SQL judgement alone gives ({@link Judgement#select}): through
 * the binary COPY out, the judge, the COPY text back (numbers, instants, arrays of reasons, cleaned
 * and received texts, the raw record as JSON) and the SQL's share of rows the judge leaves
 * undecided. The table is judged once, and again when it was lost or its version is not the latest.
 */
class CandidatesTest {

  @TempDir Path tmp;

  @Test
  void theWorkersTableIsTheSqlsTable() throws IOException {
    long undecided = 0;
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      for (int seed = 1; seed <= 12; seed++) {
        SplittableRandom rnd = new SplittableRandom(seed * 7_717L);
        Schema s = Schema.random("worker_" + (char) ('a' + seed), rnd);
        Partition p = Partition.random(s, rnd);
        PartitionVersionsRecord version =
            RowJudgeDifferentialTest.ingestHostile(h, s, p, rnd, seed);
        DatasetSchema schema = h.settings.config(s.dataset).schema();
        Condition rows = PartitionStore.rawRows(schema, version);
        Set<String> received = new LinkedHashSet<>();
        for (String c : schema.names()) {
          if (rnd.nextBoolean()) {
            received.add(c);
          }
        }
        Candidates candidates = Candidates.of(schema, version, received);

        List<String> bySql =
            h.dsl.transactionResult(
                trx -> {
                  DSLContext tx = trx.dsl();
                  tx.createTemporaryTable("sql_judged")
                      .as(Judgement.select(candidates, rows))
                      .onCommitDrop()
                      .execute();
                  return dump(tx, org.jooq.impl.DSL.name("sql_judged"));
                });
        Candidates.Filled filled = candidates.ensure(h.dsl);
        undecided += filled.undecided();
        assertThat(filled.judged() + filled.undecided()).isEqualTo(p.rows.size());
        assertThat(dump(h.dsl, candidates.name()))
            .as("seed " + seed + "\n" + s.yaml())
            .hasSize(p.rows.size())
            .isEqualTo(bySql);
      }
    }
    assertThat(undecided).isGreaterThan(0); // the SQL's share was exercised
  }

  @Test
  void judgedOnceAgainWhenLostAndNeverFromAnOldVersion() throws IOException, SQLException {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      SplittableRandom rnd = new SplittableRandom(99);
      Schema s = Schema.random("again", rnd);
      Partition p = Partition.random(s, rnd);
      PartitionVersionsRecord v1 = RowJudgeDifferentialTest.ingestHostile(h, s, p, rnd, 1);
      DatasetSchema schema = h.settings.config(s.dataset).schema();
      Candidates first = Candidates.of(schema, v1, Set.of());
      assertThat(first.ensure(h.dsl).reused()).isFalse();
      assertThat(first.ensure(h.dsl).reused()).isTrue();
      // scratch: unlogged, and left alone by autovacuum
      assertThat(
              h.dsl.fetchValue(
                  "select relpersistence::text || ' ' || array_to_string(reloptions, ',')"
                      + " from pg_class where oid = {0}::regclass",
                  h.dsl.render(first.table())))
          .isEqualTo("u autovacuum_enabled=false");
      assertThat(
              h.dsl.fetchValue(
                  "select array_to_string(t.reloptions, ',') from pg_class c join pg_class t"
                      + " on t.oid = c.reltoastrelid where c.oid = {0}::regclass",
                  h.dsl.render(first.table())))
          .isEqualTo("autovacuum_enabled=false");
      // its row count for the planner, counted from a sample of pages (statistics target 1)
      assertThat(
              h.dsl.fetchValue(
                  "select reltuples::bigint from pg_class where oid = {0}::regclass",
                  h.dsl.render(first.table())))
          .isEqualTo((long) p.rows.size());
      assertThat(
              h.dsl.fetchValue(
                  "select attstattarget::int from pg_attribute where attrelid = {0}::regclass"
                      + " and attname = 'file_id'",
                  h.dsl.render(first.table())))
          .isEqualTo(1);
      // the raw rows were read without parallel workers, a setting no pooled connection keeps
      assertThat(
              onEveryPooledConnection(
                  h,
                  "select setting = reset_val from pg_settings"
                      + " where name = 'max_parallel_workers_per_gather'"))
          .containsOnly(true);

      // an unlogged table comes back empty after a crash: judged again, not read empty
      h.dsl.truncate(first.table()).execute();
      Candidates.Filled again = first.ensure(h.dsl);
      assertThat(again.reused()).isFalse();
      assertThat(h.dsl.fetchCount(first.table())).isEqualTo(p.rows.size());

      // a changed file makes a new version: its candidates have another name, the old are dropped
      Partition changed = Partition.random(s, rnd);
      PartitionVersionsRecord v2 = RowJudgeDifferentialTest.ingestHostile(h, s, changed, rnd, 2);
      assertThat(v2.getVersion()).isGreaterThan(v1.getVersion());
      Candidates second = Candidates.of(schema, v2, Set.of());
      assertThat(second.name()).isNotEqualTo(first.name());
      assertThat(second.ensure(h.dsl).reused()).isFalse();
      assertThat(exists(h.dsl, first.name())).isFalse();
      assertThat(h.dsl.fetchCount(second.table())).isEqualTo(changed.rows.size());
    }
  }

  @Test
  void aJudgeThatStopsEarlyLeavesItsConnectionToThePoolUsable() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      SplittableRandom rnd = new SplittableRandom(7);
      Schema s = Schema.random("stops", rnd);
      Partition p = Partition.random(s, rnd);
      PartitionVersionsRecord v1 = RowJudgeDifferentialTest.ingestHostile(h, s, p, rnd, 1);
      Candidates judged = Candidates.of(h.settings.config(s.dataset).schema(), v1, Set.of());
      assertThatThrownBy(
              () ->
                  judged.ensure(
                      h.dsl,
                      (received, verdict) -> {
                        throw new IllegalStateException("the observer failed");
                      }))
          .hasMessageContaining("the observer failed");
      // the connection that read raw went back to the pool: each connection answers its own
      // query (a copy left unread would answer the next borrower's with what the server sent)
      assertThat(onEveryPooledConnection(h, "select 42")).containsOnly(42);
    }
  }

  /** {@code sql}'s value on each of the pool's connections, borrowed at once. */
  private static List<Object> onEveryPooledConnection(ActivityHarness h, String sql)
      throws SQLException {
    List<Connection> pooled = new ArrayList<>();
    try {
      for (int i = 0; i < h.dataSource.getMaximumPoolSize(); i++) {
        pooled.add(h.dataSource.getConnection());
      }
      List<Object> values = new ArrayList<>();
      for (Connection c : pooled) {
        values.add(DSL.using(c).fetchValue(sql));
      }
      return values;
    } finally {
      for (Connection c : pooled) {
        c.close();
      }
    }
  }

  private static boolean exists(DSLContext dsl, Name table) {
    return dsl.fetchValue("select to_regclass({0})::text", dsl.render(table)) != null;
  }

  /** Every row of a judged table as text, values as PostgreSQL prints them, in line order. */
  private static List<String> dump(DSLContext tx, Name table) {
    return tx.fetch("select j::text from " + tx.render(table) + " j order by file_id, line_no")
        .map((Record r) -> r.get(0, String.class));
  }
}
