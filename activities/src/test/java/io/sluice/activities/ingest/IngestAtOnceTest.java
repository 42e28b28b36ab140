package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.support.Hashing;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first attempt loads a file smaller than the bound in one transaction, hashed by the read that
 * loads it (docs/sources.md, "Loading a file"): the same raw rows and ledger entry as a load in
 * chunks, written by one transaction; a bad record rejects the file under its identity, unless the
 * file changed meanwhile; a file changed while it is read leaves nothing behind, and its retry
 * hashes first and loads in chunks; bytes the day has seen are hashed first and not loaded again; a
 * file at the bound loads in chunks; the load heartbeats. Run as the worker's role.
 */
class IngestAtOnceTest {

  static final LocalDate D = LocalDate.of(2024, 5, 1);
  static final LocalDate D2 = LocalDate.of(2024, 5, 2);

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() {
    h = new ActivityHarness(tmp, true);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private Path day(LocalDate d) throws IOException {
    Path dir = h.settings.dataRoot().resolve("raw").resolve(d.toString());
    Files.createDirectories(dir);
    return dir;
  }

  /** Distinct transactions that wrote the day's raw rows. */
  private int rawTransactions(LocalDate d) {
    return h.dsl
        .fetchValue("select count(distinct xmin::text) from raw.orders where partition_date = ?", d)
        .hashCode();
  }

  private Record ledger(LocalDate d) {
    return h.dsl.fetchOne(
        "select file_id, state, sha256, size_bytes, row_count, loaded_through_line, header,"
            + " xmin::text as tx from meta.ingested_files where partition_date = ?",
        d);
  }

  private String rawRows(LocalDate d) {
    return h.dsl
        .fetchValue(
            "select md5(string_agg((to_jsonb(t) - 'file_id' - 'partition_date')::text, '|'"
                + " order by line_no)) from raw.orders t where partition_date = ?",
            d)
        .toString();
  }

  /** An ingest of one attempt with {@code chunkRows} and {@code atOnceBytes}. */
  private IngestActivities ingest(TestActivityEnvironment env, int chunkRows, long atOnceBytes) {
    env.registerActivitiesImplementations(
        new IngestActivitiesImpl(h.dataSource, h.settings, chunkRows, atOnceBytes));
    return env.newActivityStub(
        IngestActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  @Test
  void aFirstAttemptLoadsAFileInOneTransactionAsTheChunksWould() throws IOException {
    Path file = new OrdersGenerator(5, 20_000).writeDay(h.settings.dataRoot(), D, D);
    Files.copy(file, day(D2).resolve("orders.csv"));

    IngestResult atOnce = h.ingest.ingest(ActivityHarness.ref(D));
    IngestResult chunked;
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      chunked = ingest(env, 1_000, 0).ingest(ActivityHarness.ref(D2));
    } finally {
      env.close();
    }

    assertThat(atOnce.rowsLoaded()).isEqualTo(chunked.rowsLoaded()).isEqualTo(20_000);
    assertThat(rawRows(D)).isEqualTo(rawRows(D2));
    Record one = ledger(D);
    Record chunks = ledger(D2);
    for (String field :
        new String[] {"state", "sha256", "size_bytes", "row_count", "loaded_through_line"}) {
      assertThat(one.get(field)).as(field).isEqualTo(chunks.get(field));
    }
    assertThat((String[]) one.get("header")).isEqualTo((String[]) chunks.get("header"));
    assertThat(one.get("state")).isEqualTo("sealed");
    assertThat(one.get("sha256")).isEqualTo(Hashing.sha256Hex(file));
    assertThat(one.get("size_bytes")).isEqualTo(Files.size(file));
    assertThat(rawTransactions(D)).as("one transaction wrote the rows").isEqualTo(1);
    assertThat(
            h.dsl.fetchValue("select min(xmin::text) from raw.orders where partition_date = ?", D))
        .as("the transaction that sealed the file")
        .isEqualTo(one.get("tx"));
    assertThat(rawTransactions(D2)).as("the load in chunks committed 20").isEqualTo(20);

    // the same bytes again: the day has a file of that size, so they are hashed first, found
    // sealed, and not loaded
    IngestResult again = h.ingest.ingest(ActivityHarness.ref(D));
    assertThat(again.filesNew()).isZero();
    assertThat(again.partitionVersion()).isEqualTo(atOnce.partitionVersion());
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.ingested_files"))).isEqualTo(2);
  }

  @Test
  void aFileAtTheBoundLoadsInChunks() throws IOException {
    Path file = new OrdersGenerator(5, 5_000).writeDay(h.settings.dataRoot(), D, D);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      ingest(env, 1_000, Files.size(file)).ingest(ActivityHarness.ref(D));
    } finally {
      env.close();
    }
    assertThat(rawTransactions(D)).isEqualTo(5);
    assertThat(ledger(D).get("sha256")).isEqualTo(Hashing.sha256Hex(file));
  }

  @Test
  void aBadRecordRejectsTheFileUnderItsIdentity() throws IOException {
    Path file = new OrdersGenerator(5, 20_000).writeDay(h.settings.dataRoot(), D, D);
    Files.writeString(file, "o-bad,C1,\"never closed\n", StandardOpenOption.APPEND);

    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(D)));
    ApplicationFailure f = (ApplicationFailure) t.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(f.getOriginalMessage()).contains("orders.csv").contains("line 20002");

