package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.LocalDate;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed file's raw rows are final, enforced by the database: the worker's role cannot un-seal a
 * file, add rows to it or remove them, and staging fails loudly when raw no longer holds exactly
 * the rows its files were sealed with.
 */
class RawSealingTest {

  static final LocalDate DAY = LocalDate.of(2024, 3, 1);
  static final String DAY_TABLE = "raw.orders_20240301";

  @TempDir Path tmp;

  private ActivityHarness ingested(boolean leastPrivilege) throws Exception {
    ActivityHarness h = new ActivityHarness(tmp, leastPrivilege);
    new OrdersGenerator(3, 500).writeDay(h.settings.dataRoot(), DAY, DAY);
    h.ingest.ingest(ActivityHarness.ref(DAY));
    return h;
  }

  private static long sealedFile(DSLContext dsl) {
    return ((Number)
            dsl.fetchValue("select file_id from meta.ingested_files where state = 'sealed'"))
        .longValue();
  }

  /** The table holding one file's rows. */
  private static String fileTable(long file) {
    return DAY_TABLE + "_f" + file;
  }

  /** Inserts a forged row of {@code file} into {@code table}. */
  private static void forge(DSLContext dsl, String table, long file) {
    dsl.execute(
        "insert into "
            + table
            + " (partition_date, file_id, line_no, order_id, customer_id, order_ts, amount,"
            + " currency, status, category, country, channel, quantity, field_count) values (?, ?,"
            + " 100000, 'FORGED', 'C1', '2024-03-01T10:00:00Z', '1.00', 'USD', 'completed',"
            + " 'books', 'US', 'web', '1', 10)",
        DAY,
        file);
  }

  private static long rawRows(DSLContext dsl) {
    return ((Number) dsl.fetchValue("select count(*) from " + DAY_TABLE)).longValue();
  }

  @Nested
  class TheWorkerRole {

    @Test
    void cannotUnsealAFileAndDiscardItsRows() throws Exception {
      try (ActivityHarness h = ingested(true)) {
        long file = sealedFile(h.dsl);
        assertThatThrownBy(
                () ->
                    h.dsl.execute(
                        "update meta.ingested_files set state = 'loading' where file_id = ?", file))
            .as("un-sealing")
            .hasMessageContaining("ingested_files");
        assertThatThrownBy(() -> h.dsl.execute("select raw.discard_unsealed(?, ?)", file, DAY))
            .as("discarding a sealed file's rows");
        assertThat(rawRows(h.ownerDsl)).isEqualTo(500);
        assertThat(h.ownerDsl.fetchValue("select state from meta.ingested_files"))
            .isEqualTo("sealed");
      }
    }

    @Test
    void cannotInsertIntoASealedFile() throws Exception {
      try (ActivityHarness h = ingested(true)) {
        long file = sealedFile(h.dsl);
        for (String table : new String[] {fileTable(file), DAY_TABLE, "raw.orders"}) {
          assertThatThrownBy(() -> forge(h.dsl, table, file))
              .as("a forged row into " + table)
              .hasMessageContaining("raw");
        }
        assertThat(rawRows(h.ownerDsl)).isEqualTo(500);
      }
    }

    @Test
    void cannotRewriteAFilesRecordedCountsOrIdentity() throws Exception {
      try (ActivityHarness h = ingested(true)) {
        long file = sealedFile(h.dsl);
        for (String set :
            new String[] {
              "row_count = 501", "loaded_through_line = 0", "sha256 = repeat('0', 64)"
            }) {
          assertThatThrownBy(
                  () ->
                      h.dsl.execute(
                          "update meta.ingested_files set " + set + " where file_id = ?", file))
              .as(set);
        }
        assertThat(h.ownerDsl.fetchValue("select row_count from meta.ingested_files"))
            .isEqualTo(500L);
      }
    }
  }

  /**
   * A file registered before its bytes are known (an extract loaded as it is pulled) is identified
   * in the same transaction, once, by the session holding its load; no other session ever sees it
   * without its identity.
   */
  @Nested
  class AFileRegisteredBeforeItsBytesAreKnown {

    /**
     * In one transaction of the worker's role: registers a file of DAY without its identity, runs
     * {@code statements} (each formatted with the file's id), commits.
     */
    private static void registered(ActivityHarness h, String... statements)
        throws java.sql.SQLException {
      try (java.sql.Connection c = h.dataSource.getConnection();
          java.sql.Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        try {
          long file;
          try (java.sql.ResultSet r =
              s.executeQuery(
                  "insert into meta.ingested_files (dataset, partition_date, file_name,"
                      + " row_count, loaded_through_line, header, run_id, state) values"
                      + " ('orders', '"
                      + DAY
                      + "', 'extract.csv', 0, 0, '{order_id}', 'run-1', 'loading')"
                      + " returning file_id")) {
            r.next();
            file = r.getLong(1);
          }
          for (String statement : statements) {
            s.execute(statement.formatted(file));
          }
          c.commit();
        } finally {
          c.rollback();
        }
      }
    }

