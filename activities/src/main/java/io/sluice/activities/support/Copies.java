package io.sluice.activities.support;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOperation;
import org.postgresql.copy.CopyOut;

/** Ending a COPY that stopped early: read to its end, or its connection dropped. */
public final class Copies {

  private Copies() {}

  /**
   * Reads the rest of {@code copy} and discards it, so that its connection can run the next
   * statement: the driver's {@code cancelCopy} leaves what the server sent after it unread on the
   * connection, where the next statement on it (a pooled connection's next borrower) reads it as
   * its own results; and a cancel request is a signal that can reach the backend after the copy
   * ended and fail whatever the connection runs next. Call it where a reader stops early (a
   * failure); it returns at once when the copy has ended.
   */
  private static void drain(CopyOut copy) throws SQLException {
    while (copy != null && copy.isActive() && copy.readFromCopy() != null) {
      // discard
    }
  }

  /**
   * {@link #drain(CopyOut)} for a copy on the pooled connection {@code connection}: when the copy
   * cannot be read to its end, {@link #release} drops the connection.
   */
  public static void drain(CopyOut copy, Connection connection) throws SQLException {
    try {
      drain(copy);
    } catch (SQLException | RuntimeException e) {
      release(copy, connection, e);
      throw e;
    }
  }

  /**
   * After {@code copy} stopped early on the pooled connection {@code connection} with {@code
   * failure}. When the server cut the copy off (PostgreSQL restarted, the backend was terminated),
   * the connection is gone, and the driver may still hold it for the copy, so that any later
   * statement on it would wait for the copy forever: the pool's next borrower would hang. Such a
   * connection is aborted, and the pool drops it. A copy that failed on its data (which ends it)
   * leaves its connection as it is. What aborting throws is added to {@code failure} (when there is
   * one).
   */
  public static void release(CopyOperation copy, Connection connection, Throwable failure) {
    if (copy == null || !(copy.isActive() || lost(failure))) {
      return;
    }
    try {
      connection.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      suppress(failure, e);
      return;
    }
    try {
      // a statement on the aborted connection fails as closed (08003), which marks it for the
      // pool to drop rather than hand out again
      connection.clearWarnings();
    } catch (SQLException expected) {
      // what marks it
    }
  }

  /**
   * Whether {@code failure} says the connection is gone: a connection exception (SQLSTATE class 08,
   * which the driver reports for a broken socket) or the server ending the session (57P01-03).
   */
  static boolean lost(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException q && q.getSQLState() != null) {
        String state = q.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P0")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Copies all of {@code in} with {@code sql} (a {@code COPY ... FROM STDIN}) on the pooled
   * connection {@code connection}, as the driver's {@code CopyManager.copyIn} does, and returns the
   * rows copied; a copy that fails is ended by {@link #cancel}.
   */
  public static long copyIn(Connection connection, String sql, InputStream in)
      throws SQLException, IOException {
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (n > 0) {
          copy.writeToCopy(buffer, 0, n);
        }
      }
      return copy.endCopy();
    } catch (SQLException | IOException | RuntimeException e) {
      cancel(copy, connection, e);
      throw e;
    }
  }

  /**
   * Ends a {@code COPY ... FROM STDIN} that stopped early on the pooled connection {@code
   * connection}: cancelled when still active, and the connection dropped as {@link #release} says
   * when the server cut it off. What that throws is added to {@code failure} (when there is one).
   */
  public static void cancel(CopyIn copy, Connection connection, Throwable failure) {
    if (copy != null && copy.isActive()) {
      try {
        copy.cancelCopy();
      } catch (SQLException e) {
        suppress(failure, e);
      }
    }
    release(copy, connection, failure);
  }

  private static void suppress(Throwable failure, Exception e) {
    if (failure != null) {
      failure.addSuppressed(e);
    }
  }
}
