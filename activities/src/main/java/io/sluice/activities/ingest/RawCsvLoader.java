package io.sluice.activities.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
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
import java.util.function.LongConsumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.core.BaseConnection;

/**
 * Streams one CSV file into a raw table with COPY: records are parsed one at a time and written
 * straight into the COPY stream, so memory use does not grow with the file.
 */
final class RawCsvLoader {

  private static final CSVFormat INPUT =
      CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

  /** COPY's CSV: every value quoted, so an empty field stays '' and only a missing one is NULL. */
  private static final CSVFormat COPY_CSV = CSVFormat.POSTGRESQL_CSV;

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int HEARTBEAT_EVERY = 50_000;

  private final List<String> columns;

  /**
   * @param columns the raw table's text columns, in COPY order after (file_id, line_no)
   */
  RawCsvLoader(List<String> columns) {
    this.columns = columns;
  }

  /** The header of a file, BOM stripped and names trimmed. */
  static List<String> readHeader(Path file) {
    try (CSVParser parser = CSVParser.parse(reader(file), INPUT)) {
      Iterator<CSVRecord> it = parser.iterator();
      if (!it.hasNext()) {
        return List.of();
      }
      return header(it.next());
    } catch (IOException | UncheckedIOException e) {
      throw new CsvFileProblem(file.getFileName() + ": cannot read the header: " + cause(e), e);
    }
  }

  /**
   * Appends every record of {@code file} to {@code copySql}'s table with the given file id.
   *
   * @return the number of rows written
   */
  long load(Connection connection, String copySql, long fileId, Path file, LongConsumer progress)
      throws SQLException {
    BaseConnection pg = connection.unwrap(BaseConnection.class);
    long rows = 0;
    try (CSVParser parser = CSVParser.parse(reader(file), INPUT);
        PGCopyOutputStream copy = new PGCopyOutputStream(pg, copySql, 1 << 16);
        Writer out = new OutputStreamWriter(copy, StandardCharsets.UTF_8);
        CSVPrinter printer = new CSVPrinter(out, COPY_CSV)) {
      Iterator<CSVRecord> it = parser.iterator();
      if (!it.hasNext()) {
        return 0;
      }
      List<String> headerNames = header(it.next());
      int[] slots = slots(headerNames);
      long lineEnd = parser.getCurrentLineNumber();
      List<Object> row = new ArrayList<>(columns.size() + 3);
      while (it.hasNext()) {
        CSVRecord record = it.next();
        long startLine = lineEnd + 1;
        lineEnd = parser.getCurrentLineNumber();
        row.clear();
        row.add(fileId);
        row.add(startLine);
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
            extra.put(
                i < headerNames.size() ? headerNames.get(i) : "_field_" + (i + 1), record.get(i));
          }
        }
        row.add(extra == null ? null : extra.toString());
        printer.printRecord(row);
        rows++;
        if (rows % HEARTBEAT_EVERY == 0) {
          progress.accept(rows);
        }
      }
      printer.flush();
    } catch (IOException | UncheckedIOException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new CsvFileProblem(file.getFileName() + ": " + cause(e), e);
    }
    return rows;
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

  /** UTF-8 that refuses malformed bytes instead of replacing them. */
  private static BufferedReader reader(Path file) throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    InputStream in = Files.newInputStream(file);
    return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
  }

  private static String cause(Exception e) {
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
