package io.sluice.activities.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.Sources;
import io.sluice.activities.Sources.Outcome;
import io.sluice.db.RealMariaDb;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code jdbc} source on the MariaDB server scripts/dev-services starts: the orders of a CSV
 * drop, pulled per day with a query, stage the same rows as the drop; a wrong password and a
 * missing table are one clear {@code BadConfig} each.
 */
@RealMariaDb
class MariaDbSourceTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 2;
  static final List<String> COLUMNS = OrdersGenerator.COLUMNS;

  @TempDir Path tmp;
  final String url = System.getenv("SLUICE_MARIADB_URL");
  final String user = System.getenv("SLUICE_MARIADB_USER");
  final String table = "shop_orders_" + UUID.randomUUID().toString().substring(0, 8);
  Path secret;

  @BeforeEach
  void sourceTable() throws Exception {
    secret = tmp.resolve("mariadb_password");
    Files.writeString(secret, System.getenv("SLUICE_MARIADB_PASSWORD"));
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + table
              + " ("
              + String.join(" text, ", COLUMNS)
              + " text, received_at datetime NOT NULL, seq bigint NOT NULL)");
    }
  }

  @AfterEach
  void dropTable() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(url, user, System.getenv("SLUICE_MARIADB_PASSWORD"));
  }

  private String source(String query) {
    return Sources.jdbc(url, user, secret, query, "");
  }

  private String query() {
    return "SELECT "
        + String.join(", ", COLUMNS)
        + ", seq FROM "
        + table
        + " WHERE received_at >= :start AND received_at < :end";
  }

  /** The day's CSV rows into the table, received at 06:00 UTC that day, in the file's order. */
  private void load(Path csv, LocalDate day, long firstSeq) throws Exception {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        Reader r = Files.newBufferedReader(csv);
        CSVParser p = CSVFormat.RFC4180.builder().setHeader().get().parse(r)) {
      long seq = firstSeq;
      for (CSVRecord rec : p) {
        for (int i = 0; i < COLUMNS.size(); i++) {
          ps.setString(i + 1, rec.get(COLUMNS.get(i)));
        }
        ps.setObject(11, day.atTime(6, 0));
        ps.setLong(12, seq++);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Test
  void theOrdersOfACsvDropPulledFromMariaDbStageTheSameRows() throws Exception {
    Path csvRoot = tmp.resolve("csv");
    OrdersGenerator gen = new OrdersGenerator(5, 250);
    for (int i = 0; i < DAYS; i++) {
      load(
          gen.writeDay(csvRoot.resolve("data"), FIRST, FIRST.plusDays(i)),
          FIRST.plusDays(i),
          i * 1000L);
    }
    Outcome csv;
    try (ActivityHarness h = Sources.harness(csvRoot, null)) {
      Sources.stage(h, FIRST, DAYS);
      csv = Outcome.of(h, false, false);
    }
    try (ActivityHarness h = Sources.harness(tmp.resolve("jdbc"), source(query()))) {
      Sources.stage(h, FIRST, DAYS);
      Outcome pulled = Outcome.of(h, false, false);
      assertThat(pulled.staged()).isEqualTo(csv.staged());
      assertThat(pulled.quarantined()).isEqualTo(csv.quarantined());
      assertThat(pulled.counts()).isEqualTo(csv.counts());
    }
  }

  @Test
  void aWrongPasswordIsABadConfigThatNeverShowsIt() throws Exception {
    Files.writeString(secret, "wrong-password-x");
    try (ActivityHarness h = Sources.harness(tmp.resolve("creds"), source(query()))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("refused the credentials: check source.jdbc.user and the password in " + secret)
          .doesNotContain("wrong-password-x");
    }
  }

  @Test
  void aMissingTableIsABadConfig() throws Exception {
    try (ActivityHarness h =
        Sources.harness(tmp.resolve("table"), source(query().replace(table, table + "_gone")))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("the query failed (SQLSTATE 42S02)")
          .contains(table + "_gone");
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
    }
  }

  private static ApplicationFailure fails(ActivityHarness h) {
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(FIRST)));
    return (ApplicationFailure) t.getCause();
  }
}
