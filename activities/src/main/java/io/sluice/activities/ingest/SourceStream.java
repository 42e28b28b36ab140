package io.sluice.activities.ingest;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.support.Hashing;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.zip.GZIPInputStream;

/**
 * A partition file's bytes as the loader reads them: hashed as they are read, so the file's
 * identity is that of the bytes loaded, and, for a gzip file, inflated no further than its {@link
 * Limits} allow, so a decompression bomb is refused early instead of filling raw.
 */
final class SourceStream implements Closeable {

  /**
   * How far a compressed file may inflate: at most {@code maxBytes}, and past {@code floorBytes} at
   * most {@code maxRatio} times its compressed size.
   */
  record Limits(long maxBytes, long maxRatio, long floorBytes) {

    /** Below this many inflated bytes the ratio is not checked: small files compress oddly. */
    static final long FLOOR_BYTES = 64L << 20;

    static Limits of(LoadedConfig config) {
      return new Limits(config.maxDecompressedBytes(), config.maxCompressionRatio(), FLOOR_BYTES);
    }

    long bound(long compressedBytes) {
      long byRatio =
          compressedBytes > Long.MAX_VALUE / maxRatio ? Long.MAX_VALUE : compressedBytes * maxRatio;
      return Math.min(maxBytes, Math.max(floorBytes, byRatio));
    }
  }

  /** A compressed file inflating past its bound. */
  static final class TooLarge extends IOException {
    final long compressedBytes;
    final long bound;

    TooLarge(long compressedBytes, long bound) {
      super("inflates past " + bound + " bytes");
      this.compressedBytes = compressedBytes;
      this.bound = bound;
    }
  }

  private final DigestInputStream hashed;
  private final InputStream data;

  private SourceStream(DigestInputStream hashed, InputStream data) {
    this.hashed = hashed;
    this.data = data;
  }

  /** Opens {@code file} (gzip-compressed when its name ends in .gz). */
  static SourceStream open(Path file, Limits limits) throws IOException {
    DigestInputStream hashed =
        new DigestInputStream(
            new BufferedInputStream(Files.newInputStream(file), 1 << 16), Hashing.sha256());
    InputStream data = hashed;
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        long compressed = Files.size(file);
        data = new Bounded(new GZIPInputStream(hashed, 1 << 16), compressed, limits);
      }
    } catch (IOException | RuntimeException e) {
      hashed.close();
      throw e;
    }
    return new SourceStream(hashed, data);
  }

  /**
   * Bytes that arrive as a stream: an extract read while it is pulled, which the pull hashes as it
   * writes them (so {@link #sha256} is null).
   */
  static SourceStream of(InputStream in) {
    return new SourceStream(null, in);
  }

  /** The bytes to parse: the file's, inflated when compressed. */
  InputStream data() {
    return data;
  }

  /**
   * The SHA-256 of every byte of the file (null for a stream), read to its end first (gzip may stop
   * before trailing bytes, which are part of the file all the same).
   */
  String sha256() throws IOException {
    byte[] rest = new byte[1 << 16];
    InputStream all = hashed != null ? hashed : data;
    while (all.read(rest) >= 0) {
      // hashed as read
    }
    return hashed == null ? null : Hashing.hex(hashed.getMessageDigest().digest());
  }

  @Override
  public void close() throws IOException {
    data.close();
  }

  /** Counts inflated bytes and refuses the ones past the bound. */
  private static final class Bounded extends FilterInputStream {
    private final long compressed;
    private final long bound;
    private long inflated;

    Bounded(InputStream in, long compressed, Limits limits) {
      super(in);
      this.compressed = compressed;
      this.bound = limits.bound(compressed);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws TooLarge {
      inflated += n;
      if (inflated > bound) {
        throw new TooLarge(compressed, bound);
      }
    }
  }
}
