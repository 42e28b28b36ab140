package io.sluice.activities.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.activities.ingest.FileProblem.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>One parser reads the whole stream (a parser per line costs a third of the time): each record
 * must start on a line after the previous one ended and end on the line it started. A record is
 * refused once it spans more than {@link RawFileLoader#MAX_RECORD_BYTES}, before it is held whole.
 */
final class JsonLinesRecords implements RecordSource {

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(RawFileLoader.MAX_RECORD_BYTES)
                  .maxNestingDepth(200)
                  .build())
          // the source is read to its end and closed by the loader, which hashes every byte
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          .build();

  /** For the extras: a JSON object per row. */
  static final ObjectMapper JSON = new ObjectMapper();

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** The columns that read a nested value under one top-level key. */
  private record Nested(int column, JsonPointer rest) {}

  private final String file;
  private final SourceStream src;
  private final JsonParser parser;
  private final int columns;
  private final List<String> names;
  private final Map<String, Integer> byName = new HashMap<>();
  private final Map<String, List<Nested>> byHead = new HashMap<>();

  /** The current record's declared values: chars {@code start[c]} to {@code end[c]} of text. */
  private char[] text = new char[1 << 10];

  private int textLen;
  private final int[] start;
  private final int[] end;
  private String[] keys = new String[32];
  private ObjectNode extra;
  private long recordLine;
  private long recordStartByte;
  private long previousEndLine;

  JsonLinesRecords(String file, SourceStream src, DeclaredColumns declared) throws IOException {
    this.file = file;
    this.src = src;
    this.parser = FACTORY.createParser(src.data());
    this.columns = declared.names().size();
    this.names = declared.names();
    this.start = new int[columns];
    this.end = new int[columns];
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
    try {
      JsonToken t = parser.nextToken();
      if (t == null) {
        return false;
      }
      JsonLocation at = parser.currentTokenLocation();
      recordLine = at.getLineNr();
      recordStartByte = at.getByteOffset();
      if (recordLine == previousEndLine) {
        throw problem(Kind.NOT_JSON, "more than one JSON value on the line");
      }
      if (t != JsonToken.START_OBJECT) {
        throw problem(Kind.NOT_AN_OBJECT, "the line is not a JSON object");
      }
      record();
      long endLine = parser.currentTokenLocation().getLineNr();
      if (endLine != recordLine) {
        throw problem(
            Kind.NOT_JSON,
            "the object runs on to line "
                + endLine
                + "; JSON Lines holds one object per line (no pretty-printing)");
      }
      previousEndLine = endLine;
      return true;
    } catch (StreamConstraintsException e) {
      throw problem(Kind.LINE_TOO_LONG, "a value past the limits: " + e.getOriginalMessage());
    } catch (JsonParseException e) {
      String m = String.valueOf(e.getOriginalMessage());
      long line = e.getLocation() == null ? recordLine : e.getLocation().getLineNr();
      if (m.contains("Invalid UTF-8")) {
        throw new FileProblem(file, line, Kind.NOT_UTF8, "bytes that are not valid UTF-8", null);
      }
      throw new FileProblem(
          file,
          line,
          Kind.NOT_JSON,
          "not valid JSON at column "
              + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()),
          null);
    }
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
      for (int c = 0; c < columns; c++) {
        if (start[c] < 0) {
          out.nullField();
        } else {
          out.chars(text, start[c], end[c]);
        }
      }
      out.json(extra == null ? null : extra.toString()).nullField();
    } catch (CopyTextEncoder.NulCharacterException e) {
      throw problem(
          Kind.NUL_CHARACTER, e.getMessage() + " (a \\u0000 in a string); remove it from the file");
    }
  }

  @Override
  public String sha256() throws IOException {
    return src.sha256();
  }

  @Override
  public void close() throws IOException {
    try {
      parser.close();
    } finally {
      src.close();
    }
  }

  /** Reads the fields of the object whose start the parser is at, through its end. */
  private void record() throws IOException {
    Arrays.fill(start, -1);
    textLen = 0;
    extra = null;
    int keyCount = 0;
    JsonToken t;
    while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      keyCount = seen(key, keyCount);
      JsonToken v = parser.nextToken();
      Integer column = byName.get(key);
      List<Nested> nested = byHead.get(key);
      if (nested != null) {
        JsonNode tree = tree(v);
        for (Nested n : nested) {
          put(n.column(), text(tree.at(n.rest())));
        }
        if (column != null) {
          put(column, text(tree));
        }
      } else if (column != null) {
        scalar(v, column);
      } else {
        if (extra == null) {
          extra = JSON.createObjectNode();
        }
        extra.set(key, tree(v));
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw problem(Kind.NOT_JSON, "an object that does not end");
    }
  }

  /** Records {@code key} as read from the current object; a second time refuses the file. */
  private int seen(String key, int count) {
    for (int i = 0; i < count; i++) {
      if (keys[i].equals(key)) {
        throw problem(Kind.DUPLICATE_KEY, "Duplicate field '" + key + "'");
      }
    }
    if (count == RawFileLoader.MAX_FIELDS) {
      throw problem(
          Kind.TOO_MANY_FIELDS, "more than " + RawFileLoader.MAX_FIELDS + " keys in one object");
    }
    if (count == keys.length) {
      keys = Arrays.copyOf(keys, 2 * count);
    }
    keys[count] = key;
    return count + 1;
  }

  /** A top-level value, read from the parser at its first token, as the column's value. */
  private void scalar(JsonToken v, int column) throws IOException {
    switch (v) {
      case VALUE_STRING, VALUE_NUMBER_INT -> {
        if (parser.getTextLength() > 1 << 16) {
          checkSize();
        }
        put(column, parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
      }
      case VALUE_NUMBER_FLOAT -> put(column, parser.getDecimalValue().toPlainString());
      case VALUE_TRUE -> put(column, "true");
      case VALUE_FALSE -> put(column, "false");
      case VALUE_NULL -> start[column] = -1;
      default -> put(column, tree(v).toString());
    }
  }

  /**
   * The value at the parser's token {@code t} as a tree: keys repeated in an object refuse the
   * file, and so does a record past the size limit, checked as the tree grows.
   */
  private JsonNode tree(JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          JsonNode value = tree(parser.nextToken());
          if (o.replace(key, value) != null) {
            throw problem(Kind.DUPLICATE_KEY, "Duplicate field '" + key + "' in a nested object");
          }
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        JsonToken e;
        while ((e = parser.nextToken()) != JsonToken.END_ARRAY) {
          a.add(tree(e));
        }
        return a;
      }
      default -> {
        checkSize();
        return switch (t) {
          case VALUE_STRING -> NODES.textNode(parser.getText());
          case VALUE_NUMBER_INT -> NODES.numberNode(parser.getBigIntegerValue());
          case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
          case VALUE_TRUE -> NODES.booleanNode(true);
          case VALUE_FALSE -> NODES.booleanNode(false);
          case VALUE_NULL -> NODES.nullNode();
          default -> throw problem(Kind.NOT_JSON, "unexpected " + t);
        };
      }
    }
  }

  private void checkSize() {
    long at = parser.currentLocation().getByteOffset();
    if (at - recordStartByte > RawFileLoader.MAX_RECORD_BYTES) {
      throw problem(
          Kind.LINE_TOO_LONG,
          "a line longer than " + (RawFileLoader.MAX_RECORD_BYTES >> 20) + " MiB");
    }
  }

  private FileProblem problem(Kind kind, String detail) {
    return new FileProblem(file, recordLine, kind, detail, null);
  }

  private void put(int column, String s) {
    if (s == null) {
      start[column] = -1;
    } else {
      char[] chars = s.toCharArray();
      put(column, chars, 0, chars.length);
    }
  }

  private void put(int column, char[] src, int offset, int length) {
    if (textLen + length > text.length) {
      text = Arrays.copyOf(text, Math.max(2 * text.length, textLen + length));
    }
    System.arraycopy(src, offset, text, textLen, length);
    start[column] = textLen;
    textLen += length;
    end[column] = textLen;
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
}