    private static final String CLAIM = "select meta.claim_file(%1$d, 'run-1')";
    private static final String SHA_A = "a".repeat(64);
    private static final String IDENTIFY = "select meta.identify_file(%1$d, '" + SHA_A + "', 10)";
    private static final String SEAL = "select meta.seal_file(%1$d)";

    @Test
    void cannotCommitWithoutItsIdentity() throws Exception {
      try (ActivityHarness h = new ActivityHarness(tmp, true)) {
        assertThatThrownBy(() -> registered(h))
            .hasMessageContaining("was registered without its SHA-256 and size");
        assertThatThrownBy(() -> registered(h, CLAIM))
            .as("claimed, still without an identity")
            .hasMessageContaining("without its SHA-256");
        assertThat(h.ownerDsl.fetchCount(h.ownerDsl.selectFrom("meta.ingested_files"))).isZero();
      }
    }

    @Test
    void isIdentifiedOnceByTheSessionHoldingItsLoadBeforeItIsSealed() throws Exception {
      try (ActivityHarness h = new ActivityHarness(tmp, true)) {
        assertThatThrownBy(() -> registered(h, IDENTIFY))
            .as("a load not claimed")
            .hasMessageContaining("not claimed by this session");
        assertThatThrownBy(() -> registered(h, CLAIM, "select meta.identify_file(%d, 'x', 10)"))
            .hasMessageContaining("a SHA-256 is 64 lowercase hex digits");
        assertThatThrownBy(() -> registered(h, CLAIM, SEAL))
            .as("sealed before its identity")
            .hasMessageContaining("cannot be sealed before its identity is known");
        assertThatThrownBy(() -> registered(h, CLAIM, IDENTIFY, IDENTIFY))
            .as("identified twice")
            .hasMessageContaining("is identified already");

        registered(h, CLAIM, IDENTIFY, SEAL);
        assertThat(
                h.ownerDsl.fetchValue(
                    "select concat_ws(' ', sha256, size_bytes, state) from meta.ingested_files"))
            .isEqualTo(SHA_A + " 10 sealed");
        assertThatThrownBy(
                () ->
                    h.ownerDsl.execute(
                        "update meta.ingested_files set sha256 = null, size_bytes = null"))
            .as("even the owner")
            .hasMessageContaining("sealed and stays so");
      }
    }
  }

  @Nested
  class EvenTheOwner {

    @Test
    void cannotUnsealOrAppendToASealedFile() throws Exception {
      try (ActivityHarness h = ingested(false)) {
        long file = sealedFile(h.dsl);
        assertThatThrownBy(
                () ->
                    h.dsl.execute(
                        "update meta.ingested_files set state = 'loading' where file_id = ?", file))
            .hasMessageContaining("sealed");
        for (String table : new String[] {fileTable(file), DAY_TABLE, "raw.orders"}) {
          assertThatThrownBy(() -> forge(h.dsl, table, file))
              .as(table)
              .hasMessageContaining("is sealed");
        }
        assertThat(rawRows(h.dsl)).isEqualTo(500);
      }
    }
  }

  @Nested
  class Staging {

    /** Raw changed behind the triggers' back (a superuser, a restored backup, a bug). */
    @Test
    void failsLoudlyWhenRawHoldsARowItsFileWasNotSealedWith() throws Exception {
      try (ActivityHarness h = ingested(false)) {
        long file = sealedFile(h.dsl);
        h.dsl.execute("alter table " + fileTable(file) + " disable trigger user");
        forge(h.dsl, fileTable(file), file);
        h.dsl.execute("alter table " + fileTable(file) + " enable trigger user");
        h.validate.validate(ActivityHarness.ref(DAY));
        PartitionRef ref = ActivityHarness.ref(DAY);
        assertThatThrownBy(() -> h.stage.stage(ref))
            .getCause()
            .isInstanceOfSatisfying(
                ApplicationFailure.class,
                f -> {
                  assertThat(f.getType()).isEqualTo("ReconciliationFailed");
                  assertThat(f.isNonRetryable()).isTrue();
                  assertThat(f.getOriginalMessage())
                      .contains("orders.csv", "sealed with 500", "501", ref.runId());
                });
        assertThat(h.dsl.fetchCount(h.dsl.selectFrom("stg.orders"))).isZero();
      }
    }

    @Test
    void failsLoudlyWhenARowOfASealedFileIsGone() throws Exception {
      try (ActivityHarness h = ingested(false)) {
        String table = fileTable(sealedFile(h.dsl));
        h.dsl.execute("alter table " + table + " disable trigger user");
        h.dsl.execute("delete from " + table + " where line_no = 2");
        h.dsl.execute("alter table " + table + " enable trigger user");
        PartitionRef ref = ActivityHarness.ref(DAY);
        assertThatThrownBy(() -> h.stage.stage(ref))
            .getCause()
            .isInstanceOfSatisfying(
                ApplicationFailure.class,
                f -> {
                  assertThat(f.getType()).isEqualTo("ReconciliationFailed");
                  assertThat(f.getOriginalMessage()).contains("sealed with 500", "499");
                });
      }
    }
  }
}
