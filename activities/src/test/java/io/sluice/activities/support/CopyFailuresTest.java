package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import io.sluice.db.TestDatabases;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * A COPY that the server cuts off (PostgreSQL restarted, the backend terminated) leaves a dead
 * connection, which the driver may still hold for the copy, so that any statement on it waits for
 * the copy forever. Such a connection must never reach the pool's next borrower.
 */
class CopyFailuresTest {

  @Test
  void aCopyOutCutOffByTheServerDoesNotHangTheConnectionsNextBorrower() throws Exception {
    try (HikariDataSource owner = TestDatabases.empty();
        HikariDataSource one = poolOfOne(owner)) {
      try (Connection c = one.getConnection()) {
        int pid = pid(c);
        CopyOut copy =
            c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyOut("COPY (SELECT g FROM generate_series(1, 10000000) g) TO STDOUT");
        assertThat(copy.readFromCopy()).isNotNull();
        terminate(owner, pid);
        Throwable t = catchThrowable(() -> Copies.drain(copy, c));
        assertThat(t).as("the copy reports the lost connection").isInstanceOf(SQLException.class);
      }
      assertThat(selectOne(one)).as("the pool's next connection works").isEqualTo(1);
    }
  }

  /** A COPY FROM STDIN (a raw load, the staged rows) whose backend goes while rows are sent. */
  @Test
  void aConnectionLostInACopyInIsNotHandedToTheNextBorrower() throws Exception {
    try (HikariDataSource owner = TestDatabases.empty();
        HikariDataSource one = poolOfOne(owner)) {
      try (Connection c = one.getConnection()) {
        c.createStatement().execute("create table t (v text)");
        int pid = pid(c);
        InputStream rows =
            new InputStream() {
              private long sent;

              @Override
              public int read() {
                throw new UnsupportedOperationException();
              }

              @Override
              public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (sent == 0) {
                  try {
                    terminate(owner, pid);
                    Thread.sleep(200);
                  } catch (SQLException | InterruptedException e) {
                    throw new java.io.IOException(e);
                  }
                }
                if (sent > (64 << 20)) {
                  return -1;
                }
                java.util.Arrays.fill(b, off, off + len, (byte) '\n');
                sent += len;
                return len;
              }
            };
        Throwable t = catchThrowable(() -> Copies.copyIn(c, "COPY t FROM STDIN", rows));
        assertThat(t).as("the copy reports the lost connection").isInstanceOf(SQLException.class);
      }
      assertThat(selectOne(one)).as("the pool's next connection works").isEqualTo(1);
    }
  }

  /** A pool of one connection to {@code owner}'s database: its next borrower gets the same one. */
  private static HikariDataSource poolOfOne(HikariDataSource owner) {
    return Database.open(
        new DbSettings(owner.getJdbcUrl(), owner.getUsername(), owner.getPassword(), 1));
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static void terminate(HikariDataSource owner, int pid) throws SQLException {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      s.execute("select pg_terminate_backend(" + pid + ")");
    }
  }

  /** {@code select 1} on a connection of {@code pool}, failing the test after 30 s. */
  private static int selectOne(HikariDataSource pool) throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> result =
          executor.submit(
              () -> {
                try (Connection c = pool.getConnection();
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select 1")) {
                  r.next();
                  return r.getInt(1);
                }
              });
      return result.get(30, TimeUnit.SECONDS);
    } finally {
      executor.shutdownNow();
    }
  }
}
