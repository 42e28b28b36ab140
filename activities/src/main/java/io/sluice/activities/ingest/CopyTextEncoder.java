package io.sluice.activities.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes rows in PostgreSQL's COPY text format (tab between fields, {@code \N} for NULL, backslash
 * escapes) as UTF-8 into a growable byte buffer. Text format costs the server less to parse than
 * quoted CSV, and writing it by hand costs the loader less than a general CSV printer.
 */
final class CopyTextEncoder {

  /** A NUL character: PostgreSQL text cannot store one. */
  static final class NulCharacterException extends RuntimeException {
    NulCharacterException() {
      super("a NUL character (U+0000), which PostgreSQL text cannot store", null, false, false);
    }
  }

  private byte[] buf;
  private int len;
  private boolean rowStarted;

  CopyTextEncoder(int capacity) {
    buf = new byte[capacity];
  }

  int size() {
    return len;
  }

  /** The buffer holding the {@link #size()} bytes written since the last {@link #clear()}. */
  byte[] array() {
    return buf;
  }

  void clear() {
    len = 0;
  }

  /** A field already in COPY text form (no escaping), such as a constant prefix. */
  CopyTextEncoder verbatim(byte[] bytes) {
    separator();
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
    return this;
  }

  CopyTextEncoder number(long value) {
    return verbatim(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  CopyTextEncoder nullField() {
    separator();
    ensure(2);
    buf[len++] = '\\';
    buf[len++] = 'N';
    return this;
  }

  /** A text field, or NULL when {@code s} is null. */
  CopyTextEncoder text(String s) {
    if (s == null) {
      return nullField();
    }
    separator();
    int n = s.length();
    ensure(3 * n); // the worst case: every char a 3-byte sequence or a 2-byte escape
    byte[] b = buf;
    int p = len;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        switch (c) {
          case '\\' -> {
            b[p++] = '\\';
            b[p++] = '\\';
          }
          case '\t' -> {
            b[p++] = '\\';
            b[p++] = 't';
          }
          case '\n' -> {
            b[p++] = '\\';
            b[p++] = 'n';
          }
          case '\r' -> {
            b[p++] = '\\';
            b[p++] = 'r';
          }
          case 0 -> throw new NulCharacterException();
          default -> b[p++] = (byte) c;
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    len = p;
    return this;
  }

  void endRow() {
    ensure(1);
    buf[len++] = '\n';
    rowStarted = false;
  }

  private void separator() {
    if (rowStarted) {
      ensure(1);
      buf[len++] = '\t';
    }
    rowStarted = true;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
