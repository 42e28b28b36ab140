package io.sluice.activities.ingest;

import io.sluice.activities.support.JsonText;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Writes rows in PostgreSQL's COPY text format (tab between fields, {@code \N} for NULL, backslash
 * escapes) as UTF-8 into a growable byte buffer. Text format costs the server less to parse than
 * quoted CSV, and writing it by hand costs the loader less than a general CSV printer.
 */
public final class CopyTextEncoder {

  /** A NUL character: PostgreSQL text cannot store one. */
  public static final class NulCharacterException extends RuntimeException {
    NulCharacterException() {
      super("a NUL character (U+0000), which PostgreSQL text cannot store", null, false, false);
    }
  }

  private byte[] buf;
  private int len;
  private boolean rowStarted;

  public CopyTextEncoder(int capacity) {
    buf = new byte[capacity];
  }

  public int size() {
    return len;
  }

  /** The buffer holding the {@link #size()} bytes written since the last {@link #clear()}. */
  public byte[] array() {
    return buf;
  }

  public void clear() {
    members = 0;
    len = 0;
    rowStarted = false;
  }

  /** A field already in COPY text form (no escaping), such as a constant prefix. */
  public CopyTextEncoder verbatim(byte[] bytes) {
    separator();
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
    return this;
  }

  /** The digits of {@link #number}, written from the end. */
  private final byte[] digits = new byte[19];

