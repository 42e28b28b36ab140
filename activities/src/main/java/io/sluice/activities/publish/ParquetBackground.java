package io.sluice.activities.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Parquet writer fed from another thread: the rows are handed over in batches and encoded on a
 * thread of their own, so a split's CSV and its Parquet file are written side by side, in the same
 * row order as if written in one thread. Why: docs/adr/0011-exports-from-one-copy-per-split.md.
 *
 * <p>{@link #finish} writes the footer and reports the writer thread's failure, if any, as the
 * failure of the export; {@link #close} without {@code finish} (the export failed elsewhere) stops
 * the thread and leaves an unfinished file for the caller to delete.
 */
final class ParquetBackground implements AutoCloseable {

  private static final int BATCH = 1024;
  private static final Object[][] END = new Object[0][];

  private final BlockingQueue<Object[][]> queue = new ArrayBlockingQueue<>(8);
  private final Thread thread;
  private volatile Throwable failure;
  private Object[][] batch = new Object[BATCH][];
  private int size;
  private boolean done;

  ParquetBackground(ParquetExport.Writer writer, String name) {
    thread = new Thread(() -> drain(writer), "parquet " + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void drain(ParquetExport.Writer writer) {
    try (writer) {
      try {
        while (true) {
          Object[][] rows = queue.take();
          if (rows == END) {
            return;
          }
          for (Object[] row : rows) {
            writer.write(row);
          }
        }
      } catch (InterruptedException e) {
        // abandoned (close without finish): closed without a footer, so no file reads as complete
        writer.abort();
        failure = e;
        Thread.currentThread().interrupt();
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    }
  }

  /** Queues {@code row}; the array must not be changed afterwards. */
  void write(Object[] row) throws IOException {
    batch[size++] = row;
    if (size == BATCH) {
      hand(batch);
      batch = new Object[BATCH][];
      size = 0;
    }
  }

  /** Writes the rest and the footer, and waits for them. */
  void finish() throws IOException {
    if (size > 0) {
      hand(Arrays.copyOf(batch, size));
      size = 0;
    }
    hand(END);
    done = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the Parquet file was being finished", e);
    }
    rethrow();
  }

  private void hand(Object[][] rows) throws IOException {
    try {
      while (!queue.offer(rows, 100, TimeUnit.MILLISECONDS)) {
        if (!thread.isAlive()) {
          rethrow();
          throw new IOException("the Parquet writer stopped");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the Parquet file", e);
    }
    rethrow();
  }

  private void rethrow() throws IOException {
    Throwable t = failure;
    if (t == null) {
      return;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof UncheckedIOException io) {
      throw io.getCause();
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IOException("the Parquet writer failed", t);
  }

  @Override
  public void close() {
    if (!done) {
      done = true;
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
