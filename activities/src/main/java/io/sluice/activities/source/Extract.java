package io.sluice.activities.source;

import io.sluice.activities.support.Hashing;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  private boolean finished;

  Extract(Path target, List<String> header) throws IOException {
    this.target = target;
    Files.createDirectories(target.getParent());
    this.temporary = target.resolveSibling("." + target.getFileName() + ".pulling");
    this.out =
        new BufferedOutputStream(
            new DigestOutputStream(Files.newOutputStream(temporary), digest), 1 << 16);
    this.columns = header.size();
    record(header.toArray(String[]::new));
    rows = 0;
  }

  /** Appends one row: {@code values} in the header's order, null for a NULL. */
  void row(String[] values) throws IOException {
    if (values.length != columns) {
      throw new IllegalArgumentException(values.length + " values for " + columns + " columns");
    }
    record(values);
  }

  long rows() {
    return rows;
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
    out.close();
    finished = true;
    String sha = Hashing.hex(digest.digest());
    boolean same = Files.isRegularFile(target) && Hashing.sha256Hex(target).equals(sha);
    if (same) {
      Files.delete(temporary);
    } else {
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return new Pulled(rows, sha, !same, target);
  }

  /** Without {@link #finish}: the pull failed, the temporary file goes, the extract stays. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      try {
        out.close();
      } finally {
        Files.deleteIfExists(temporary);
      }
    }
  }
}
