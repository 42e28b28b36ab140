package io.sluice.activities.ingest;

import io.sluice.activities.config.FileFormat;
import io.sluice.activities.ingest.FileProblem.Kind;
import io.sluice.activities.support.Copies;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.GZIPInputStream;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Streams one partition file (CSV, JSON Lines or Parquet; see {@link RecordSource}) into a raw
 * table with COPY. Records are read one at a time and encoded straight into COPY's text format,
 * committed every {@code chunkRows} rows, so memory does not grow with the file and a retry can
 * resume after the last committed line.
 */
final class RawFileLoader {

  /** The longest record a file may hold: a longer one is refused, not buffered. */
  static final int MAX_RECORD_BYTES = 16 << 20;

  /** The most fields a record (the header too) may have. */
  static final int MAX_FIELDS = 2_000;

  /** Bytes of COPY data handed to the driver at a time. */
  private static final int BLOCK_BYTES = 1 << 18;

  /** Where a load stands after each chunk: the last line it holds and the rows this call added. */
  interface ChunkListener {
    /** Inside the chunk's transaction, before it commits: record the resume point with it. */
    void committing(long lastLine, long rows) throws SQLException;

    /** After the chunk committed. */
    void committed(long lastLine, long rows);

    /** After each block of rows went to the server (for progress; nothing is committed yet). */
    default void written(long lastLine, long rows) {}
  }

  private final DeclaredColumns columns;
  private final FileFormat declaredFormat;
  private final int chunkRows;

  /**
   * @param columns the raw table's declared columns, in COPY order after line_no
   * @param declaredFormat {@code source.format}, or null: each file's by its extension
   */
  RawFileLoader(DeclaredColumns columns, FileFormat declaredFormat, int chunkRows) {
    this.columns = columns;
    this.declaredFormat = declaredFormat;
    this.chunkRows = chunkRows;
  }

  /** What a load did: the rows it appended, and the SHA-256 of the bytes it read. */
  record Loaded(long rows, String sha256) {}

  /**
   * The file's field names (a CSV header with its BOM stripped and names trimmed); an empty list
   * for a file without records.
   */
  List<String> readHeader(Path file, SourceStream.Limits limits) {
    try (RecordSource records = open(file, limits)) {
      return records.header();
    } catch (IOException | UncheckedIOException e) {
      throw problem(file.getFileName().toString(), file, 1, e);
    }
  }

  /** Whether the file has at least one record (after its header). */
  boolean hasRecords(Path file, SourceStream.Limits limits) {
    try (RecordSource records = open(file, limits)) {
      return records.next();
    } catch (IOException | UncheckedIOException e) {
      throw problem(file.getFileName().toString(), file, 2, e);
    }
  }

  /** The records of {@code file} in its format, its header read. */
  RecordSource open(Path file, SourceStream.Limits limits) throws IOException {
    String name = file.getFileName().toString();
    FileFormat format = FileFormat.of(name, declaredFormat);
    if (format == FileFormat.PARQUET) {
      return new ParquetRecords(name, file, columns);
    }
    return records(name, SourceStream.open(file, limits));
  }

  /** The records of {@code src} (its header read): JSON Lines when its name says so, else CSV. */
  private RecordSource records(String name, SourceStream src) throws IOException {
    try {
      return FileFormat.of(name, declaredFormat) == FileFormat.JSONL
          ? new JsonLinesRecords(name, src, columns)
          : new CsvRecords(name, src, columns.names());
    } catch (IOException | RuntimeException e) {
      src.close();
      throw e;
    }
  }

  /**
   * Appends the records of {@code file} that start after line {@code resumeAfter} with COPY {@code
   * copySql} (text format; columns line_no, the text columns, extra, field_count), committing
   * {@code connection} (auto-commit off) every chunk.
   *
   * <p>Two threads share the work: a parser thread reads the file's bytes ({@link CsvRecordReader})
   * and encodes each record into blocks of COPY bytes; the calling thread writes the blocks to the
   * server and commits each chunk. They exchange a fixed set of {@value #BLOCKS} blocks, so memory
   * stays bounded whatever the file's size, and the server works on one block while the next is
   * parsed.
   *
   * @return the rows appended by this call, and the SHA-256 of every byte read from the file (all
   *     of it, whatever {@code resumeAfter})
   * @throws FileProblem when the file cannot be read at some line; chunks before it may have been
   *     committed, and the caller removes them
   */
  Loaded load(
      Connection connection,
      String copySql,
      Path file,
      long resumeAfter,
      SourceStream.Limits limits,
      ChunkListener listener)
      throws SQLException {
    return loadFile(connection, copySql, file, resumeAfter, limits, listener, true);
  }

