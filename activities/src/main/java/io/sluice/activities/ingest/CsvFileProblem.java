package io.sluice.activities.ingest;

/** A file that cannot be read as the dataset's CSV; names the file and line. */
final class CsvFileProblem extends RuntimeException {

  CsvFileProblem(String message, Throwable cause) {
    super(message, cause);
  }
}
