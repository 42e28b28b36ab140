package io.sluice.activities.support;

import java.sql.SQLException;
import org.postgresql.copy.CopyOut;

/** Ending a {@code COPY ... TO STDOUT} that its reader stopped reading. */
public final class CopyOuts {

  private CopyOuts() {}

  /**
   * Reads the rest of {@code copy} and discards it, so that its connection can run the next
   * statement: the driver's {@code cancelCopy} leaves what the server sent after it unread on the
   * connection, where the next statement on it (a pooled connection's next borrower) reads it as
   * its own results; and a cancel request is a signal that can reach the backend after the copy
   * ended and fail whatever the connection runs next. Call it where a reader stops early (a
   * failure); it returns at once when the copy has ended.
   */
  public static void drain(CopyOut copy) throws SQLException {
    while (copy != null && copy.isActive() && copy.readFromCopy() != null) {
      // discard
    }
  }
}
