package io.sluice.activities.dataset;

import io.sluice.activities.ingest.CsvHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The first rows of some CSV files, read as ingest reads them (RFC 4180, empty lines skipped, the
 * header's byte-order mark dropped and its names trimmed, {@code .gz} inflated, UTF-8), each value
 * trimmed of spaces as staging trims it; a column absent from a file's header is missing in its
 * rows.
 *
 * @param columns every header name, in the order they first appear
 * @param values per column, one value a row: the trimmed text, or null where the file lacks it
 * @param inFiles per column, how many files' headers carry it
 * @param files the files read (an empty file, without even a header, is left out)
 * @param rows rows read
 */
record CsvSample(
    List<String> columns,
    Map<String, String[]> values,
    Map<String, Integer> inFiles,
    List<Path> files,
    int rows) {

  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

  /**
   * Reads at most {@code maxRows} rows over all {@code files}, sharing them out: each file may give
   * what is left divided by the files left, so that later files are sampled too.
   */
  static CsvSample read(List<Path> files, int maxRows) {
    Map<String, List<String>> byColumn = new LinkedHashMap<>();
    Map<String, Integer> inFiles = new LinkedHashMap<>();
    List<Path> read = new ArrayList<>();
    Map<String, String> badNames = new LinkedHashMap<>();
    int rows = 0;
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      int budget = (maxRows - rows + files.size() - f - 1) / (files.size() - f);
      CSVParser parser = null;
      try (Reader reader = reader(file)) {
        parser = CSVParser.parse(reader, FORMAT);
        Iterator<CSVRecord> records = parser.iterator();
        if (!records.hasNext()) {
          continue;
        }
        List<String> header = CsvHeader.names(records.next().toList());
        read.add(file);
        for (String name : new java.util.LinkedHashSet<>(header)) {
          String problem = DatasetSchemas.columnNameProblem(name);
          if (problem != null) {
            badNames.putIfAbsent(
                name, "'" + name + "' in " + file.getFileName() + " (" + problem + ")");
          }
          inFiles.merge(name, 1, Integer::sum);
          if (!byColumn.containsKey(name)) {
            List<String> absent = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
              absent.add(null);
            }
            byColumn.put(name, absent);
          }
        }
        List<List<String>> columns = new ArrayList<>(byColumn.values());
        // a name the header repeats is read from its first field, as ingest reads it
        int[] field = byColumn.keySet().stream().mapToInt(header::indexOf).toArray();
        int taken = 0;
        while (taken < budget && records.hasNext()) {
          CSVRecord record = records.next();
          for (int c = 0; c < field.length; c++) {
            int i = field[c];
            columns.get(c).add(i < 0 || i >= record.size() ? null : trimSpaces(record.get(i)));
          }
          taken++;
        }
        rows += taken;
      } catch (IOException | UncheckedIOException | IllegalStateException e) {
        String at = parser == null ? "" : " near line " + parser.getCurrentLineNumber();
        throw new SchemaInference.Refused(
            notUtf8(e)
                ? file + " is not UTF-8 text" + at + ": Sluice reads UTF-8"
                : file + " cannot be read as CSV" + at + ": " + message(e));
      }
    }
    if (!badNames.isEmpty()) {
      throw new SchemaInference.Refused(
          "Sluice reads columns by their header names, so a file's header must name each column"
              + " with a lower-case identifier ([a-z][a-z0-9_]*, e.g. order_id) that is not an"
              + " SQL key word or a name Sluice's own tables use; rename these in the files: "
              + String.join(", ", badNames.values())
              + " (docs/pipeline-yaml.md#how-a-file-is-read)");
    }
    Map<String, String[]> values = new LinkedHashMap<>();
    byColumn.forEach((name, list) -> values.put(name, list.toArray(String[]::new)));
    return new CsvSample(
        List.copyOf(byColumn.keySet()), values, Map.copyOf(inFiles), List.copyOf(read), rows);
  }

  private static boolean notUtf8(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CharacterCodingException) {
        return true;
      }
    }
    return false;
  }

  private static Reader reader(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new java.util.zip.GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return new InputStreamReader(
        in,
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** Leading and trailing spaces removed, as PostgreSQL's {@code trim} does (other blanks stay). */
  static String trimSpaces(String v) {
    int from = 0;
    int to = v.length();
    while (from < to && v.charAt(from) == ' ') {
      from++;
    }
    while (to > from && v.charAt(to - 1) == ' ') {
      to--;
    }
    return v.substring(from, to);
  }

  private static String message(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
