package io.sluice.activities.stage;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Writes rows in PostgreSQL's binary COPY format into a growable byte buffer: each row its field
 * count, then each field its length and its bytes as the type's {@code recv} function reads them
 * (NULL a length of -1). The server reads a typed value this way without parsing its text: a
 * timestamp is its microseconds, a number its digits in base 10,000
 * (docs/adr/0028-judged-rows-are-loaded-in-binary.md).
 */
final class BinaryCopyEncoder {

  /** The signature a binary COPY stream starts with. */
  static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', -1, '\r', '\n', 0};

  /** The stream's header: the signature, no flags (4 bytes), no extension (its length, 4 bytes). */
  static final byte[] HEADER = Arrays.copyOf(SIGNATURE, SIGNATURE.length + 8);

  /** The stream's trailer: a field count of -1. */
  static final byte[] TRAILER = {-1, -1};

  private static final int TEXT_OID = 25;
  // 2000-01-01, PostgreSQL's epoch for dates and timestamps, in days and seconds from 1970-01-01
  private static final long PG_EPOCH_DAY = 10_957;
  private static final long PG_EPOCH_SECOND = PG_EPOCH_DAY * 86_400;
  private static final short NUMERIC_POS = 0x0000;
  private static final short NUMERIC_NEG = 0x4000;
  private static final long[] POW10 = {1, 10, 100, 1000};

  private byte[] buf;
  private int len;

