package io.sluice.activities.ingest;

import io.sluice.activities.ingest.FileProblem.Kind;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads RFC 4180 CSV records straight from UTF-8 bytes, one record at a time, without making a
 * string of every field: the loader copies the bytes of a field into COPY's text format as they
 * are. It reads what Commons CSV's RFC 4180 format with empty lines ignored reads (the tests hold
 * the two to the same records and line numbers), and refuses what the JDK's strict UTF-8 decoder
 * refuses.
 *
 * <ul>
 *   <li>Fields are separated by commas and records end at LF, CR or CR LF; empty lines between
 *       records are skipped.
 *   <li>A field that starts with a double quote runs to the next lone quote; {@code ""} inside it
 *       is one quote, and commas and line breaks are data. After the closing quote only blanks may
 *       come before the comma or the end of the line.
 *   <li>Elsewhere a quote is an ordinary character; nothing is trimmed; an empty field is an empty
 *       string.
 *   <li>Lines are physical lines: a line break inside a quoted field starts a new one.
 * </ul>
 *
 * <p>Limits keep a hostile file from taking the worker's memory: a record longer than {@code
 * maxRecordBytes} or with more than {@code maxFields} fields is refused with the line it starts.
 */
final class CsvRecordReader implements Closeable {

  /** A record the reader refuses: what is wrong and on which line. */
  static final class Malformed extends IOException {
    final Kind kind;
    final long line;

    Malformed(Kind kind, long line, String detail) {
      super(detail);
      this.kind = kind;
      this.line = line;
    }
  }

  private static final int EOF = -1;

  private final InputStream in;
  private final int maxRecordBytes;
  private final int maxFields;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;

  private byte[] data = new byte[1 << 12];
  private int dataLen;
  private int[] ends = new int[32];
  private int fields;

  /** The OR of the current field's bytes: below zero when it holds a byte that is not ASCII. */
  private int fieldBits;

  /** The physical line of the next byte to be read. */
  private long line = 1;

  private long recordLine;
  private long recordEnd;

  CsvRecordReader(InputStream in, int maxRecordBytes, int maxFields) {
    this.in = in;
    this.maxRecordBytes = maxRecordBytes;
    this.maxFields = maxFields;
  }

  /** Reads the next record; false at the end of the input. */
  boolean next() throws IOException {
    int c = read();
    while (c == '\n' || c == '\r') {
      endOfLine(c);
      c = read();
    }
    if (c == EOF) {
      return false;
    }
    recordLine = line;
    dataLen = 0;
    fields = 0;
    while (true) {
      int end = c == '"' ? quoted() : unquoted(c);
      endField();
      if (end != ',') {
        recordEnd = line;
        if (end != EOF) {
          endOfLine(end);
        }
        return true;
      }
      c = read();
    }
  }

  /** The line the current record starts on. */
  long recordLine() {
    return recordLine;
  }

  /** The line the current record ends on. */
  long lastLine() {
    return recordEnd;
  }

  int size() {
    return fields;
  }

  /** The bytes of every field, one after the other; field {@code i} spans {@link #start} to end. */
  byte[] data() {
    return data;
  }

  int start(int field) {
    return field == 0 ? 0 : ends[field - 1];
  }

  int end(int field) {
    return ends[field];
  }

