package io.sluice.activities.support;

/**
 * JSON text written by hand where a small flat object is made for every row (the extra fields of a
 * raw row, a quarantined row's record): a tree of Jackson's per row and its serialiser cost more
 * than reading the row. Strings are escaped as JSON requires (quote, backslash, control characters
 * as six-character u00XX escapes); everything else is copied as it is, which PostgreSQL's {@code
 * jsonb} reads as the same value Jackson's text gives.
 */
public final class JsonText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code s} as a JSON string. */
  public static void string(StringBuilder b, String s) {
    b.append('"');
    int n = s.length();
    int plain = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        b.append(s, plain, i);
        if (c < 0x20) {
          b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
        } else {
          b.append('\\').append(c);
        }
        plain = i + 1;
      }
    }
    b.append(s, plain, n).append('"');
  }

  /**
   * Whether JSON text holds a string with a NUL character ({@code \u0000}, not an escaped backslash
   * followed by {@code u0000}): PostgreSQL's {@code jsonb} cannot store one.
   */
  public static boolean escapesNul(String json) {
    for (int i = json.indexOf("u0000"); i >= 0; i = json.indexOf("u0000", i + 1)) {
      int backslashes = 0;
      for (int j = i - 1; j >= 0 && json.charAt(j) == '\\'; j--) {
        backslashes++;
      }
      if (backslashes % 2 == 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * A flat object of string (or null) values, built field by field and reused from row to row:
   * {@link #clear}, {@link #put} each field, {@link #text}.
   */
  public static final class FlatObject {
    private final StringBuilder b = new StringBuilder(64);
    private int fields;

    public void clear() {
      b.setLength(0);
      fields = 0;
    }

    /** Adds a field; a key put twice is in the text twice, and {@code jsonb} keeps the last. */
    public void put(String key, String value) {
      key(key);
      if (value == null) {
        b.append("null");
      } else {
        string(b, value);
      }
    }

    /** Adds a field whose value is JSON text already (an object, an array). */
    public void putJson(String key, String json) {
      key(key);
      b.append(json);
    }

    private void key(String key) {
      b.append(fields++ == 0 ? '{' : ',');
      string(b, key);
      b.append(':');
    }

    /** The object's text, or null when no field was put. */
    public String text() {
      if (fields == 0) {
        return null;
      }
      String text = b.append('}').toString();
      b.setLength(b.length() - 1);
      return text;
    }
  }
}
