package io.sluice.activities.ingest;

import java.util.Locale;

/**
 * A file that cannot be read as the dataset's records: which file, which line (a Parquet file's row
 * number), what is wrong.
 */
public final class FileProblem extends RuntimeException {

  /** What is wrong with the file as a whole, and what its owner can do about it. */
  public enum Kind {
    EMPTY_FILE(
        "The file has no bytes: its producer may have failed or still be writing it. Put the"
            + " complete file in its place."),
    HEADER_ONLY(
        "The file has a header and no rows. Put the day's complete file in its place. If days"
            + " without rows are normal for this dataset, set source.allow_header_only: true in its"
            + " pipeline file, so that later ones load."),
    MISSING_COLUMNS(
        "The first line must be a header naming every required column, in any order. Export the"
            + " file again with its header, or with the columns that are missing."),
    DUPLICATE_HEADER(
        "Each column may be named once in the header. Export the file again without the repeated"
            + " column, or rename one of them."),
    NOT_UTF8(
        "The file must be UTF-8. Export it again as UTF-8, or convert it (for one in Latin-1:"
            + " iconv -f latin1 -t utf-8)."),
    UNTERMINATED_QUOTE(
        "A quoted field opens at this line and never closes. Fix the quoting: a field holding a"
            + " comma, quote or line break is enclosed in double quotes, and a quote inside it is"
            + " doubled."),
    BAD_QUOTING(
        "A quoted field is followed by more text before the next comma. Fix the quoting: a quote"
            + " inside a quoted field is doubled."),
    NUL_CHARACTER(
        "The file holds a NUL byte, which no text column can hold: it may be binary, truncated or"
            + " in UTF-16. Export it again as UTF-8 text."),
    RECORD_TOO_LONG(
        "One record is longer than 16 MiB: most likely a quote that is never closed, or a file"
            + " that is not CSV. Fix the quoting or replace the file."),
    TOO_MANY_FIELDS(
        "One record has more than 2,000 fields (keys of a JSON object): most likely a file that is"
            + " not this dataset's, or a CSV with another delimiter. Replace the file."),
    DECOMPRESSED_TOO_LARGE(
        "The compressed file inflates past the limits: replace it. If files this large are"
            + " genuine, raise source.max_decompressed_size or source.max_compression_ratio in the"
            + " pipeline file, so that later ones load."),
    NOT_JSON(
        "Each line of a JSON Lines file must be one JSON value, an object. Fix the line or export"
            + " the file again (one object per line, no trailing comma, no pretty-printing)."),
    NOT_AN_OBJECT(
        "Each line of a JSON Lines file must be a JSON object ({\"column\": value, ...}), not an"
            + " array, string or number. Export the file again with one object per line."),
    DUPLICATE_KEY(
        "A JSON object names the same key twice, so which value counts is ambiguous. Export the"
            + " file again with each key once per line."),
    LINE_TOO_LONG(
        "One line is longer than 16 MiB: most likely a file that is not JSON Lines (a pretty-printed"
            + " JSON document or a binary file). Replace the file."),
    NOT_PARQUET(
        "The file is not a complete Parquet file: it may be truncated, still being written or of"
            + " another format. Put the complete file in its place."),
    TYPE_MISMATCH(
        "A Parquet column's type cannot hold the type the pipeline declares for it. Write the column"
            + " with a matching type, or declare the column as text (or the type the file holds)."),
    ROW_GROUP_TOO_LARGE(
        "A Parquet row group is larger than a worker holds at once (128 MiB compressed). Write the"
            + " file with smaller row groups (pyarrow: row_group_size; Spark:"
            + " parquet.block.size)."),
    UNREADABLE(
        "The file could not be read: check that it is complete, that the worker may read it, and"
            + " that the disk is healthy.");

    private final String whatToDo;

    Kind(String whatToDo) {
      this.whatToDo = whatToDo;
    }

    /**
     * What to do about a file refused for this. The refusal of its bytes is final: a run of the
     * same partition refuses them again, whatever the config says by then.
     */
    public String whatToDo() {
      return whatToDo;
    }

    /** As messages and reports name it: {@code missing_columns}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String file;
  private final long line;
  private final Kind kind;

  FileProblem(String file, long line, Kind kind, String detail, Throwable cause) {
    super(file + " line " + line + ": " + kind.label() + ": " + detail, cause);
    this.file = file;
    this.line = line;
    this.kind = kind;
  }

  /** Where a problem is, read back from its message ({@code <file> line <n>: <kind>: ...}). */
  public record Where(long line, Kind kind) {}

  /**
   * The line and kind of a problem with {@code file}, from its message: a refused file's ledger row
   * keeps only the message. Null when the message is not one of a problem with that file.
   */
  public static Where locate(String file, String message) {
    String prefix = file + " line ";
    if (message == null || !message.startsWith(prefix)) {
      return null;
    }
    String[] rest = message.substring(prefix.length()).split(": ", 3);
    if (rest.length < 2) {
      return null;
    }
    try {
      return new Where(Long.parseLong(rest[0]), Kind.valueOf(rest[1].toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return null;
    }
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
