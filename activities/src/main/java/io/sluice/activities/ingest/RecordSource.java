package io.sluice.activities.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The records of one partition file, in its format, read one at a time: the loader asks for the
 * next record and has it encode itself as a raw row. Every format gives the same raw row: the
 * record's line (a Parquet row's number), each declared column's text as received (null when the
 * record lacks it), the record's other fields as a JSON object, and its field count.
 */
interface RecordSource extends Closeable {

  /**
   * The names the file gives its fields: a CSV file's header line, a JSON Lines file's first
   * record's keys, a Parquet file's top-level columns; empty for a file without records.
   */
  List<String> header();

  /** Reads the next record; false at the end of the file. */
  boolean next() throws IOException;

  /** The line the current record starts on (for Parquet, the row's number, from 1). */
  long recordLine();

  /** The line the current record ends on. */
  long lastLine();

  /**
   * Writes the current record as one raw row after its line number: the declared columns in the
   * loader's order, the other fields as JSON (NULL when there are none), the field count.
   *
   * @throws FileProblem when the record holds what raw cannot (a NUL character)
   */
  void encode(CopyTextEncoder out) throws IOException;

  /** The SHA-256 of every byte of the file, read to its end; called once, after the records. */
  String sha256() throws IOException;
}
