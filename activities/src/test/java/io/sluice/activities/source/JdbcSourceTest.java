package io.sluice.activities.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.Sources;
import io.sluice.activities.Sources.Outcome;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.support.Failures;
import io.sluice.db.TestDatabases;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.slf4j.LoggerFactory;

/**
 * A {@code jdbc} source on a second PostgreSQL database: the orders a CSV drop holds, pulled with a
 * query per day, stage the same rows; a re-pull of unchanged data is no new version, a changed one
 * is; credentials come from a secret file and never appear in a message; each way a pull can fail
 * is one clear failure, retried or not, with raw and the extract left as they were.
 */
class JdbcSourceTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 3;
  static final String QUERY =
      "SELECT order_id, customer_id, order_ts, amount, currency, status, category, country,"
          + " channel, quantity, seq FROM shop_orders"
          + " WHERE received_at >= :start AND received_at < :end";

  @TempDir Path tmp;
  HikariDataSource source;
  DSLContext src;
  Path secret;

  @BeforeEach
  void sourceDatabase() throws IOException {
    source = TestDatabases.empty();
    src = DSL.using(source, SQLDialect.POSTGRES);
    src.execute(
        "CREATE TABLE shop_orders (order_id text, customer_id text, order_ts text, amount text,"
            + " currency text, status text, category text, country text, channel text,"
            + " quantity text, received_at timestamptz NOT NULL, seq bigint NOT NULL)");
    secret = tmp.resolve("secrets/shop_db_password");
    Files.createDirectories(secret.getParent());
    Files.writeString(secret, source.getPassword() + "\n");
  }

  @AfterEach
  void close() {
    source.close();
  }

  private String jdbcSource(String url, String user, String query, String extra) {
    return Sources.jdbc(url, user, secret, query, extra);
  }

  private String jdbcSource() {
    return jdbcSource(source.getJdbcUrl(), source.getUsername(), QUERY, "");
  }

  /** A harness under {@code dir} whose orders are pulled from the source with {@code query}. */
  private ActivityHarness pulling(String dir, String query) throws IOException {
    return Sources.harness(
        tmp.resolve(dir), jdbcSource(source.getJdbcUrl(), source.getUsername(), query, ""));
  }

  /** Loads one day's generated CSV into the source table, each row received on that day. */
  private void load(Path csv, LocalDate day) throws Exception {
    src.execute("CREATE TEMP TABLE IF NOT EXISTS day_rows (LIKE shop_orders INCLUDING ALL)");
    try (Connection c = source.getConnection()) {
      c.createStatement()
          .execute(
              "CREATE TEMP TABLE IF NOT EXISTS day_csv (order_id text, customer_id text, order_ts text,"
                  + " amount text, currency text, status text, category text, country text,"
                  + " channel text, quantity text, coupon_code text)");
      String header = Files.readAllLines(csv).get(0);
      try (Reader r = Files.newBufferedReader(csv)) {
        new CopyManager(c.unwrap(BaseConnection.class))
            .copyIn("COPY day_csv (" + header + ") FROM STDIN (FORMAT csv, HEADER true)", r);
      }
      // seq: the CSV line, so the pulled extract holds the rows in the file's order
      c.createStatement()
          .execute(
              "INSERT INTO shop_orders SELECT order_id, customer_id, order_ts, amount, currency,"
                  + " status, category, country, channel, quantity, '"
                  + day
                  + " 06:00:00+00', (SELECT coalesce(max(seq), 0) FROM shop_orders)"
                  + " + row_number() OVER () FROM day_csv");
      c.createStatement().execute("TRUNCATE day_csv");
    }
  }

  @Test
  void theOrdersOfACsvDropPulledWithAQueryStageTheSameRows() throws Exception {
    Path csvRoot = tmp.resolve("csv");
    OrdersGenerator gen = new OrdersGenerator(3, 300);
    for (int i = 0; i < DAYS; i++) {
      Path file = gen.writeDay(csvRoot.resolve("data"), FIRST, FIRST.plusDays(i));
      load(file, FIRST.plusDays(i));
    }
    Outcome csv;
    try (ActivityHarness h = Sources.harness(csvRoot, null)) {
      Sources.stage(h, FIRST, DAYS);
      csv = Outcome.of(h, false, false);
    }
    try (ActivityHarness h = Sources.harness(tmp.resolve("jdbc"), jdbcSource())) {
      assertThat(h.source.probe(ActivityHarness.ref(FIRST)).ready()).as("the sensor").isTrue();
      assertThat(h.settings.dataRoot().resolve("pulled"))
          .as("a probe pulls nothing")
          .doesNotExist();
      Sources.stage(h, FIRST, DAYS);
      Outcome pulled = Outcome.of(h, false, false);
      assertThat(pulled.staged()).isEqualTo(csv.staged());
      assertThat(pulled.quarantined()).isEqualTo(csv.quarantined());
      assertThat(pulled.counts()).isEqualTo(csv.counts());
      Path extract = h.settings.dataRoot().resolve("pulled/" + FIRST + "/extract.csv");
      assertThat(Files.readAllLines(extract).get(0))
          .isEqualTo(
              "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,"
                  + "quantity,seq");

      // pulled again, unchanged: the same extract, no new version
      var modified = Files.getLastModifiedTime(extract);
      IngestResult again = h.ingest.ingest(ActivityHarness.ref(FIRST));
      assertThat(again.partitionVersion()).isEqualTo(1);
      assertThat(again.filesNew()).isZero();
      assertThat(Files.getLastModifiedTime(extract)).isEqualTo(modified);

      // the source changes one row of the first day: a new version, reconciled
      src.execute(
          "UPDATE shop_orders SET status = 'refunded' WHERE seq = (SELECT min(seq) FROM"
              + " shop_orders)");
      assertThat(h.source.changedPartitions(ActivityHarness.ref(FIRST.plusDays(1))))
          .containsExactly(FIRST.toString());
      IngestResult changed = h.ingest.ingest(ActivityHarness.ref(FIRST));
      assertThat(changed.partitionVersion()).isEqualTo(2);
      assertThat(changed.rawRows()).isEqualTo(300);
    }
  }

  private static ApplicationFailure ingestFails(ActivityHarness h) {
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(FIRST)));
    assertThat(t).isInstanceOf(ActivityFailure.class);
    return (ApplicationFailure) t.getCause();
  }

  private void assertNothingChanged(ActivityHarness h) {
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).as("raw untouched").isZero();
    assertThat(Files.exists(h.settings.dataRoot().resolve("pulled/" + FIRST + "/extract.csv")))
        .as("no extract")
        .isFalse();
  }

  /** A user the server does not know (the embedded test server trusts any password). */
  @Test
  void wrongCredentialsAreABadConfigThatNamesWhereThePasswordIsNotWhatItIs() throws Exception {
    Files.writeString(secret, "not-the-password");
    try (ActivityHarness h =
        Sources.harness(
            tmp.resolve("creds"), jdbcSource(source.getJdbcUrl(), "no_such_user", QUERY, ""))) {
      ApplicationFailure f = ingestFails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage())
          .contains("orders's source (" + source.getJdbcUrl() + ", user no_such_user)")
          .contains("refused the credentials: check source.jdbc.user and the password in " + secret)
          .doesNotContain("not-the-password");
      assertNothingChanged(h);
    }
  }

  @Test
  void aMissingTableIsABadConfigNamingTheQuery() throws Exception {
    try (ActivityHarness h =
        Sources.harness(
            tmp.resolve("table"),
            jdbcSource(
                source.getJdbcUrl(),
                source.getUsername(),
                QUERY.replace("shop_orders", "shop_orderz"),
                ""))) {
      ApplicationFailure f = ingestFails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("the query failed (SQLSTATE 42P01)")
          .contains("shop_orderz")
          .contains("fix source.jdbc.query");
      assertNothingChanged(h);
    }
  }

  @Test
  void anUnreachableServerIsRetried() throws Exception {
    try (ActivityHarness h =
        Sources.harness(
            tmp.resolve("down"),
            jdbcSource(
                "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=2",
                source.getUsername(),
                QUERY,
                ""))) {
      ApplicationFailure f = ingestFails(h);
      assertThat(f.isNonRetryable()).isFalse();
      assertThat(f.getOriginalMessage())
          .contains("orders's source (jdbc:postgresql://127.0.0.1:1/nowhere")
          .contains("the pull will be retried");
      assertNothingChanged(h);
    }
  }

  @Test
  void anEmptyResultIsAMissingSourceUnlessDeclaredAnEmptyDay() throws Exception {
    try (ActivityHarness h = Sources.harness(tmp.resolve("empty"), jdbcSource())) {
      assertThat(h.source.probe(ActivityHarness.ref(FIRST)).ready()).as("the sensor").isFalse();
      ApplicationFailure f = ingestFails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.SOURCE_MISSING);
      assertThat(f.getOriginalMessage())
          .contains("partition orders/" + FIRST + ": orders's source returned no rows");
      assertNothingChanged(h);
    }
    try (ActivityHarness h =
        Sources.harness(
            tmp.resolve("empty-ok"),
            jdbcSource(
                source.getJdbcUrl(), source.getUsername(), QUERY, "  allow_empty: true\n"))) {
      IngestResult r = h.ingest.ingest(ActivityHarness.ref(FIRST));
      assertThat(r.rawRows()).isZero();
      assertThat(r.partitionVersion()).isEqualTo(1);
    }
  }

  @Test
  void aPasswordInTheUrlIsRefusedAndNeverEchoed() throws Exception {
    try (ActivityHarness h =
        Sources.harness(
            tmp.resolve("url"),
            jdbcSource(
                source.getJdbcUrl() + "?password=hunter2", source.getUsername(), QUERY, ""))) {
      Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(FIRST)));
      ApplicationFailure f = (ApplicationFailure) t.getCause();
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("key 'source.jdbc.url': holds a password; name it with password_env or")
          .doesNotContain("hunter2");
    }
  }

  @Test
  void typedColumnsArriveAsTheTextACsvExportHolds() throws Exception {
    src.execute(
        "CREATE TABLE typed_orders (order_id text, customer_id text, order_ts timestamptz,"
            + " amount numeric(12,2), currency text, status text, category text, country text,"
            + " channel text, quantity integer, gift boolean, shipped date, seq bigint)");
    src.execute("SET TIME ZONE 'Europe/Berlin'");
    for (int i = 0; i < 30; i++) {
      src.execute(
          "INSERT INTO typed_orders VALUES (?, 'c-1', ?::timestamptz, ?, 'eur', 'completed',"
              + " 'books', 'de', 'web', ?, ?, ?::date, ?)",
          "o-" + i,
          FIRST + (i == 0 ? " 11:30:00.25+01" : " 09:00:00+00"),
          new java.math.BigDecimal(i == 1 ? "-1.50" : "12.50"),
          i + 1,
          i % 2 == 0,
          FIRST.toString(),
          i);
    }
    String query =
        "SELECT * FROM typed_orders WHERE order_ts >= :start AND order_ts < :end AND"
            + " shipped = :date";
    try (ActivityHarness h = pulling("typed", query)) {
      Sources.stage(h, FIRST);
      assertThat(
              h.dsl.fetchValue(
                  "select concat_ws(' ', order_ts, amount, quantity, extra::text) from raw.orders"
                      + " where order_id = 'o-0'"))
          .isEqualTo(
              "2024-03-01T10:30:00.25+00:00 12.50 1"
                  + " {\"seq\": \"0\", \"gift\": \"true\", \"shipped\": \"2024-03-01\"}");
      assertThat(h.dsl.fetchValue("select order_ts::text from stg.orders where order_id = 'o-0'"))
          .isEqualTo("2024-03-01 10:30:00.25+00");
      assertThat(
              h.dsl.fetchValue(
                  "select array_to_string(reasons, ',') from quarantine.orders"
                      + " where record->>'order_id' = 'o-1'"))
          .isEqualTo("negative_amount");
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("stg.orders"))).isEqualTo(29);
    }
  }

  /** What raw and the ledger hold of the day's files, but their ids and load times. */
  private static java.util.List<String> rawAndLedger(ActivityHarness h) {
    java.util.List<String> out =
        new java.util.ArrayList<>(
            h.dsl
                .fetch(
                    "select (to_jsonb(r) - 'file_id')::text from raw.orders r"
                        + " where partition_date = ? order by line_no",
                    FIRST)
                .into(String.class));
    out.addAll(
        h.dsl
            .fetch(
                "select concat_ws(' ', file_name, sha256, size_bytes, row_count,"
                    + " loaded_through_line, array_to_string(header, ','), state, loader_pid)"
                    + " from meta.ingested_files order by file_id")
            .into(String.class));
    return out;
  }

  private static ListAppender<ILoggingEvent> logs() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    return logs;
  }

  private static boolean loadedAsPulled(ListAppender<ILoggingEvent> logs) {
    return logs.list.stream()
        .anyMatch(e -> e.getFormattedMessage().contains("as they were pulled"));
  }

  @Test
  void aFirstPullIsLoadedAsItIsPulledAndRawHoldsWhatTheLoadOfItsFileHolds() throws Exception {
    Path csvRoot = tmp.resolve("csv");
    load(new OrdersGenerator(5, 3000).writeDay(csvRoot.resolve("data"), FIRST, FIRST), FIRST);
    ListAppender<ILoggingEvent> logs = logs();
    try (ActivityHarness streamed = Sources.harness(tmp.resolve("streamed"), jdbcSource());
        ActivityHarness fromFile = Sources.harness(tmp.resolve("file"), jdbcSource())) {
      IngestResult first = streamed.ingest.ingest(ActivityHarness.ref(FIRST));
      assertThat(loadedAsPulled(logs)).as("loaded as it was pulled").isTrue();
      Path extract = streamed.settings.dataRoot().resolve("pulled/" + FIRST + "/extract.csv");
      assertThat(streamed.dsl.fetchValue("select sha256 from meta.ingested_files", String.class))
          .isEqualTo(io.sluice.activities.support.Hashing.sha256Hex(extract));

      // the same extract in place beforehand: the pull finds it unchanged, ingest loads the file
      Path copy = fromFile.settings.dataRoot().resolve("pulled/" + FIRST + "/extract.csv");
      Files.createDirectories(copy.getParent());
      Files.copy(extract, copy);
      logs.list.clear();
      IngestResult second = fromFile.ingest.ingest(ActivityHarness.ref(FIRST));
      assertThat(loadedAsPulled(logs)).as("loaded from the file").isFalse();

      assertThat(first).isEqualTo(second);
      assertThat(first.rawRows()).isEqualTo(3000);
      assertThat(rawAndLedger(streamed)).hasSize(3001).isEqualTo(rawAndLedger(fromFile));
      Sources.stage(streamed, FIRST);
      Sources.stage(fromFile, FIRST);
      Outcome a = Outcome.of(streamed, true);
      Outcome b = Outcome.of(fromFile, true);
      assertThat(a.staged()).isEqualTo(b.staged());
      assertThat(a.quarantined()).isEqualTo(b.quarantined());
      assertThat(a.counts()).isEqualTo(b.counts());
    } finally {
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }
  }

  @Test
  void aPullThatFailsAfterRowsWentToRawLeavesRawAndTheLedgerAsTheyWere() throws Exception {
    load(new OrdersGenerator(5, 20_000).writeDay(tmp.resolve("csv"), FIRST, FIRST), FIRST);
    // rows come in index order, each computed as it is sent: the division fails past row 15,000,
    // after megabytes of rows went into raw's COPY
    src.execute("CREATE INDEX ON shop_orders (seq)");
    src.execute(
        "ALTER DATABASE \""
            + src.fetchValue("select current_database()")
            + "\" SET enable_sort = off");
    String failing =
        "SELECT order_id, customer_id, order_ts, amount, currency, status, category, country,"
            + " channel, quantity, seq, 1 / (15000 - seq) AS boom FROM shop_orders"
            + " WHERE received_at >= :start AND received_at < :end";
    try (ActivityHarness h = pulling("fails", failing)) {
      ApplicationFailure f = ingestFails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("SQLSTATE 22012")
          .contains("fix source.jdbc.query");
      assertNothingChanged(h);
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.ingested_files"))).isZero();
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.partition_versions"))).isZero();
      assertThat(sessions(0)).as("a failed pull keeps no connection").isEmpty();
    }
  }

  @Test
  void consecutivePullsOfASourceShareOneConnectionKeptBetweenThem() throws Exception {
    load(new OrdersGenerator(5, 300).writeDay(tmp.resolve("csv"), FIRST, FIRST), FIRST);
    try (ActivityHarness h = Sources.harness(tmp.resolve("kept"), jdbcSource())) {
      LoadedConfig config = Failures.config(h.settings, "orders");
      Pulls.pull(h.settings, config, FIRST, null, p -> {});
      List<Integer> kept = sessions(1);
      Pulls.pull(h.settings, config, FIRST, null, p -> {});
      assertThat(Pulls.present(h.settings, config, FIRST)).isTrue();
      assertThat(sessions(1)).as("the same session, read-only and idle").isEqualTo(kept);
      assertThat(src.fetchValue("SELECT state FROM pg_stat_activity WHERE pid = " + kept.get(0)))
          .as("kept with its transaction ended")
          .isEqualTo("idle");

      // the server closed it: the next pull opens another
      src.execute("SELECT pg_terminate_backend(" + kept.get(0) + ", 10000)");
      Pulls.pull(h.settings, config, FIRST, null, p -> {});
      assertThat(sessions(1)).doesNotContainAnyElementsOf(kept);
    }
  }

  @Test
  void aKeptConnectionIsSetUpAgainForEachPullWhateverTheLastOneLeftInIt() throws Exception {
    load(new OrdersGenerator(5, 300).writeDay(tmp.resolve("csv"), FIRST, FIRST), FIRST);
    src.execute(
        "ALTER DATABASE \""
            + src.fetchValue("select current_database()")
            + "\" SET TimeZone = 'America/New_York'");
    String columns =
        "SELECT order_id, customer_id, order_ts, amount, currency, status, category, country,"
            + " channel, quantity, seq, ";
    String window = " FROM shop_orders WHERE received_at >= :start AND received_at < :end";
    // two datasets' pulls from one source share its connection: one renders an instant, the
    // other's query changes its session's time zone for good
    try (ActivityHarness instants =
            Sources.harness(
                tmp.resolve("instants"),
                jdbcSource(
                    source.getJdbcUrl(),
                    source.getUsername(),
                    columns + "received_at" + window,
                    ""));
        ActivityHarness zone =
            Sources.harness(
                tmp.resolve("zone"),
                jdbcSource(
                    source.getJdbcUrl(),
                    source.getUsername(),
                    columns + "set_config('TimeZone', 'Asia/Tokyo', false) AS zone" + window,
                    ""))) {
      LoadedConfig config = Failures.config(instants.settings, "orders");
      Path extract = instants.settings.dataRoot().resolve("pulled/" + FIRST + "/extract.csv");
      assertThat(Pulls.present(instants.settings, config, FIRST)).isTrue();
      Pulls.pull(instants.settings, config, FIRST, null, p -> {});
      String first = Files.readString(extract);
      assertThat(first).as("in UTC after a probe").contains("," + FIRST + "T06:00:00+00:00\n");

      Pulls.pull(zone.settings, Failures.config(zone.settings, "orders"), FIRST, null, p -> {});
      Pulls.pull(instants.settings, config, FIRST, null, p -> {});
      assertThat(sessions(1)).as("one connection all along").hasSize(1);
      assertThat(Files.readString(extract)).as("in UTC after the other query").isEqualTo(first);
    }
  }

  @Test
  void aSourceKeepsItsConnectionForKeepIdleSecondsOrNotAtAll() throws Exception {
    load(new OrdersGenerator(5, 300).writeDay(tmp.resolve("csv"), FIRST, FIRST), FIRST);
    try (ActivityHarness h =
        Sources.harness(tmp.resolve("none"), jdbcSource() + "    keep_idle_seconds: 0\n")) {
      Pulls.pull(h.settings, Failures.config(h.settings, "orders"), FIRST, null, p -> {});
      assertThat(sessions(0)).as("closed after the pull").isEmpty();
    }
    try (ActivityHarness h =
        Sources.harness(tmp.resolve("brief"), jdbcSource() + "    keep_idle_seconds: 1\n")) {
      Pulls.pull(h.settings, Failures.config(h.settings, "orders"), FIRST, null, p -> {});
      assertThat(src.fetch(SESSIONS).size()).as("kept after the pull").isOne();
      assertThat(sessions(0)).as("closed once idle for a second").isEmpty();
    }
  }

  static final String SESSIONS =
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
          + " AND application_name = 'sluice' ORDER BY pid";

  /** The source's sessions that pulls opened, once there are {@code expected} (within 10 s). */
  private List<Integer> sessions(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<Integer> pids = src.fetch(SESSIONS).getValues(0, Integer.class);
    while (pids.size() != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      pids = src.fetch(SESSIONS).getValues(0, Integer.class);
    }
    assertThat(pids).hasSize(expected);
    return pids;
  }

  @Test
  void aSecondPullOfTheSameDayWhileOneIsWritingIsRefusedAndRetried() throws Exception {
    load(new OrdersGenerator(5, 20_000).writeDay(tmp.resolve("csv"), FIRST, FIRST), FIRST);
    try (ActivityHarness h = Sources.harness(tmp.resolve("race"), jdbcSource())) {
      LoadedConfig config = Failures.config(h.settings, "orders");
      Throwable[] second = new Throwable[1];
      // while the first pull writes (2 MB, more than it hands its reader ahead of time, so it is
      // still writing), a second one starts: an attempt whose heartbeats stopped, and its retry
      Pulls.Read<Long> read =
          Pulls.pullReading(
              h.settings,
              config,
              FIRST,
              p -> {},
              in -> {
                byte[] buf = new byte[1 << 16];
                long n = in.read(buf);
                second[0] =
                    catchThrowable(() -> Pulls.pull(h.settings, config, FIRST, null, p -> {}));
                for (int k; (k = in.read(buf)) >= 0; ) {
                  n += k;
                }
                return n;
              });
      assertThat(second[0])
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another pull of the same partition is writing")
          .hasMessageContaining("will be retried");
      Path extract = h.settings.dataRoot().resolve("pulled/" + FIRST + "/extract.csv");
      assertThat(read.failure()).isNull();
      assertThat(read.result()).isEqualTo(Files.size(extract));
      assertThat(read.pulled().sha256())
          .isEqualTo(io.sluice.activities.support.Hashing.sha256Hex(extract));
      assertThat(read.pulled().rows()).isEqualTo(20_000);
      assertThat(sessions(1)).as("the refused pull closed its connection").hasSize(1);
    }
  }

  @Test
  void aQueryWithoutARequiredColumnIsRefusedAsAFileWithoutOneIs() throws Exception {
    load(new OrdersGenerator(5, 300).writeDay(tmp.resolve("csv"), FIRST, FIRST), FIRST);
    String noOrderId =
        "SELECT customer_id, order_ts, amount, currency, status, category, country,"
            + " channel, quantity, seq FROM shop_orders"
            + " WHERE received_at >= :start AND received_at < :end";
    try (ActivityHarness h = pulling("header", noOrderId)) {
      ApplicationFailure f = ingestFails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
      assertThat(f.getOriginalMessage())
          .contains("extract.csv")
          .contains("required column(s) missing from the header: [order_id]");
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
      Path extract = h.settings.dataRoot().resolve("pulled/" + FIRST + "/extract.csv");
      assertThat(
              h.dsl.fetchValue(
                  "select concat_ws(' ', state, sha256) from meta.ingested_files", String.class))
          .isEqualTo("rejected " + io.sluice.activities.support.Hashing.sha256Hex(extract));
    }
  }

  @Test
  void theWindowIsWrittenAsLiteralsForCopy() {
    assertThat(
            JdbcPull.literal(
                "select x::date, ':start' from t where a >= :start and a < :end and d = :date"
                    + " and j ? 'k';",
                FIRST))
        .isEqualTo(
            "select x::date, ':start' from t where a >= '2024-03-01T00:00:00Z'::timestamptz and"
                + " a < '2024-03-02T00:00:00Z'::timestamptz and d = '2024-03-01'::date and j ?"
                + " 'k'");
  }

  @Test
  void namedParametersOutsideQuotesAreBound() {
    JdbcPull.Bound b =
        JdbcPull.bind(
            "select x::date, ':start' as s from t where a >= :start and a < :end and d = :date;",
            java.util.List.of("id"));
    assertThat(b.sql())
        .isEqualTo(
            "SELECT * FROM (select x::date, ':start' as s from t where a >= ? and a < ? and d = ?)"
                + " sluice_pull ORDER BY id");
    assertThat(b.parameters()).containsExactly("start", "end", "date");
  }
}
