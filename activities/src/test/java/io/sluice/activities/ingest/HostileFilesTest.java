package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.IngestActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Files made to hurt: no byte of a refused file reaches a failure, a report, a log line, the ledger
 * or meta; a failure's message is bounded whatever the file; a compressed file may not inflate
 * without bound; line numbers past 2^31 are fine; a file that changes while it is read is not
 * sealed with the hash of other bytes.
 */
class HostileFilesTest {

  static final LocalDate D = LocalDate.of(2024, 5, 1);
  static final String HEADER =
      "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,quantity";
  static final String ROW = "o1,C1,2024-05-01T10:00:00Z,10.00,EUR,completed,books,DE,web,1";

  @TempDir Path tmp;
  ActivityHarness h;
  ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void setUp() {
    h = new ActivityHarness(tmp);
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    h.close();
  }

  private Path partitionFile(String name) throws IOException {
    Path dir = h.settings.dataRoot().resolve("raw").resolve(D.toString());
    Files.createDirectories(dir);
    return dir.resolve(name);
  }

  private ApplicationFailure ingestFails() {
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(D)));
    assertThat(t).isInstanceOf(ActivityFailure.class);
    assertThat(t.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) t.getCause();
  }

  /** Everything a failure carries, its causes and their stack traces included. */
  private static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  /** Every place a refused file's bytes could have gone: none holds {@code secret}. */
  private void assertNowhere(ApplicationFailure f, String secret) throws IOException {
    assertThat(everything(f)).doesNotContain(secret);
    try (Stream<Path> reports = Files.walk(h.settings.artifactsDir())) {
      for (Path p : reports.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(p)).as(p.toString()).doesNotContain(secret);
      }
    }
    assertThat(
            h.dsl
                .fetchValue(
                    "select coalesce(string_agg(t::text, '|'), '') from meta.ingested_files t")
                .toString())
        .doesNotContain(secret);
    assertThat(
            h.dsl
                .fetchValue(
                    "select coalesce(string_agg(t::text, '|'), '') from meta.partition_ledger t")
                .toString())
        .doesNotContain(secret);
    for (ILoggingEvent e : logs.list) {
      assertThat(e.getFormattedMessage()).doesNotContain(secret);
      if (e.getThrowableProxy() != null) {
        assertThat(e.getThrowableProxy().getMessage()).doesNotContain(secret);
      }
    }
  }

  @Test
  void aSecretFileInThePartitionIsRefusedWithoutItsContentGoingAnywhere() throws IOException {
    String secret = "s3cr3t-Zq9-hunter2";
    Files.writeString(partitionFile("orders.csv"), "SLUICE_DB_PASSWORD=" + secret + "\n");
    ApplicationFailure f = ingestFails();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(f.getOriginalMessage())
        .contains("orders.csv line 1: missing_columns")
        .contains("[order_id, customer_id, order_ts");
    assertNowhere(f, secret);
  }

  @Test
  void aHeaderlessFileIsRefusedWithoutEchoingItsFirstRow() throws IOException {
    Files.writeString(partitionFile("orders.csv"), ROW + "\n" + ROW.replace("o1", "o2") + "\n");
    ApplicationFailure f = ingestFails();
    assertThat(f.getOriginalMessage()).contains("missing_columns");
    assertNowhere(f, "2024-05-01T10:00:00Z");
  }

  @Test
  void repeatedColumnNamesAreNamedOnlyWhenDeclared() throws IOException {
    Files.writeString(
        partitionFile("orders.csv"), HEADER + ",pin-4711,pin-4711\n" + ROW + ",a,b\n");
    ApplicationFailure f = ingestFails();
    assertThat(f.getOriginalMessage())
        .contains("duplicate_header: column names repeated: one name at columns [11, 12]");
    assertNowhere(f, "pin-4711");
  }

  /** 12 MB of header: no message, report or ledger row holds more than a few kilobytes of it. */
  @Test
  void aTwelveMegabyteHeaderGivesABoundedFailure() throws IOException {
    StringBuilder header = new StringBuilder("order_id");
    String field = "x".repeat(6_000);
    for (int i = 0; i < 1_999; i++) {
      header.append(',').append(field).append(i);
    }
    Files.writeString(partitionFile("orders.csv"), header + "\n" + ROW + "\n");
    ApplicationFailure f = ingestFails();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(everything(f).length()).isLessThan(64 * 1024);
    assertThat(f.getOriginalMessage().length()).isLessThan(4 * 1024);
    assertNowhere(f, field);
  }

  /** gzip members of 1 MiB of blank lines each, concatenated: a tiny file, a huge stream. */
  private static byte[] blankLineMembers(int members) throws IOException {
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(one)) {
      gz.write(new byte[0]);
      byte[] lines = new byte[1 << 20];
      java.util.Arrays.fill(lines, (byte) '\n');
      gz.write(lines);
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < members; i++) {
      all.write(one.toByteArray());
    }
    return all.toByteArray();
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void aGzipBombOfBlankLinesIsRefusedEarlyAndTheFileIsNotLeftLoading() throws IOException {
    Path file = partitionFile("orders.csv.gz");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(gzip(HEADER + "\n" + ROW + "\n"));
      out.write(blankLineMembers(4096)); // 4 GiB of blank lines in a few megabytes
      out.write(gzip(ROW.replace("o1", "o2") + "\n"));
    }
    long started = System.nanoTime();
    ApplicationFailure f = ingestFails();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .contains("orders.csv.gz line ")
        .contains("decompressed_too_large")
        .contains("source.max_compression_ratio");
    assertThat((System.nanoTime() - started) / 1_000_000_000.0)
        .as("refused after 64 MiB, not 4 GiB")
        .isLessThan(60);
    assertThat(h.dsl.fetchValue("select state from meta.ingested_files")).isEqualTo("rejected");
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
  }

  @Test
  void aGzipFileInflatingPastTheDeclaredSizeIsRefusedAndItsRowsGo() throws IOException {
    Path cfg = h.settings.pipelinesDir().resolve("orders.yaml");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace(
                "  late_days: 7",
                "  max_decompressed_size: 1MiB\n  max_compression_ratio: 1000\n  late_days: 7"));
    StringBuilder rows = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 40_000; i++) {
      rows.append(ROW.replace("o1", "o" + i)).append('\n');
    }
    Files.write(partitionFile("orders.csv.gz"), gzip(rows.toString()));
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      IngestActivities chunked =
          ActivityHarness.ingestInChunks(env, h.dataSource, h.settings, 1000);
      Throwable t = catchThrowable(() -> chunked.ingest(ActivityHarness.ref(D)));
      ApplicationFailure f = (ApplicationFailure) t.getCause();
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
      assertThat(f.getOriginalMessage())
          .contains("decompressed_too_large")
          .contains("inflate past 1,048,576");
    } finally {
      env.close();
    }
    assertThat(h.dsl.fetchValue("select state from meta.ingested_files")).isEqualTo("rejected");
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders")))
        .as("the chunks committed before the limit are gone")
        .isZero();
  }

  /** More than 2^31 lines: line numbers and counts are 64-bit all the way to raw. */
  @Test
  void lineNumbersPastTwoToTheThirtyFirstLoad() throws IOException {
    Path cfg = h.settings.pipelinesDir().resolve("orders.yaml");
    Files.writeString(
        cfg,
        Files.readString(cfg)
            .replace(
                "  late_days: 7",
                "  max_decompressed_size: 3GiB\n  max_compression_ratio: 100000\n  late_days: 7"));
    Path file = partitionFile("orders.csv.gz");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(gzip(HEADER + "\n" + ROW + "\n"));
      out.write(blankLineMembers(2049)); // 2^31 + 2^20 blank lines
      out.write(gzip(ROW.replace("o1", "o2") + "\n"));
    }
    assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isEqualTo(2);
    assertThat(h.dsl.fetchValue("select max(line_no) from raw.orders"))
        .isEqualTo(2L + 2049L * (1 << 20) + 1);
    assertThat(h.dsl.fetchValue("select loaded_through_line from meta.ingested_files"))
        .isEqualTo(2L + 2049L * (1 << 20) + 1);
  }

  /**
   * A file appended to while its load reads it: the load's bytes are not those hashed, so the file
   * is not sealed (under a hash of other bytes); its rows go and the ingest is retried.
   */
  @Test
  void aFileAppendedToDuringItsLoadIsNotSealed() throws IOException {
    Path file = new OrdersGenerator(3, 400_000).writeDay(h.settings.dataRoot(), D, D);
    AtomicBoolean appended = new AtomicBoolean();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    env.setActivityHeartbeatListener(
        Object.class,
        details -> {
          if (appended.compareAndSet(false, true)) {
            try {
              Files.writeString(
                  file, ROW.replace("o1", "late-row") + "\n", StandardOpenOption.APPEND);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
    try {
      IngestActivities chunked =
          ActivityHarness.ingestInChunks(env, h.dataSource, h.settings, 20_000);
      Throwable t = catchThrowable(() -> chunked.ingest(ActivityHarness.ref(D)));
      assertThat(appended).as("the file was appended to mid-load").isTrue();
      ApplicationFailure f = (ApplicationFailure) t.getCause();
      assertThat(f.isNonRetryable()).as("retried: the file may be complete next time").isFalse();
      assertThat(f.getOriginalMessage())
          .contains("orders.csv changed while it was read")
          .contains("temporary name and rename it");
    } finally {
      env.close();
    }
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.ingested_files").where("state = 'sealed'")))
        .isZero();
    // the retry reads the file as it is now, whole, under its own hash
    assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isEqualTo(400_001);
    assertThat(h.dsl.fetchValue("select sha256 from meta.ingested_files where state = 'sealed'"))
        .asString()
        .isEqualTo(io.sluice.activities.support.Hashing.sha256Hex(file));
  }
}
