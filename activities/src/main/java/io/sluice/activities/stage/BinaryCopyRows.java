package io.sluice.activities.stage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyOut;

/**
 * The rows of a {@code COPY ... TO STDOUT (FORMAT binary)}, read where they arrive: PostgreSQL
 * sends each row as one message (the stream's header comes with the first), so a row's fields are
 * read from that message's bytes, and a text field can be copied on as the bytes it came as ({@link
 * #bytes}, {@link #start}, {@link #length}) instead of being encoded again. A row that spans
 * messages is read just the same, from the messages put together.
 */
final class BinaryCopyRows {

  private static final byte[] SIGNATURE = BinaryCopyEncoder.SIGNATURE;

  private final CopyOut copy;
  private final int fields;
  private final int[] start;
  private final int[] length;
  private byte[] buf = new byte[0];
  private int pos;
  private int trailerEnd;
  private boolean done;

  /**
   * Rows of {@code fields} fields each; reads the stream's header (waiting for its first message).
   * The header is read here, not by the first {@link #next}: a branch only a stream's first row
   * took would be one the compiled row loop has never seen taken, and the next partition's first
   * row would send it back to the interpreter and the compiler.
   */
  BinaryCopyRows(CopyOut copy, int fields) throws IOException {
    this.copy = copy;
    this.fields = fields;
    this.start = new int[fields];
    this.length = new int[fields];
    int end;
    while ((end = header(pos)) < 0) {
      // append only to a header begun: the row loop never loads into an empty buffer
      if (!load(pos < buf.length)) {
        throw new EOFException("COPY ended inside its header");
      }
    }
    pos = end;
  }

  /** Reads the next row; false after the stream's trailer, when nothing may follow. */
  boolean next() throws IOException {
    if (done) {
      return false;
    }
    if (pos == buf.length && !load(false)) {
      throw new EOFException("COPY ended without its trailer");
    }
    while (true) {
      int end = row(pos);
      if (end == -2) {
        done = true;
        if (trailerEnd != buf.length || load(true)) {
          throw new IllegalStateException("COPY sent data after its trailer");
        }
        return false;
      }
      if (end >= 0) {
        pos = end;
        return true;
      }
      // the row goes on in the next message: read it from the two put together
      if (!load(true)) {
        throw new EOFException("COPY ended inside a row");
      }
    }
  }

  /** Where the header at {@code at} ends, -1 when the buffer ends first. */
  private int header(int at) throws IOException {
    int p = at;
    if (buf.length - p < SIGNATURE.length + 8) {
      return -1;
    }
    if (!Arrays.equals(buf, p, p + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw new IOException("not a binary COPY stream");
    }
    p += SIGNATURE.length + 4; // the flags
    int extension = int4(p);
    p += 4;
    if (extension < 0) {
      throw new IOException("a binary COPY header with an extension of " + extension + " bytes");
    }
    if (buf.length - p < extension) {
      return -1;
    }
    return p + extension; // as the format says: skipped by a reader that does not know it
  }

  /**
   * Where the row at {@code at} ends (its fields' bounds set), -1 when the buffer ends first, -2
   * for the trailer (which ends at {@link #trailerEnd}).
   */
  private int row(int at) throws IOException {
    int p = at;
    if (buf.length - p < 2) {
      return -1;
    }
    short n = (short) (((buf[p] & 0xFF) << 8) | (buf[p + 1] & 0xFF));
    p += 2;
    if (n == -1) {
      trailerEnd = p;
      return -2;
    }
    if (n != fields) {
      throw new IllegalStateException("COPY sent " + n + " fields, expected " + fields);
    }
    for (int i = 0; i < fields; i++) {
      if (buf.length - p < 4) {
        return -1;
      }
      int len = int4(p);
      p += 4;
      if (len < -1) {
        throw new IOException("a binary COPY field of length " + len);
      }
      if (len > 0 && buf.length - p < len) {
        return -1;
      }
      start[i] = p;
      length[i] = len;
      if (len > 0) {
        p += len;
      }
    }
    return p;
  }

  /**
   * The next message: in place of the buffer, or with {@code append} after what is left of it from
   * {@link #pos} on; false at the end of the COPY.
   */
  private boolean load(boolean append) throws IOException {
    byte[] next;
    try {
      next = copy.readFromCopy();
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (next == null) {
      return false;
    }
    if (append && pos < buf.length) {
      byte[] joined = new byte[buf.length - pos + next.length];
      System.arraycopy(buf, pos, joined, 0, buf.length - pos);
      System.arraycopy(next, 0, joined, buf.length - pos, next.length);
      next = joined;
    }
    buf = next;
    pos = 0;
    return true;
  }

  private int int4(int p) {
    return ((buf[p] & 0xFF) << 24)
        | ((buf[p + 1] & 0xFF) << 16)
        | ((buf[p + 2] & 0xFF) << 8)
        | (buf[p + 3] & 0xFF);
  }

  /** The bytes the current row's fields are in. */
  byte[] bytes() {
    return buf;
  }

  /** Where field {@code i} of the current row starts in {@link #bytes}. */
  int start(int i) {
    return start[i];
  }

  /** Field {@code i}'s length in bytes, or -1 for a NULL. */
  int length(int i) {
    return length[i];
  }

  /** Field {@code i} as a bigint. */
  long int8(int i) {
    require(i, 8);
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (buf[start[i] + k] & 0xFF);
    }
    return v;
  }

  /** Field {@code i} as a boolean. */
  boolean bool(int i) {
    require(i, 1);
    return buf[start[i]] != 0;
  }

  /** Field {@code i} as text (UTF-8), or null. */
  String text(int i) {
    return length[i] < 0 ? null : new String(buf, start[i], length[i], StandardCharsets.UTF_8);
  }

  private void require(int i, int expected) {
    if (length[i] != expected) {
      throw new IllegalStateException(
          "field "
              + i
              + " of a COPY row has "
              + length[i]
              + " bytes where "
              + expected
              + " were due");
    }
  }
}
