package io.sluice.activities.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.ingest.CsvFileProblem.Kind;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.core.BaseConnection;

/**
 * Streams one CSV file (plain or gzip) into a raw table with COPY. Records are parsed one at a time
 * and written straight into the COPY stream, committed every {@code chunkRows} rows, so memory does
 * not grow with the file and a retry can resume after the last committed line.
 */
final class RawCsvLoader {

  private static final CSVFormat INPUT =
      CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

  /** COPY's CSV: every value quoted, so an empty field stays '' and only a missing one is NULL. */
  private static final CSVFormat COPY_CSV = CSVFormat.POSTGRESQL_CSV;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Told after each committed chunk: the last line now in raw and the rows this call added. */
  interface ChunkListener {
    void committed(long lastLine, long rows);
  }

  private final List<String> columns;
  private final int chunkRows;

  /**
   * @param columns the raw table's text columns, in COPY order after (file_id, line_no)
   */
  RawCsvLoader(List<String> columns, int chunkRows) {
    this.columns = columns;
    this.chunkRows = chunkRows;
  }

  /** The header, BOM stripped and names trimmed; an empty list for an empty file. */
  static List<String> readHeader(Path file) {
    try (CSVParser parser = CSVParser.parse(reader(file), INPUT)) {
      Iterator<CSVRecord> it = parser.iterator();
      return it.hasNext() ? header(it.next()) : List.of();
    } catch (IOException | UncheckedIOException e) {
      throw problem(file, 1, e);
    }
  }

  /** Whether the file has at least one record after its header. */
  static boolean hasRecords(Path file) {
    try (CSVParser parser = CSVParser.parse(reader(file), INPUT)) {
      Iterator<CSVRecord> it = parser.iterator();
      return it.hasNext() && it.next() != null && it.hasNext();
    } catch (IOException | UncheckedIOException e) {
      throw problem(file, 2, e);
    }
  }

  /**
   * Appends the records of {@code file} that start after line {@code resumeAfter} to the table of
   * {@code copySql}, committing {@code connection} (auto-commit off) every chunk.
   *
   * @return the rows appended by this call
   */
  long load(
      Connection connection,
      String copySql,
      long fileId,
      Path file,
      long resumeAfter,
      ChunkListener listener)
      throws SQLException {
    BaseConnection pg = connection.unwrap(BaseConnection.class);
    long rows = 0;
    long lineEnd = 1;
    Chunk chunk = null;
    try (CSVParser parser = CSVParser.parse(reader(file), INPUT)) {
      Iterator<CSVRecord> it = parser.iterator();
      if (!it.hasNext()) {
        return 0;
      }
      List<String> names = header(it.next());
      int[] slots = slots(names);
      lineEnd = parser.getCurrentLineNumber();
      List<Object> row = new ArrayList<>(columns.size() + 4);
      while (it.hasNext()) {
        CSVRecord record = it.next();
        long startLine = lineEnd + 1;
        lineEnd = parser.getCurrentLineNumber();
        if (startLine <= resumeAfter) {
          continue;
        }
        if (chunk == null) {
          chunk = new Chunk(pg, copySql);
        }
        fill(row, fileId, startLine, record, names, slots);
        chunk.printer.printRecord(row);
        rows++;
        if (++chunk.rows >= chunkRows) {
          chunk.commit(connection);
          chunk = null;
          listener.committed(startLine, rows);
        }
      }
      if (chunk != null) {
        chunk.commit(connection);
        chunk = null;
        listener.committed(lineEnd, rows);
      }
      return rows;
    } catch (IOException | UncheckedIOException e) {
      if (chunk != null) {
        chunk.abort();
      }
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw problem(file, lineEnd + 1, e);
    }
  }

