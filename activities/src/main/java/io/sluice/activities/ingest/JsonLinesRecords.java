package io.sluice.activities.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.ingest.FileProblem.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON Lines file's records (plain or gzip): each non-blank line one JSON object. A declared
 * column is read from the top-level key of its name, or from its {@code json_pointer} (a nested
 * value); a string value is kept as it is, a number in plain notation ({@code 1e2} is {@code 100},
 * {@code 12.50} stays {@code 12.50}), {@code true}/{@code false} as those words, {@code null} as a
 * missing value, an object or array as its JSON text. The keys no column reads are the row's
 * extras. A line that is not one JSON object, or repeats a key, refuses the file with its line, as
 * a malformed CSV record does.
 */
final class JsonLinesRecords implements RecordSource {

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  /** The columns that read a nested value under one top-level key. */
  private record Nested(int column, JsonPointer rest) {}

  private final String file;
  private final SourceStream src;
  private final InputStream in;
  private final int columns;
  private final List<String> names;
  private final Map<String, Integer> byName = new HashMap<>();
  private final Map<String, List<Nested>> byHead = new HashMap<>();

  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;
  private byte[] lineBytes = new byte[1 << 12];
  private int lineLen;
  private long nextLine = 1;
  private long recordLine;

  private final String[] values;
  private ObjectNode extra;

  JsonLinesRecords(String file, SourceStream src, DeclaredColumns declared) {
    this.file = file;
    this.src = src;
    this.in = src.data();
    this.columns = declared.names().size();
    this.names = declared.names();
    this.values = new String[columns];
    for (int c = 0; c < columns; c++) {
      String pointer = declared.jsonPointers().get(c);
      JsonPointer p = pointer == null ? null : JsonPointer.compile(pointer);
      if (p == null || p.tail().matches()) {
        byName.put(p == null ? declared.names().get(c) : p.getMatchingProperty(), c);
      } else {
        byHead
            .computeIfAbsent(p.getMatchingProperty(), k -> new ArrayList<>())
            .add(new Nested(c, p.tail()));
      }
    }
  }

  /**
   * The declared columns: each record names its own fields, and a record without a declared
   * column's key lacks that value (a missing value, judged row by row), so a file as a whole never
   * lacks a column.
   */
  @Override
  public List<String> header() {
    return names;
  }

  @Override
  public boolean next() throws IOException {
    return readRecord();
  }

  @Override
  public long recordLine() {
    return recordLine;
  }

  @Override
  public long lastLine() {
    return recordLine == 0 ? 1 : recordLine;
  }

  @Override
  public void encode(CopyTextEncoder out) {
    try {
      for (String v : values) {
        out.text(v);
      }
      out.text(extra == null ? null : extra.toString()).nullField();
    } catch (CopyTextEncoder.NulCharacterException e) {
      throw new FileProblem(
          file,
          recordLine,
          Kind.NUL_CHARACTER,
          e.getMessage() + " (a \\u0000 in a string); remove it from the file",
          null);
    }
  }

  @Override
  public String sha256() throws IOException {
    return src.sha256();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Reads the next non-blank line and parses it; false at the end of the file. */
  private boolean readRecord() throws IOException {
    while (readLine()) {
      int from = 0;
      if (recordLine == 1
          && lineLen >= 3
          && (lineBytes[0] & 0xff) == 0xEF
          && (lineBytes[1] & 0xff) == 0xBB
          && (lineBytes[2] & 0xff) == 0xBF) {
        from = 3; // a byte-order mark
      }
      if (blank(from)) {
        continue;
      }
      parse(from);
      return true;
    }
    return false;
  }

  private boolean blank(int from) {
    for (int i = from; i < lineLen; i++) {
      byte b = lineBytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private void parse(int from) throws IOException {
    java.util.Arrays.fill(values, null);
    extra = null;
    try (JsonParser p = JSON.getFactory().createParser(lineBytes, from, lineLen - from)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new FileProblem(
            file, recordLine, Kind.NOT_AN_OBJECT, "the line is not a JSON object", null);
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        Integer column = byName.get(key);
        List<Nested> nested = byHead.get(key);
        if (nested != null) {
          JsonNode tree = JSON.readTree(p);
          for (Nested n : nested) {
            values[n.column()] = text(tree.at(n.rest()));
          }
          if (column != null) {
            values[column] = text(tree);
          }
        } else if (column != null) {
          values[column] = scalar(p, v);
        } else {
          if (extra == null) {
            extra = JSON.createObjectNode();
          }
          extra.set(key, JSON.readTree(p));
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new FileProblem(
            file, recordLine, Kind.NOT_JSON, "more than one JSON value on the line", null);
      }
    } catch (JsonParseException e) {
      String m = String.valueOf(e.getOriginalMessage());
      if (m.contains("Duplicate field")) {
        throw new FileProblem(file, recordLine, Kind.DUPLICATE_KEY, m, null);
      }
      if (m.contains("Invalid UTF-8")) {
        throw new FileProblem(
            file, recordLine, Kind.NOT_UTF8, "bytes that are not valid UTF-8", null);
      }
      throw new FileProblem(
          file,
          recordLine,
          Kind.NOT_JSON,
          "not valid JSON at column " + e.getLocation().getColumnNr(),
          null);
    }
  }

  /** A top-level value's text, read from the parser at its first token. */
  private static String scalar(JsonParser p, JsonToken v) throws IOException {
    return switch (v) {
      case VALUE_STRING, VALUE_NUMBER_INT -> p.getText();
      case VALUE_NUMBER_FLOAT -> p.getDecimalValue().toPlainString();
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> null;
      default -> JSON.readTree(p).toString();
    };
  }

  /** A nested value's text, as {@link #scalar} gives a top-level one. */
  private static String text(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBigDecimal()) {
      return n.decimalValue().toPlainString();
    }
    if (n.isValueNode()) {
      return n.asText();
    }
    return n.toString();
  }

  /**
   * Reads one physical line (without its LF) into {@code lineBytes}; false at the end of the file.
   * A line longer than {@link RawFileLoader#MAX_RECORD_BYTES} is refused before it is held whole.
   */
  private boolean readLine() throws IOException {
    lineLen = 0;
    boolean any = false;
    while (true) {
      if (pos == lim) {
        lim = in.read(buf, 0, buf.length);
        pos = 0;
        if (lim <= 0) {
          lim = 0;
          if (any) {
            recordLine = nextLine++;
          }
          return any;
        }
      }
      any = true;
      int start = pos;
      while (pos < lim && buf[pos] != '\n') {
        pos++;
      }
      append(start, pos - start);
      if (pos < lim) {
        pos++; // the LF
        recordLine = nextLine++;
        return true;
      }
    }
  }

  private void append(int from, int n) throws FileProblem {
    if (lineLen + n > RawFileLoader.MAX_RECORD_BYTES) {
      throw new FileProblem(
          file,
          nextLine,
          Kind.LINE_TOO_LONG,
          "a line longer than " + (RawFileLoader.MAX_RECORD_BYTES >> 20) + " MiB",
          null);
    }
    if (lineLen + n > lineBytes.length) {
      lineBytes =
          java.util.Arrays.copyOf(
              lineBytes,
              Math.min(
                  RawFileLoader.MAX_RECORD_BYTES, Math.max(lineLen + n, 2 * lineBytes.length)));
    }
    System.arraycopy(buf, from, lineBytes, lineLen, n);
    lineLen += n;
  }
}
