package io.sluice.activities.support;

import io.sluice.activities.config.BadConfigException;
import io.sluice.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;

/**
 * What an activity's failure may carry out of the worker: into the Temporal history (a gRPC message
 * of at most 4 MB), the ledger and the logs. Every message in its chain is bounded, and a database
 * error that no retry can fix (bad data, a value past a limit) is not retried.
 */
public final class FailureBounds {

  /** The most characters of one message; more is cut, saying how much. */
  public static final int MAX_MESSAGE = 2_000;

  /** How many causes a failure keeps. */
  static final int MAX_CAUSES = 8;

  private FailureBounds() {}

  /** {@code e} itself when it is within the bounds and typed right, else a bounded copy. */
  public static RuntimeException bound(RuntimeException e) {
    if (e instanceof BadConfigException) {
      // wherever a config is loaded, a bad one is fixed by a person, not by a retry
      return ApplicationFailure.newNonRetryableFailure(
          cut(e.getMessage()), FailureTypes.BAD_CONFIG);
    }
    String dataError = deterministicSqlState(e);
    if (dataError != null && !(e instanceof ApplicationFailure)) {
      ApplicationFailure f =
          ApplicationFailure.newNonRetryableFailureWithCause(
              databaseError(e) + " (the same data fails the same way, so this is not retried)",
              FailureTypes.DATA_ERROR,
              bounded(e.getCause(), 1));
      f.setStackTrace(e.getStackTrace());
      return f;
    }
    if (within(e)) {
      return e;
    }
    ApplicationFailure f;
    if (e instanceof ApplicationFailure a) {
      f =
          a.isNonRetryable()
              ? ApplicationFailure.newNonRetryableFailureWithCause(
                  cut(a.getOriginalMessage()), a.getType(), bounded(a.getCause(), 1))
              : ApplicationFailure.newFailureWithCause(
                  cut(a.getOriginalMessage()), a.getType(), bounded(a.getCause(), 1));
    } else {
      f =
          ApplicationFailure.newFailureWithCause(
              cut(e.getMessage()), e.getClass().getName(), bounded(e.getCause(), 1));
    }
    f.setStackTrace(e.getStackTrace());
    return f;
  }

  /**
   * The database's own words for an error, without the statement a driver or jOOQ wraps them in:
   * {@code ERROR: division by zero (SQLSTATE 22012)}; the message itself when there is none.
   */
  public static String databaseError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return cut(s.getMessage()) + " (SQLSTATE " + s.getSQLState() + ")";
      }
    }
    return cut(String.valueOf(e.getMessage()));
  }

  /** A message cut to {@link #MAX_MESSAGE} characters. */
  public static String cut(String message) {
    if (message == null || message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE)
        + "... ("
        + (message.length() - MAX_MESSAGE)
        + " more characters)";
  }

  private static boolean within(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (++depth > MAX_CAUSES
          || (t.getMessage() != null && t.getMessage().length() > MAX_MESSAGE)) {
        return false;
      }
    }
    return true;
  }

  /** The chain from {@code t} on, each message cut, as plain exceptions (no details). */
  private static Throwable bounded(Throwable t, int depth) {
    if (t == null || depth > MAX_CAUSES) {
      return null;
    }
    RuntimeException copy =
        new RuntimeException(
            t.getClass().getName() + ": " + cut(t.getMessage()), bounded(t.getCause(), depth + 1));
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /**
   * The SQLSTATE of a database error that the same data always raises again: a data exception
   * (class 22: a value out of range, a division by zero, a bad regular expression) or a program
   * limit (class 54: a value too large for an index entry). Null for anything else, which is
   * retried.
   */
  public static String deterministicSqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        return state.startsWith("22") || state.startsWith("54") ? state : null;
      }
    }
    return null;
  }
}
