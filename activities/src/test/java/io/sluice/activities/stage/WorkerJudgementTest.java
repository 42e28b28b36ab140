package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.stage.DeclaredSchemaPropertyTest.Partition;
import io.sluice.activities.stage.DeclaredSchemaPropertyTest.Schema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage's judged table filled by the worker ({@link WorkerJudgement}) holds, row for row and value
 * for value, what the SQL judgement alone puts there: through the binary COPY out, the judge, the
 * COPY text back (numbers, instants, arrays of reasons) and the SQL's share of rows the judge
 * leaves undecided.
 */
class WorkerJudgementTest {

  @TempDir Path tmp;

  @Test
  void theWorkersTableIsTheSqlsTable() throws IOException {
    long undecided = 0;
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      for (int seed = 1; seed <= 12; seed++) {
        SplittableRandom rnd = new SplittableRandom(seed * 7_717L);
        Schema s = Schema.random("worker_" + (char) ('a' + seed), rnd);
        Partition p = Partition.random(s, rnd);
        Condition rows = RowJudgeDifferentialTest.ingestHostile(h, s, p, rnd, seed);
        DatasetSchema schema = h.settings.config(s.dataset).schema();

        List<String> bySql = bySql(h.dsl, schema, rows);
        String where = "seed " + seed + "\n" + s.yaml();
        long[] left = new long[1];
        List<String> byWorker =
            h.dsl.transactionResult(
                trx -> {
                  DSLContext tx = trx.dsl();
                  left[0] = WorkerJudgement.fill(tx, schema, rows).undecided();
                  return dump(tx);
                });
        undecided += left[0];
        assertThat(byWorker).as(where).hasSize(p.rows.size()).isEqualTo(bySql);
      }
    }
    assertThat(undecided).isGreaterThan(0); // the SQL's share was exercised
  }

  private static List<String> bySql(DSLContext dsl, DatasetSchema schema, Condition rows) {
    return dsl.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
          tx.createTemporaryTable(Judgement.TABLE)
              .as(Judgement.select(schema, rows))
              .onCommitDrop()
              .execute();
          return dump(tx);
        });
  }

  /** Every row of the judged table as text, values as PostgreSQL prints them, in line order. */
  private static List<String> dump(DSLContext tx) {
    return tx.fetch(
            "select j::text from " + Judgement.TABLE.last() + " j order by file_id, line_no")
        .map((Record r) -> r.get(0, String.class));
  }
}