  /**
   * A whole number, written without a temporary string when it is not negative. Its digits go into
   * a scratch array from the end, then into the buffer: a loop counted by the number's digits makes
   * the JIT's compiled code (and every loop it is compiled into) deoptimise when a file's line
   * numbers start again from one digit (docs/adr/0031-hot-loops-are-small-methods.md).
   */
  public CopyTextEncoder number(long value) {
    if (value < 0) {
      return verbatim(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }
    separator();
    byte[] d = digits;
    int p = d.length;
    long v = value;
    do {
      d[--p] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    } while (v != 0);
    int n = d.length - p;
    ensure(n);
    System.arraycopy(d, p, buf, len, n);
    len += n;
    return this;
  }

  /**
   * An instant in UTC of a year from 1 to 9999 as {@code yyyy-mm-ddThh:mm:ss[.ffffff]Z}, which
   * PostgreSQL reads back as the same timestamptz; another offset or a fraction finer than a
   * microsecond is written as {@link OffsetDateTime#toString} writes it.
   */
  public CopyTextEncoder utcInstant(OffsetDateTime t) {
    int nanos = t.getNano();
    if (!ZoneOffset.UTC.equals(t.getOffset()) || nanos % 1000 != 0) {
      return text(t.toString());
    }
    separator();
    ensure(27);
    byte[] b = buf;
    int p = len;
    p = pad(b, p, t.getYear(), 4);
    b[p++] = '-';
    p = pad(b, p, t.getMonthValue(), 2);
    b[p++] = '-';
    p = pad(b, p, t.getDayOfMonth(), 2);
    b[p++] = 'T';
    p = pad(b, p, t.getHour(), 2);
    b[p++] = ':';
    p = pad(b, p, t.getMinute(), 2);
    b[p++] = ':';
    p = pad(b, p, t.getSecond(), 2);
    if (nanos != 0) {
      b[p++] = '.';
      p = pad(b, p, nanos / 1000, 6);
    }
    b[p++] = 'Z';
    len = p;
    return this;
  }

  private static int pad(byte[] b, int p, int value, int width) {
    for (int i = p + width - 1; i >= p; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return p + width;
  }

  public CopyTextEncoder nullField() {
    separator();
    ensure(2);
    buf[len++] = '\\';
    buf[len++] = 'N';
    return this;
  }

  /**
   * A text field, or NULL when {@code s} is null. An ASCII string with nothing to escape is copied
   * char by char; any other is encoded to UTF-8 first, then escaped byte by byte.
   */
  /**
   * JSON text (a row's extras) as a text field. A NUL character in one of its strings, which {@code
   * jsonb} cannot store, is refused as in any text.
   */
  public CopyTextEncoder json(String json) {
    if (json != null && JsonText.escapesNul(json)) {
      throw new NulCharacterException();
    }
    return text(json);
  }

  /**
   * The key of a JSON object member as {@link #member} writes it: {@code "key":}, escaped for JSON,
   * then for COPY's text format; null when the key holds a NUL character, which {@code jsonb}
   * cannot store (a member with it is refused).
   */
  public static byte[] memberKey(String key) {
    StringBuilder b = new StringBuilder(key.length() + 3);
    JsonText.string(b, key);
    String json = b.append(':').toString();
    if (JsonText.escapesNul(json)) {
      return null;
    }
    CopyTextEncoder e = new CopyTextEncoder(json.length() * 2 + 1);
    e.text(json);
    return Arrays.copyOf(e.buf, e.len);
  }

  /** Members written of the JSON object field in progress: see {@link #member}. */
  private int members;

  /**
   * Adds a string member to a JSON object field (a row's extras), its value the UTF-8 bytes {@code
   * from} to {@code to} of {@code src}, escaped for JSON and then for COPY in one pass: the bytes
   * {@link #json} writes for the object {@link JsonText.FlatObject} makes of the same members,
   * without either string. The first member starts the field; {@link #endObject} ends it.
   *
   * @param key from {@link #memberKey}
   */
  public CopyTextEncoder member(byte[] key, byte[] src, int from, int to) {
    if (key == null) {
      throw new NulCharacterException();
    }
    if (members++ == 0) {
      separator();
      ensure(1);
      buf[len++] = '{';
    } else {
      ensure(1);
      buf[len++] = ',';
    }
    ensure(key.length + 7 * (to - from) + 2);
    byte[] b = buf;
    int p = len;
    System.arraycopy(key, 0, b, p, key.length);
    p += key.length;
    b[p++] = '"';
    for (int i = from; i < to; i++) {
      byte c = src[i];
      if (c >= 0x20 && c != '"' && c != '\\' || c < 0) {
        b[p++] = c; // a byte of a multi-byte sequence is negative and never escaped
      } else if (c == '"') {
        b[p++] = '\\';
        b[p++] = '\\';
        b[p++] = '"';
      } else if (c == '\\') {
        b[p++] = '\\';
        b[p++] = '\\';
        b[p++] = '\\';
        b[p++] = '\\';
      } else if (c == 0) {
        throw new NulCharacterException();
      } else {
        b[p++] = '\\';
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = '0';
        b[p++] = '0';
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 0xF];
      }
    }
    b[p++] = '"';
    len = p;
    return this;
  }

  /** Ends the JSON object field {@link #member} started; NULL when it had no member. */
  public CopyTextEncoder endObject() {
    if (members == 0) {
      return nullField();
    }
    members = 0;
    ensure(1);
    buf[len++] = '}';
    return this;
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  public CopyTextEncoder text(String s) {
    if (s == null) {
      return nullField();
    }
    // the usual field is ASCII without a byte to escape: its chars are its bytes
    int n = s.length();
    ensure(n + 1);
    byte[] b = buf;
    int p = rowStarted ? len + 1 : len;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || ESCAPE[c]) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return utf8(utf8, 0, utf8.length);
      }
      b[p + i] = (byte) c;
    }
    separator();
    len += n;
    return this;
  }

  /**
   * A text field from UTF-8 bytes {@code from} to {@code to} of {@code src}, escaped byte by byte:
   * only ASCII bytes ever need an escape, and the bytes of a multi-byte UTF-8 sequence are never
   * ASCII.
   */
  public CopyTextEncoder utf8(byte[] src, int from, int to) {
    separator();
    int n = to - from;
    int plain = from;
    while (plain < to && (src[plain] < 0 || !ESCAPE[src[plain]])) {
      plain++;
    }
    ensure(plain == to ? n : 2 * n);
    System.arraycopy(src, from, buf, len, plain - from);
    int p = len + plain - from;
    byte[] b = buf;
    for (int i = plain; i < to; i++) {
      p = ascii(b, p, src[i]);
    }
    len = p;
    return this;
  }

  /**
   * A text field from the chars {@code from} to {@code to} of {@code src}, encoded to UTF-8 and
   * escaped as it is written (no temporary string); an unpaired surrogate becomes {@code ?}, as
   * {@link String#getBytes} makes it.
   */
  public CopyTextEncoder chars(char[] src, int from, int to) {
    separator();
    ensure(3 * (to - from));
    byte[] b = buf;
    int p = len;
    for (int i = from; i < to; i++) {
      char c = src[i];
      if (c < 0x80) {
        p = ascii(b, p, (byte) c);
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < to
          && Character.isLowSurrogate(src[i + 1])) {
        int cp = Character.toCodePoint(c, src[++i]);
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        b[p++] = '?';
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    len = p;
    return this;
  }

  /**
   * Writes byte {@code c} at {@code p} of {@code b}, escaped when it must be (a byte of a
   * multi-byte UTF-8 sequence never is); returns the position after it.
   */
  private static int ascii(byte[] b, int p, byte c) {
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
      default -> b[p++] = c;
    }
    return p;
  }

  /** Backslash, tab, newline, carriage return and NUL; other bytes go through as they are. */
  private static final boolean[] ESCAPE = new boolean[0x80];

  static {
    for (char c : new char[] {'\\', '\t', '\n', '\r', 0}) {
      ESCAPE[c] = true;
    }
  }

  public void endRow() {
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