    Record row = ledger(D);
    assertThat(row.get("state")).isEqualTo("rejected");
    assertThat(row.get("sha256")).isEqualTo(Hashing.sha256Hex(file));
    assertThat(row.get("size_bytes")).isEqualTo(Files.size(file));
    assertThat(row.get("row_count")).isEqualTo(0L);
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
    assertThat(row.get("file_id"))
        .as("the first file id of the database: none spent on a registration rolled back")
        .isEqualTo(1L);

    // the same bytes again are refused at once, from the ledger
    Throwable again = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(D)));
    assertThat(((ApplicationFailure) again.getCause()).getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.ingested_files"))).isEqualTo(1);
  }

  /**
   * Appends a row to {@code file} once a COPY into raw runs (the load reads the file then), on a
   * thread of its own; {@link Appender#await} says whether it did.
   */
  private final class Appender extends Thread {
    private final Path file;
    private final AtomicBoolean appended = new AtomicBoolean();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();

    Appender(Path file) {
      this.file = file;
      start();
    }

    @Override
    public void run() {
      try {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
          int copying =
              h.dsl.fetchCount(
                  h.dsl
                      .selectFrom("pg_stat_activity")
                      .where("datname = current_database()")
                      .and("state = 'active'")
                      .and("query like 'COPY raw.%'"));
          if (copying > 0) {
            Files.writeString(
                file,
                "late-row,C1,2024-05-01T10:00:00Z,10.00,EUR,completed,books,DE,web,1\n",
                StandardOpenOption.APPEND);
            appended.set(true);
            return;
          }
          Thread.sleep(2);
        }
      } catch (Throwable e) {
        failed.set(e);
      }
    }

    boolean await() throws InterruptedException {
      join();
      assertThat(failed.get()).isNull();
      return appended.get();
    }
  }

  /**
   * A file appended to while the one transaction reads it: nothing of it is committed (not even its
   * registration), the failure is retried, and the next attempt loads the file as it is then.
   */
  @Test
  void aChangedFileIsRetriedWithNothingOfItInRaw() throws Exception {
    Path file = new OrdersGenerator(3, 1_000_000).writeDay(h.settings.dataRoot(), D, D);
    Appender appender = new Appender(file);
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(D)));
    assertThat(appender.await()).as("the file was appended to mid-load").isTrue();
    ApplicationFailure f = (ApplicationFailure) t.getCause();
    assertThat(f.isNonRetryable()).as("retried: the file may be complete next time").isFalse();
    assertThat(f.getOriginalMessage())
        .contains("orders.csv changed while it was read")
        .contains("nothing of it went into raw");
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.ingested_files")))
        .as("not even its registration")
        .isZero();

    assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isEqualTo(1_000_001);
    Record row = ledger(D);
    assertThat(row.get("file_id"))
        .as("the id of the registration rolled back is spent")
        .isEqualTo(2L);
    assertThat(row.get("sha256")).isEqualTo(Hashing.sha256Hex(file));
    assertThat(row.get("size_bytes")).isEqualTo(Files.size(file));
  }

  /**
   * A bad record in a file that changed while it was read (its producer still writing it) is not a
   * rejection of the file under the hash of other bytes: the ingest is retried.
   */
  @Test
  void aBadRecordInAFileThatChangedIsRetriedNotRejected() throws Exception {
    Path file = new OrdersGenerator(3, 1_000_000).writeDay(h.settings.dataRoot(), D, D);
    Files.writeString(
        file,
        "o-nul,C1,2024-05-01T10:00:00Z,10.00,EUR,completed,bo\u0000oks,DE,web,1\n",
        StandardOpenOption.APPEND);
    Appender appender = new Appender(file);
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(D)));
    assertThat(appender.await()).as("the file was appended to mid-load").isTrue();
    ApplicationFailure f = (ApplicationFailure) t.getCause();
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).contains("orders.csv changed while it was read");
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.ingested_files")))
        .as("no rejection recorded")
        .isZero();
  }

  /** A load in one transaction heartbeats as its rows go in, with its progress. */
  @Test
  void aLoadInOneTransactionHeartbeats() throws IOException {
    new OrdersGenerator(3, 1_000_000).writeDay(h.settings.dataRoot(), D, D);
    java.util.List<IngestActivitiesImpl.IngestProgress> beats =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.setActivityHeartbeatListener(IngestActivitiesImpl.IngestProgress.class, beats::add);
      env.registerActivitiesImplementations(new IngestActivitiesImpl(h.dataSource, h.settings));
      IngestActivities beating =
          env.newActivityStub(
              IngestActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .setHeartbeatTimeout(Duration.ofMillis(600))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build());
      assertThat(beating.ingest(ActivityHarness.ref(D)).rowsLoaded()).isEqualTo(1_000_000);
    } finally {
      env.close();
    }
    assertThat(rawTransactions(D)).isEqualTo(1);
    assertThat(beats).isNotEmpty();
    assertThat(beats.get(beats.size() - 1).file()).isEqualTo("orders.csv");
    assertThat(beats.get(beats.size() - 1).rows()).isBetween(1L, 1_000_000L);
  }

  @WorkflowInterface
  public interface IngestTwice {
    @WorkflowMethod
    IngestResult run(PartitionRef ref);
  }

  /** Ingests with two attempts, the second 100 ms after the first fails. */
  public static class IngestTwiceImpl implements IngestTwice {
    @Override
    public IngestResult run(PartitionRef ref) {
      return Workflow.newActivityStub(
              IngestActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setMaximumAttempts(2)
                          .setInitialInterval(Duration.ofMillis(100))
                          .build())
                  .build())
          .ingest(ref);
    }
  }

  /**
   * A retry (attempt 2, Temporal's own) of a first attempt that failed on a changed file hashes the
   * file first and loads it in committed chunks.
   */
  @Test
  void aRetryHashesFirstAndLoadsInChunks() throws Exception {
    Path file = new OrdersGenerator(3, 1_000_000).writeDay(h.settings.dataRoot(), D, D);
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    IngestResult r;
    try {
      Worker w = env.newWorker("q");
      w.registerWorkflowImplementationTypes(IngestTwiceImpl.class);
      w.registerActivitiesImplementations(
          new IngestActivitiesImpl(
              h.dataSource, h.settings, 250_000, IngestActivitiesImpl.DEFAULT_AT_ONCE_BYTES));
      env.start();
      Appender appender = new Appender(file);
      r =
          env.getWorkflowClient()
              .newWorkflowStub(
                  IngestTwice.class, WorkflowOptions.newBuilder().setTaskQueue("q").build())
              .run(ActivityHarness.ref(D));
      assertThat(appender.await()).as("the file was appended to mid-load").isTrue();
    } finally {
      env.close();
    }
    assertThat(r.rawRows()).isEqualTo(1_000_001);
    assertThat(rawTransactions(D)).as("the retry committed chunks of 250,000 rows").isEqualTo(5);
    Record row = ledger(D);
    assertThat(row.get("file_id")).as("the first attempt left no registration").isEqualTo(2L);
    assertThat(row.get("sha256")).isEqualTo(Hashing.sha256Hex(file));
  }
}