  BinaryCopyEncoder(int capacity) {
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

  /** Starts a row of {@code fields} fields. */
  BinaryCopyEncoder row(int fields) {
    ensure(2);
    putShort(fields);
    return this;
  }

  BinaryCopyEncoder nullField() {
    ensure(4);
    putInt(-1);
    return this;
  }

  BinaryCopyEncoder int8(long v) {
    ensure(12);
    putInt(8);
    putLong(v);
    return this;
  }

  BinaryCopyEncoder int4(int v) {
    ensure(8);
    putInt(4);
    putInt(v);
    return this;
  }

  BinaryCopyEncoder float8(double v) {
    return int8(Double.doubleToLongBits(v)); // NaN as PostgreSQL's own, the one quiet NaN
  }

  BinaryCopyEncoder bool(boolean v) {
    ensure(5);
    putInt(1);
    buf[len++] = (byte) (v ? 1 : 0);
    return this;
  }

  /** A date: its days from 2000-01-01. */
  BinaryCopyEncoder date(LocalDate d) {
    return int4(Math.toIntExact(d.toEpochDay() - PG_EPOCH_DAY));
  }

  /**
   * A timestamptz: its microseconds from 2000-01-01 UTC. The instant must be a whole number of
   * microseconds (PostgreSQL stores no finer).
   */
  BinaryCopyEncoder timestamp(OffsetDateTime t) {
    if (t.getNano() % 1000 != 0) {
      throw new IllegalArgumentException("an instant finer than a microsecond: " + t);
    }
    return int8((t.toEpochSecond() - PG_EPOCH_SECOND) * 1_000_000L + t.getNano() / 1000);
  }

  /** UTF-8 bytes {@code from} to {@code to} of {@code src}, as a text field. */
  BinaryCopyEncoder utf8(byte[] src, int from, int to) {
    int n = to - from;
    ensure(4 + n);
    putInt(n);
    System.arraycopy(src, from, buf, len, n);
    len += n;
    return this;
  }

  /** A text field, or NULL when {@code s} is null. */
  BinaryCopyEncoder text(String s) {
    if (s == null) {
      return nullField();
    }
    int n = s.length();
    ensure(4 + n);
    int at = len;
    len += 4;
    // the usual text is ASCII: its chars are its bytes
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        len = at;
        return bytes(s.getBytes(StandardCharsets.UTF_8));
      }
      buf[len++] = (byte) c;
    }
    putIntAt(at, n);
    return this;
  }

  private BinaryCopyEncoder bytes(byte[] b) {
    return utf8(b, 0, b.length);
  }

  /** A jsonb field: the format's version (1), then the JSON text. */
  BinaryCopyEncoder jsonb(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ensure(5 + b.length);
    putInt(1 + b.length);
    buf[len++] = 1;
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  /** A text[] of one dimension (none when empty), no element NULL. */
  BinaryCopyEncoder textArray(List<String> items) {
    ensure(4 + 20);
    int at = len;
    len += 4;
    putInt(items.isEmpty() ? 0 : 1);
    putInt(0); // no NULL element
    putInt(TEXT_OID);
    if (!items.isEmpty()) {
      putInt(items.size());
      putInt(1); // the lower bound
      for (String s : items) {
        text(s);
      }
    }
    putIntAt(at, len - at - 4);
    return this;
  }

  /**
   * A numeric: its digits in groups of four (base 10,000) from the first that is not zero to the
   * last, the weight of the first group (0 for the units' group), the sign and the display scale,
   * which is the value's scale as {@link BigDecimal#toPlainString} writes it.
   */
  BinaryCopyEncoder numeric(BigDecimal d) {
    int scale = Math.max(d.scale(), 0);
    BigDecimal plain = d.scale() < 0 ? d.setScale(0) : d;
    // the fraction padded to whole groups: the unscaled value times 10^pad
    int pad = (4 - scale % 4) % 4;
    BigInteger unscaled = plain.unscaledValue();
    if (unscaled.bitLength() <= 49) {
      // |unscaled| < 2^49, so times 10^3 it still fits a long
      long u = Math.abs(unscaled.longValue()) * POW10[pad];
      return numericGroups(u, (scale + pad) / 4, unscaled.signum(), scale);
    }
    return numericText(unscaled.abs().toString(), scale, pad, unscaled.signum());
  }

  private BinaryCopyEncoder numericGroups(long u, int fractionGroups, int signum, int scale) {
    short[] groups = new short[5]; // < 2^49 * 10^3 has at most 18 digits
    int n = 0;
    for (long v = u; v != 0; v /= 10_000) {
      n++;
    }
    long v = u;
    for (int i = n - 1; i >= 0; i--) {
      groups[i] = (short) (v % 10_000); // the most significant first
      v /= 10_000;
    }
    return numeric(groups, n, n - fractionGroups, signum, scale);
  }

  /** As {@link #numericGroups}, from the unscaled value's decimal digits, for larger values. */
  private BinaryCopyEncoder numericText(String abs, int scale, int pad, int signum) {
    // the digits, padded on the left to hold the units and to a whole group before the point
    int intDigits = Math.max(abs.length() - scale, 0);
    int lead = (4 - intDigits % 4) % 4;
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < lead + Math.max(scale - abs.length(), 0); i++) {
      all.append('0');
    }
    all.append(abs);
    for (int i = 0; i < pad; i++) {
      all.append('0');
    }
    short[] groups = new short[all.length() / 4];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = Short.parseShort(all.substring(4 * i, 4 * i + 4));
    }
    return numeric(groups, groups.length, (intDigits + lead) / 4, signum, scale);
  }

  /**
   * A numeric field of the first {@code n} of {@code groups} (the most significant first), {@code
   * intGroups} of them before the point, without its leading and trailing zero groups.
   */
  private BinaryCopyEncoder numeric(short[] groups, int n, int intGroups, int signum, int scale) {
    int first = 0;
    while (first < n && groups[first] == 0) {
      first++;
    }
    int last = n - 1;
    while (last >= first && groups[last] == 0) {
      last--;
    }
    int digits = last - first + 1;
    ensure(4 + 8 + 2 * digits);
    putInt(8 + 2 * digits);
    putShort(digits);
    putShort(digits == 0 ? 0 : intGroups - 1 - first); // the weight
    putShort(signum < 0 && digits > 0 ? NUMERIC_NEG : NUMERIC_POS);
    putShort(scale);
    for (int i = first; i <= last; i++) {
      putShort(groups[i]);
    }
    return this;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  private void putShort(int v) {
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void putInt(int v) {
    putIntAt(len, v);
    len += 4;
  }

  private void putIntAt(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  private void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }
}