  private void fill(
      List<Object> row, long fileId, long line, CSVRecord record, List<String> names, int[] slots) {
    row.clear();
    row.add(fileId);
    row.add(line);
    for (int i = 0; i < columns.size(); i++) {
      row.add(null);
    }
    ObjectNode extra = null;
    for (int i = 0; i < record.size(); i++) {
      int slot = i < slots.length ? slots[i] : -1;
      if (slot >= 0) {
        row.set(2 + slot, record.get(i));
      } else {
        if (extra == null) {
          extra = JSON.createObjectNode();
        }
        extra.put(i < names.size() ? names.get(i) : "_field_" + (i + 1), record.get(i));
      }
    }
    row.add(extra == null ? null : extra.toString());
    row.add(record.size());
  }

  /** One COPY statement, ended and committed when full. */
  private static final class Chunk {
    final PGCopyOutputStream copy;
    final CSVPrinter printer;
    long rows;

    Chunk(BaseConnection pg, String sql) throws SQLException {
      copy = new PGCopyOutputStream(pg, sql, 1 << 16);
      try {
        printer = new CSVPrinter(new OutputStreamWriter(copy, StandardCharsets.UTF_8), COPY_CSV);
      } catch (IOException e) {
        throw new SQLException("cannot start COPY", e);
      }
    }

    void commit(Connection connection) throws IOException, SQLException {
      Writer w = (Writer) printer.getOut();
      w.flush();
      copy.endCopy();
      connection.commit();
    }

    void abort() {
      try {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      } catch (SQLException ignored) {
        // the transaction is rolled back by the caller either way
      }
    }
  }

  /** For each header position, the index of the raw column it feeds, or -1 for an extra. */
  private int[] slots(List<String> header) {
    int[] slots = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      slots[i] = columns.indexOf(header.get(i));
    }
    return slots;
  }

  private static List<String> header(CSVRecord record) {
    List<String> names = new ArrayList<>(record.size());
    for (int i = 0; i < record.size(); i++) {
      String name = record.get(i);
      if (i == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1);
      }
      names.add(name.trim());
    }
    return names;
  }

  /** UTF-8 (gzip-compressed when the name ends in .gz) that refuses malformed bytes. */
  static BufferedReader reader(Path file) throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
  }

  private static CsvFileProblem problem(Path file, long line, Exception e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    while (t.getCause() != null && !(t instanceof CharacterCodingException)) {
      if (t.getCause() instanceof CharacterCodingException) {
        t = t.getCause();
        break;
      }
      t = t.getCause();
    }
    String name = file.getFileName().toString();
    String message = String.valueOf(t.getMessage());
    if (t instanceof CharacterCodingException) {
      // The reader decodes ahead of the parser: find the exact line in a second, byte-level pass.
      long exact = firstLineNotUtf8(file);
      return new CsvFileProblem(
          name, exact > 0 ? exact : line, Kind.NOT_UTF8, "bytes that are not valid UTF-8", e);
    }
    if (message.contains("EOF reached before encapsulated token finished")) {
      return new CsvFileProblem(
          name, line, Kind.UNTERMINATED_QUOTE, "a quoted field is never closed", e);
    }
    if (message.contains("invalid char between encapsulated token and delimiter")) {
      return new CsvFileProblem(
          name, line, Kind.BAD_QUOTING, "text after a closing quote (" + message + ")", e);
    }
    return new CsvFileProblem(name, line, Kind.UNREADABLE, message, e);
  }

  /** The physical line holding the first byte sequence that is not UTF-8, or -1. */
  static long firstLineNotUtf8(Path file) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(1 << 16);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(1 << 16);
    long line = 1;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream bytes =
            file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      byte[] buf = new byte[1 << 15];
      boolean eof = false;
      while (!eof) {
        int n = bytes.read(buf, 0, Math.min(buf.length, in.remaining()));
        eof = n < 0;
        if (n > 0) {
          in.put(buf, 0, n);
        }
        in.flip();
        java.nio.charset.CoderResult r = decoder.decode(in, out, eof);
        out.flip();
        while (out.hasRemaining()) {
          if (out.get() == '\n') {
            line++;
          }
        }
        out.clear();
        if (r.isError()) {
          return line;
        }
        in.compact();
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
