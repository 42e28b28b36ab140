package io.sluice.workflows;

import java.util.List;

/** The typed failures of a Sluice run; all but transient SQL/connection errors are final. */
public final class FailureTypes {

  /** An error-level expectation failed; the message names the report. */
  public static final String VALIDATION_FAILED = "ValidationFailed";

  /** The partition directory or its files are not there. */
  public static final String SOURCE_MISSING = "SourceMissing";

  /** The partition's files did not arrive before the run's deadline: late data, not a bug. */
  public static final String SOURCE_LATE = "SourceLate";

  /** The pipeline config is missing or invalid; the message names the key. */
  public static final String BAD_CONFIG = "BadConfig";

  /** The request itself is unusable (bad dataset name, bad date). */
  public static final String BAD_REQUEST = "BadRequest";

  /** A file cannot be read as the dataset's CSV (encoding, header, quoting). */
  public static final String BAD_INPUT = "BadInput";

  /** Staged counts did not add up to the raw rows: a bug, never papered over. */
  public static final String RECONCILIATION_FAILED = "ReconciliationFailed";

  /** Writing reports or exports failed in a way a retry cannot fix (permissions, bad path). */
  public static final String OUTPUT_FAILED = "OutputFailed";

  /**
   * A database error the same data raises again (a value out of range, too large for an index
   * entry, a division by zero in a SQL feature): retrying cannot help; the message says where.
   */
  public static final String DATA_ERROR = "DataError";

  /** Failure types no retry can fix: activities stop at once on these. */
  public static final List<String> NON_RETRYABLE =
      List.of(
          VALIDATION_FAILED,
          SOURCE_MISSING,
          SOURCE_LATE,
          BAD_CONFIG,
          BAD_REQUEST,
          BAD_INPUT,
          RECONCILIATION_FAILED,
          OUTPUT_FAILED,
          DATA_ERROR);

  private FailureTypes() {}
}