  String get(int field) {
    return new String(data, start(field), end(field) - start(field), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** An unquoted field from its first byte {@code c}; returns the byte that ended it. */
  private int unquoted(int c) throws IOException {
    while (true) {
      if (c == ',' || c == '\n' || c == '\r' || c == EOF) {
        return c;
      }
      // copy the run of ordinary bytes that follows in the buffer in one go
      int from = pos - 1;
      int p = pos;
      int bits = buf[from];
      while (p < lim) {
        byte b = buf[p];
        if (b == ',' || b == '\n' || b == '\r') {
          break;
        }
        bits |= b;
        p++;
      }
      fieldBits |= bits;
      append(buf, from, p - from);
      pos = p;
      c = read();
    }
  }

  /** A quoted field, its opening quote read; returns the byte that ended it. */
  private int quoted() throws IOException {
    long opened = line;
    while (true) {
      int c = read();
      if (c == EOF) {
        throw new Malformed(
            Kind.UNTERMINATED_QUOTE, opened, "a quoted field is never closed (it opens here)");
      }
      if (c == '"') {
        c = read();
        if (c == '"') {
          append((byte) '"');
          continue;
        }
        while (c == ' ' || c == '\t' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1F)) {
          c = read();
        }
        if (c == ',' || c == '\n' || c == '\r' || c == EOF) {
          return c;
        }
        throw new Malformed(
            Kind.BAD_QUOTING,
            line,
            "text after a closing quote (a field that starts with a quote must end with one;"
                + " write a quote inside it as \"\")");
      }
      if (c == '\n' || c == '\r') {
        append((byte) c);
        if (c == '\r' && peek() == '\n') {
          append(buf[pos++]);
        }
        line++;
        continue;
      }
      append((byte) c);
    }
  }

  private void endField() throws IOException {
    int start = start(fields);
    if (fields == maxFields) {
      throw new Malformed(
          Kind.TOO_MANY_FIELDS, recordLine, "more than " + maxFields + " fields in one record");
    }
    if (fieldBits < 0) {
      for (int i = start; i < dataLen; i++) {
        if (data[i] < 0) {
          if (!Utf8.valid(data, i, dataLen)) {
            throw new MalformedInputException(1);
          }
          break;
        }
      }
    }
    fieldBits = 0;
    if (fields == ends.length) {
      ends = Arrays.copyOf(ends, fields * 2);
    }
    ends[fields++] = dataLen;
  }

  /** Consumes a line break whose first byte {@code c} was read (CR LF is one). */
  private void endOfLine(int c) throws IOException {
    if (c == '\r' && peek() == '\n') {
      pos++;
    }
    line++;
  }

  private int read() throws IOException {
    if (pos == lim && !fill()) {
      return EOF;
    }
    return buf[pos++] & 0xFF;
  }

  private int peek() throws IOException {
    if (pos == lim && !fill()) {
      return EOF;
    }
    return buf[pos] & 0xFF;
  }

  private boolean fill() throws IOException {
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    pos = 0;
    lim = Math.max(n, 0);
    return n > 0;
  }

  private void append(byte b) throws Malformed {
    fieldBits |= b;
    if (dataLen == data.length) {
      grow(1);
    }
    data[dataLen++] = b;
  }

  private void append(byte[] src, int from, int n) throws Malformed {
    if (dataLen + n > data.length) {
      grow(n);
    }
    System.arraycopy(src, from, data, dataLen, n);
    dataLen += n;
  }

  private void grow(int more) throws Malformed {
    long need = (long) dataLen + more;
    if (need > maxRecordBytes) {
      throw new Malformed(
          Kind.RECORD_TOO_LONG,
          recordLine,
          "a record longer than " + maxRecordBytes / (1024 * 1024) + " MiB");
    }
    data = Arrays.copyOf(data, (int) Math.min(maxRecordBytes, Math.max(need, 2L * data.length)));
  }

  /** Well-formed UTF-8 as the JDK's decoder sees it: no overlongs, surrogates or > U+10FFFF. */
  static final class Utf8 {
    private Utf8() {}

    static boolean valid(byte[] b, int from, int to) {
      int i = from;
      while (i < to) {
        int c = b[i] & 0xFF;
        if (c < 0x80) {
          i++;
          continue;
        }
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
          n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
          n = 2;
          lo = c == 0xE0 ? 0xA0 : 0x80;
          hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
          n = 3;
          lo = c == 0xF0 ? 0x90 : 0x80;
          hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
          return false;
        }
        if (i + n >= to) {
          return false;
        }
        int second = b[i + 1] & 0xFF;
        if (second < lo || second > hi) {
          return false;
        }
        for (int k = 2; k <= n; k++) {
          int cont = b[i + k] & 0xFF;
          if (cont < 0x80 || cont > 0xBF) {
            return false;
          }
        }
        i += n + 1;
      }
      return true;
    }
  }
}
