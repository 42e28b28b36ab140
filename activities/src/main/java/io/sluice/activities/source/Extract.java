package io.sluice.activities.source;

import io.sluice.activities.support.Hashing;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * A pulled partition's extract: the rows a source returned, written as CSV (a header, then one
 * record per row in the source's canonical order) to a temporary file beside the partition's
 * extract, hashed as written. {@link #finish} puts it in place only when its bytes differ from the
 * extract already there, so a re-pull of unchanged data leaves the file, its modification time and
 * so the partition's version as they were. An empty value and a NULL are both written as an empty
 * field, which staging reads as a missing value either way.
 */
final class Extract implements AutoCloseable {

  /** What a pull left: its rows, the SHA-256 of its extract, whether the extract changed. */
  record Pulled(long rows, String sha256, boolean changed, Path file) {}

  private final Path target;
  private final Path temporary;
  private final MessageDigest digest = Hashing.sha256();
  private final OutputStream out;
  private final int columns;
  private long rows;
  private long bytes;
  private final ExtractStream tap;
  private boolean finished;
  private boolean kept;

  /**
   * An extract of rows given one at a time ({@link #row}), its bytes also handed to {@code tap}
   * when there is one.
   */
  Extract(Path target, List<String> header, ExtractStream tap) throws IOException {
    this(target, header.size(), 0, 0, tap);
    record(header.toArray(String[]::new));
    rows = 0;
  }

  /**
   * An extract whose CSV bytes, header first, come from {@link #csv} (a COPY's output), also handed
   * to {@code tap} when there is one.
   */
  Extract(Path target, ExtractStream tap) throws IOException {
    this(target, -1, 0, 0, tap);
  }

  /**
   * An extract continued after the first {@code bytes} bytes ({@code rows} records) that an earlier
   * attempt wrote aside and kept; a new one when they are not there.
   */
  static Extract resumed(Path target, long bytes, long rows) throws IOException {
    Path aside = aside(target);
    boolean there = bytes > 0 && Files.isRegularFile(aside) && Files.size(aside) >= bytes;
    return new Extract(target, -2, there ? bytes : 0, there ? rows : 0, null);
  }

  private Extract(Path target, int columns, long resumeBytes, long resumeRows, ExtractStream tap)
      throws IOException {
    this.target = target;
    this.tap = tap;
    Files.createDirectories(target.getParent());
    this.temporary = aside(target);
    this.columns = columns;
    FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    try {
      lock(channel);
      // truncated only once locked: another pull of the partition may be writing it
      channel.truncate(resumeBytes);
      if (resumeBytes > 0) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (long at = 0; at < resumeBytes; ) {
          buf.clear();
          int n = channel.read(buf, at);
          if (n <= 0) {
            break;
          }
          digest.update(buf.flip());
          at += n;
        }
        this.bytes = resumeBytes;
        this.rows = resumeRows;
      }
      channel.position(resumeBytes);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    OutputStream file = Channels.newOutputStream(channel);
    this.out =
        new BufferedOutputStream(
            new DigestOutputStream(tap == null ? file : tee(file, tap.sink), digest), 1 << 16);
  }

  /**
   * Locks the temporary extract for this pull until it is closed: a second pull of the same
   * partition at once (an attempt whose heartbeats stopped, still running, and its retry) is
   * refused instead of writing into the same file.
   */
  private void lock(FileChannel channel) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another pull in this worker
    }
    if (lock == null) {
      throw new IllegalStateException(
          "another pull of the same partition is writing "
              + temporary
              + " (an earlier attempt still running); this attempt will be retried");
    }
  }

  /** Writes to the file, then to the reader; closed, the file is complete and then the reader's. */
  private static OutputStream tee(OutputStream file, OutputStream reader) {
    return new java.io.FilterOutputStream(file) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        reader.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        reader.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        super.close();
        reader.close();
      }
    };
  }

  private static Path aside(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".pulling");
  }

  /** Appends one JSON Lines record (compact JSON, no line break in it). */
  void line(byte[] json) throws IOException {
    out.write(json);
    out.write('\n');
    bytes += json.length + 1;
    rows++;
  }

  /** The bytes written so far, those of a resumed attempt included. */
  long bytes() throws IOException {
    out.flush();
    return bytes;
  }

  /** On {@link #close} without {@link #finish}, keeps what was written for a retry to resume. */
  void keep() {
    kept = true;
  }

  /**
   * Appends one whole CSV record's bytes, line break included: the header first, then one per row
   * (as a COPY's output comes, one message a row, so a line break inside a quoted value is not
   * counted as a row).
   */
  void csvRecord(byte[] record) throws IOException {
    out.write(record);
    bytes += record.length;
    rows++;
  }

  /** The rows written so far (for {@link #csvRecord}, its records but the header). */
  long rows() {
    return columns == -1 ? Math.max(0, rows - 1) : rows;
  }

  /** Appends one row: {@code values} in the header's order, null for a NULL. */
  void row(String[] values) throws IOException {
    if (values.length != columns) {
      throw new IllegalArgumentException(values.length + " values for " + columns + " columns");
    }
    record(values);
  }

  private void record(String[] values) throws IOException {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      String v = values[i];
      if (v != null && !v.isEmpty()) {
        field(v);
      }
    }
    out.write('\n');
    rows++;
  }

  /** RFC 4180: quoted when it holds a comma, quote or line break, or starts or ends blank. */
  private void field(String v) throws IOException {
    boolean quote =
        v.indexOf(',') >= 0
            || v.indexOf('"') >= 0
            || v.indexOf('\n') >= 0
            || v.indexOf('\r') >= 0
            || Character.isWhitespace(v.charAt(0))
            || Character.isWhitespace(v.charAt(v.length() - 1));
    byte[] bytes =
        (quote ? '"' + v.replace("\"", "\"\"") + '"' : v).getBytes(StandardCharsets.UTF_8);
    out.write(bytes);
  }

  /**
   * Closes the extract and puts it in place of the partition's when its bytes differ (or there is
   * none); otherwise the temporary file goes and the extract in place is untouched.
   */
  Pulled finish() throws IOException {
    finished = true;
    try {
      out.flush();
      String sha = Hashing.hex(digest.digest());
      boolean same = Files.isRegularFile(target) && Hashing.sha256Hex(target).equals(sha);
      // moved (or removed) while still locked, so no other pull has written into it
      if (same) {
        Files.delete(temporary);
      } else {
        Files.move(
            temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return new Pulled(rows(), sha, !same, target);
    } finally {
      out.close(); // the lock goes, and a reader sees the end of the extract
    }
  }

  /** Without {@link #finish}: the pull failed, the temporary file goes, the extract stays. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      if (tap != null) {
        tap.abort("the pull stopped before its extract was whole");
      }
      try {
        if (!kept) {
          Files.deleteIfExists(temporary); // while still locked: a later pull's file is its own
        }
      } finally {
        out.close();
      }
    }
  }
}