  /**
   * Appends every record of {@code file} in one COPY, without committing: the caller identifies and
   * seals the file in the same transaction. {@code listener} hears {@link ChunkListener#committing}
   * once, after the last row.
   *
   * @return the rows appended, and the SHA-256 of every byte read from the file
   * @throws FileProblem when the file cannot be read at some line
   */
  Loaded loadUncommitted(
      Connection connection,
      String copySql,
      Path file,
      SourceStream.Limits limits,
      ChunkListener listener)
      throws SQLException {
    return loadFile(connection, copySql, file, 0, limits, listener, false);
  }

  private Loaded loadFile(
      Connection connection,
      String copySql,
      Path file,
      long resumeAfter,
      SourceStream.Limits limits,
      ChunkListener listener,
      boolean commit)
      throws SQLException {
    String name = file.getFileName().toString();
    return load(
        connection, copySql, name, file, () -> open(file, limits), resumeAfter, listener, commit);
  }

  /**
   * The records of an extract read while it is pulled ({@code in}), its header read: CSV, or JSON
   * Lines when its name says so.
   */
  RecordSource openStream(String name, InputStream in) throws IOException {
    return records(name, SourceStream.of(in));
  }

  /**
   * Appends every record of {@code records} (an extract read while it is pulled, its header read)
   * in one COPY, without committing: the caller identifies and seals the file in the same
   * transaction. {@code listener} hears {@link ChunkListener#committing} once, after the last row.
   */
  Loaded loadUncommitted(
      Connection connection,
      String copySql,
      String name,
      RecordSource records,
      ChunkListener listener)
      throws SQLException {
    return load(connection, copySql, name, null, () -> records, 0, listener, false);
  }

  /** Opens the records a load reads, on its parser thread. */
  private interface Opener {
    RecordSource open() throws IOException;
  }

