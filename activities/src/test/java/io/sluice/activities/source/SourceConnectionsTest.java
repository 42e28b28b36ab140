package io.sluice.activities.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.db.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connections a worker keeps to its jdbc sources, on real PostgreSQL connections: taken again
 * only under their own source's key, replaced when the server no longer answers on them, ended
 * transactions, and closed past the idle limit, when their time is up, when they are too old to
 * keep, or at once when a source keeps none.
 */
class SourceConnectionsTest {

  static final Duration MINUTE = Duration.ofMinutes(1);
  static final Duration HOUR = Duration.ofHours(1);

  HikariDataSource db;
  DSLContext dsl;

  @BeforeEach
  void database() {
    db = TestDatabases.empty();
    dsl = DSL.using(db, SQLDialect.POSTGRES);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(db.getJdbcUrl(), db.getUsername(), db.getPassword());
    c.setAutoCommit(false);
    return c;
  }

  private String key(String password) {
    return SourceConnections.key(db.getJdbcUrl(), db.getUsername(), password);
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static SourceConnections.Opener none() {
    return () -> fail("opened a connection where a kept one should have been taken");
  }

  @Test
  void aConnectionGivenBackIsTakenAgainUnderItsOwnKeyOnly() throws Exception {
    SourceConnections kept = new SourceConnections(4, HOUR);
    Connection c = kept.take(key("first-password"), this::open);
    Connection meanwhile = kept.take(key("first-password"), this::open);
    assertThat(meanwhile).as("two pulls at once, two connections").isNotSameAs(c);
    kept.discard(meanwhile);
    assertThat(meanwhile.isClosed()).isTrue();
    kept.giveBack(key("first-password"), c, MINUTE);
    assertThat(kept.idleCount()).isOne();

    // another password (or user, or URL) is another source: a connection of its own
    Connection other = kept.take(key("rotated-password"), this::open);
    assertThat(other).isNotSameAs(c);
    assertThat(kept.take(key("first-password"), none())).isSameAs(c);
    assertThat(kept.idleCount()).isZero();
    assertThat(key("first-password")).doesNotContain("first-password");
    kept.discard(c);
    kept.discard(other);
  }

  @Test
  void aKeptConnectionTheServerClosedIsReplacedByANewOne() throws Exception {
    SourceConnections kept = new SourceConnections(4, HOUR);
    Connection c = kept.take(key("pw"), this::open);
    int pid = pid(c);
    kept.giveBack(key("pw"), c, MINUTE);
    dsl.execute("SELECT pg_terminate_backend(" + pid + ", 10000)"); // gone when it returns

    Connection next = kept.take(key("pw"), this::open);
    assertThat(next).isNotSameAs(c);
    assertThat(c.isClosed()).isTrue();
    assertThat(pid(next)).isNotEqualTo(pid);
    kept.discard(next);
  }

  @Test
  void aConnectionIsGivenBackWithItsTransactionEnded() throws Exception {
    SourceConnections kept = new SourceConnections(4, HOUR);
    Connection c = kept.take(key("pw"), this::open);
    int pid = pid(c); // opens a transaction (auto-commit is off)
    assertThat(state(pid)).isEqualTo("idle in transaction");
    kept.giveBack(key("pw"), c, MINUTE);
    assertThat(state(pid)).isEqualTo("idle");
    kept.closeIdle();
    assertThat(c.isClosed()).isTrue();
  }

  private String state(int pid) {
    return dsl.fetchOne("SELECT state FROM pg_stat_activity WHERE pid = " + pid)
        .get(0, String.class);
  }

  @Test
  void theOldestIdleConnectionIsClosedPastTheLimit() throws Exception {
    SourceConnections kept = new SourceConnections(2, HOUR);
    Connection first = open();
    Connection second = open();
    Connection third = open();
    kept.giveBack(key("a"), first, MINUTE);
    kept.giveBack(key("b"), second, MINUTE);
    kept.giveBack(key("c"), third, MINUTE);
    assertThat(kept.idleCount()).isEqualTo(2);
    assertThat(first.isClosed()).isTrue();
    assertThat(second.isClosed()).isFalse();
    kept.closeIdle();
    assertThat(second.isClosed()).isTrue();
    assertThat(third.isClosed()).isTrue();
  }

  @Test
  void anIdleConnectionIsClosedWhenItsTimeIsUpAndAtOnceWhenASourceKeepsNone() throws Exception {
    SourceConnections kept = new SourceConnections(4, HOUR);
    Connection brief = open();
    kept.giveBack(key("pw"), brief, Duration.ofMillis(200));
    assertThat(kept.idleCount()).isOne();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!brief.isClosed() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(brief.isClosed()).as("closed once its idle time was up").isTrue();
    assertThat(kept.idleCount()).isZero();

    Connection none = open();
    kept.giveBack(key("pw"), none, Duration.ZERO);
    assertThat(none.isClosed()).isTrue();
    assertThat(kept.idleCount()).isZero();
  }

  @Test
  void aConnectionOpenLongerThanTheMostAConnectionIsKeptIsClosedWhenGivenBack() throws Exception {
    SourceConnections kept = new SourceConnections(4, Duration.ofMillis(100));
    Connection old = kept.take(key("pw"), this::open);
    Thread.sleep(200);
    kept.giveBack(key("pw"), old, MINUTE);
    assertThat(old.isClosed()).isTrue();
    assertThat(kept.idleCount()).isZero();
  }
}
