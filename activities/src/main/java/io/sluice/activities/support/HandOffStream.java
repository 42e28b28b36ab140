package io.sluice.activities.support;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An output stream whose bytes a thread of its own writes to a target, a block at a time: the
 * thread that produces the bytes goes on while the target (a COPY into PostgreSQL) takes the blocks
 * before, so producing and consuming run side by side instead of taking turns. A fixed set of
 * blocks bounds the memory whatever the size of the stream. A failure of the target is thrown to
 * the producer at its next block or at {@link #close()}; {@link #close()} returns once every byte
 * was written to the target (which it does not close).
 */
public final class HandOffStream extends OutputStream {

  private static final Block END = new Block(new byte[0]);

  private static final class Block {
    final byte[] bytes;
    int length;

    Block(byte[] bytes) {
      this.bytes = bytes;
    }
  }

  private final BlockingQueue<Block> free;
  private final BlockingQueue<Block> full;
  private final Thread writer;
  private volatile Throwable failure;
  private Block current;
  private boolean closed;

  /**
   * @param blocks how many blocks the producer may be ahead of the target, at most
   * @param blockBytes the size of a block
   */
  public HandOffStream(OutputStream target, int blocks, int blockBytes, String threadName) {
    free = new ArrayBlockingQueue<>(blocks);
    full = new ArrayBlockingQueue<>(blocks + 1);
    for (int i = 0; i < blocks; i++) {
      free.add(new Block(new byte[blockBytes]));
    }
    writer = new Thread(() -> drain(target), threadName);
    writer.setDaemon(true);
    writer.start();
  }

  private void drain(OutputStream target) {
    try {
      while (true) {
        Block b = full.take();
        if (b == END) {
          return;
        }
        target.write(b.bytes, 0, b.length);
        b.length = 0;
        free.put(b);
      }
    } catch (InterruptedException e) {
      // abandoned: the producer failed or gave up
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      free.clear();
      free.offer(new Block(new byte[0])); // wakes a producer waiting for a block; it sees failure
    }
  }

  private Block block() throws IOException {
    if (current == null) {
      try {
        current = free.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while handing bytes over");
      }
      rethrow();
    }
    return current;
  }

  private void handOver() throws IOException {
    rethrow();
    try {
      full.put(current);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing bytes over");
    }
    current = null;
  }

  private void rethrow() throws IOException {
    Throwable f = failure;
    if (f instanceof IOException io) {
      throw new IOException(io.getMessage(), io);
    }
    if (f != null) {
      throw new IOException("the writer failed: " + f, f);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      Block block = block();
      int n = Math.min(len, block.bytes.length - block.length);
      System.arraycopy(b, off, block.bytes, block.length, n);
      block.length += n;
      off += n;
      len -= n;
      if (block.length == block.bytes.length) {
        handOver();
      }
    }
  }

  /** Hands the last block over and waits until the target has every byte. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (current != null && current.length > 0) {
      handOver();
    }
    try {
      full.put(END);
      writer.join();
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the last bytes were written");
    }
    rethrow();
  }

  /** Stops the writer without waiting for what is left: the caller gives the stream up. */
  public void abandon() {
    closed = true;
    writer.interrupt();
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
