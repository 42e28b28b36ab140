package io.sluice.activities.ingest;

/** A file that cannot be read as the dataset's CSV: which file, which line, what is wrong. */
public final class CsvFileProblem extends RuntimeException {

  /** What is wrong with the file as a whole. */
  public enum Kind {
    EMPTY_FILE,
    HEADER_ONLY,
    MISSING_COLUMNS,
    DUPLICATE_HEADER,
    NOT_UTF8,
    UNTERMINATED_QUOTE,
    BAD_QUOTING,
    NUL_CHARACTER,
    RECORD_TOO_LONG,
    TOO_MANY_FIELDS,
    DECOMPRESSED_TOO_LARGE,
    UNREADABLE
  }

  private final String file;
  private final long line;
  private final Kind kind;

  CsvFileProblem(String file, long line, Kind kind, String detail, Throwable cause) {
    super(file + " line " + line + ": " + kind.name().toLowerCase() + ": " + detail, cause);
    this.file = file;
    this.line = line;
    this.kind = kind;
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }

  public Kind kind() {
    return kind;
  }
}