  private Loaded load(
      Connection connection,
      String copySql,
      String name,
      Path file,
      Opener opener,
      long resumeAfter,
      ChunkListener listener,
      boolean commit)
      throws SQLException {
    CopyManager copyManager = connection.unwrap(BaseConnection.class).getCopyAPI();
    BlockPipe pipe = new BlockPipe();
    int chunk = commit ? chunkRows : Integer.MAX_VALUE;
    Thread parser =
        new Thread(
            () -> parse(pipe, name, file, opener, resumeAfter, chunk), "sluice-parse-" + name);
    parser.setDaemon(true);
    parser.start();
    CopyIn copy = null;
    try {
      while (true) {
        Block block = pipe.full.take();
        if (block.failure != null) {
          throw block.failure;
        }
        if (block.out.size() > 0) {
          if (copy == null) {
            copy = copyManager.copyIn(copySql);
          }
          copy.writeToCopy(block.out.array(), 0, block.out.size());
          listener.written(block.lastLine, block.rows);
        }
        if (block.chunkEnd && copy != null) {
          copy.endCopy();
          copy = null;
          listener.committing(block.lastLine, block.rows);
          if (commit) {
            connection.commit();
            listener.committed(block.lastLine, block.rows);
          }
        }
        if (block.last) {
          return new Loaded(block.rows, block.sha256);
        }
        pipe.recycle(block);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading " + name, e);
    } finally {
      parser.interrupt();
      try {
        parser.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // the caller rolls the transaction back either way
      Copies.cancel(copy, connection, null);
    }
  }

  /**
   * The parser thread: records to COPY blocks, handed over when full, at chunk ends, at the end.
   */
  private void parse(
      BlockPipe pipe, String name, Path file, Opener opener, long resumeAfter, int rowsPerChunk) {
    Parse state = new Parse(pipe, resumeAfter, rowsPerChunk);
    try (RecordSource records = opener.open()) {
      state.block = pipe.free.take();
      state.lineEnd = records.lastLine();
      state.records(records);
      state.block.sha256 = records.sha256();
      pipe.full.put(state.block.mark(true, true, state.lineEnd, state.rows));
    } catch (InterruptedException e) {
      // the writer has stopped and wants nothing more
    } catch (IOException | UncheckedIOException e) {
      pipe.fail(state.block, problem(name, file, state.lineEnd + 1, e));
    } catch (RuntimeException e) {
      pipe.fail(state.block, e);
    }
  }

  /**
   * Where the parser thread stands, and its loop over the records: a method of its own so the JIT
   * compiles the loop alone, not the whole of {@link #parse} with it
   * (docs/adr/0031-hot-loops-are-small-methods.md).
   */
  private static final class Parse {
    private final BlockPipe pipe;
    private final long resumeAfter;
    private final int rowsPerChunk;
    Block block;
    long lineEnd = 1;
    long rows;
    private long chunkRowsSoFar;

    Parse(BlockPipe pipe, long resumeAfter, int rowsPerChunk) {
      this.pipe = pipe;
      this.resumeAfter = resumeAfter;
      this.rowsPerChunk = rowsPerChunk;
    }

    /** Encodes every record after {@code resumeAfter} into blocks, handing each over when full. */
    void records(RecordSource records) throws IOException, InterruptedException {
      while (records.next()) {
        long startLine = records.recordLine();
        lineEnd = records.lastLine();
        if (startLine <= resumeAfter) {
          continue;
        }
        block.out.number(startLine);
        records.encode(block.out);
        block.out.endRow();
        rows++;
        boolean chunkEnd = ++chunkRowsSoFar >= rowsPerChunk;
        if (chunkEnd || block.out.size() >= BLOCK_BYTES) {
          chunkRowsSoFar = chunkEnd ? 0 : chunkRowsSoFar;
          pipe.full.put(block.mark(chunkEnd, false, lineEnd, rows));
          block = pipe.free.take();
        }
      }
    }
  }

  /** How many blocks one load uses: one being written, one being parsed, two waiting. */
  private static final int BLOCKS = 4;

  /** A block of COPY bytes and where the file stands after it. */
  private static final class Block {
    final CopyTextEncoder out = new CopyTextEncoder(BLOCK_BYTES + (1 << 12));
    boolean chunkEnd;
    boolean last;
    long lastLine;
    long rows;
    String sha256;
    RuntimeException failure;

    Block mark(boolean chunkEnd, boolean last, long lastLine, long rows) {
      this.chunkEnd = chunkEnd;
      this.last = last;
      this.lastLine = lastLine;
      this.rows = rows;
      return this;
    }
  }

  /** Blocks go from {@code free} to the parser, to {@code full}, to the writer, back to free. */
  private static final class BlockPipe {
    final BlockingQueue<Block> free = new ArrayBlockingQueue<>(BLOCKS);
    final BlockingQueue<Block> full = new ArrayBlockingQueue<>(BLOCKS + 1);

    BlockPipe() {
      for (int i = 0; i < BLOCKS; i++) {
        free.add(new Block());
      }
    }

    void recycle(Block block) {
      block.out.clear();
      block.sha256 = null;
      free.add(block);
    }

    /** Hands a failure to the writer; there is always room, as at most BLOCKS blocks exist. */
    void fail(Block block, RuntimeException failure) {
      Block carrier = block != null ? block : new Block();
      carrier.out.clear();
      carrier.failure = failure;
      full.add(carrier);
    }
  }

  /** What {@code e} says is wrong with the file {@code name} ({@code file}; null for a stream). */
  private static FileProblem problem(String name, Path file, long line, Exception e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    if (t instanceof CsvRecordReader.Malformed m) {
      return new FileProblem(name, m.line, m.kind, m.getMessage(), e);
    }
    if (t instanceof SourceStream.TooLarge big) {
      return new FileProblem(
          name,
          line,
          Kind.DECOMPRESSED_TOO_LARGE,
          String.format(
              "the %,d compressed bytes inflate past %,d (source.max_compression_ratio,"
                  + " source.max_decompressed_size): refused as a likely decompression bomb; raise"
                  + " the limits in the pipeline file if the file is genuine",
              big.compressedBytes, big.bound),
          e);
    }
    if (t instanceof CharacterCodingException) {
      // The reader checks a field's bytes once the field is read: find the exact line of the first
      // bad byte in a second, byte-level pass.
      long exact = file == null ? -1 : firstLineNotUtf8(file);
      return new FileProblem(
          name, exact > 0 ? exact : line, Kind.NOT_UTF8, "bytes that are not valid UTF-8", e);
    }
    return new FileProblem(name, line, Kind.UNREADABLE, String.valueOf(t.getMessage()), e);
  }

  /** The physical line holding the first byte sequence that is not UTF-8, or -1. */
  static long firstLineNotUtf8(Path file) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(1 << 16);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(1 << 16);
    long line = 1;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream bytes =
            file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      byte[] buf = new byte[1 << 15];
      boolean eof = false;
      while (!eof) {
        int n = bytes.read(buf, 0, Math.min(buf.length, in.remaining()));
        eof = n < 0;
        if (n > 0) {
          in.put(buf, 0, n);
        }
        in.flip();
        java.nio.charset.CoderResult r = decoder.decode(in, out, eof);
        out.flip();
        while (out.hasRemaining()) {
          if (out.get() == '\n') {
            line++;
          }
        }
        out.clear();
        if (r.isError()) {
          return line;
        }
        in.compact();
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
