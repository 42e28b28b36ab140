package io.sluice.activities.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An extract's bytes handed from the thread pulling it to a thread reading them as they are
 * written, through a few blocks, so memory stays bounded. The reader may stop at any point ({@link
 * #close} its stream): the pull goes on writing the file alone. It sees the end of the stream only
 * when the extract was written whole; a pull that stops early makes its next read fail.
 */
final class ExtractStream extends InputStream {

  /** Blocks waiting for the reader; with the writer's buffer, about 0.5 MB in flight. */
  private static final int BLOCKS = 8;

  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> blocks = new ArrayBlockingQueue<>(BLOCKS);
  private volatile boolean readerGone;
  private volatile String failure;
  private boolean ended;
  private byte[] block = new byte[0];
  private int at;

  /** Where the pull writes: each write is one block for the reader. */
  final OutputStream sink =
      new OutputStream() {
        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          if (len > 0 && !ended) {
            hand(Arrays.copyOfRange(b, off, off + len));
          }
        }

        /** The extract is whole: the reader sees its end. */
        @Override
        public void close() {
          if (!ended) {
            ended = true;
            hand(END);
          }
        }
      };

  /**
   * The pull stopped before the extract was whole: the reader's next read fails (after the blocks
   * already handed over), naming {@code why}.
   */
  void abort(String why) {
    if (!ended) {
      ended = true;
      failure = why;
      hand(END);
    }
  }

  private void hand(byte[] b) {
    try {
      while (!readerGone) {
        if (blocks.offer(b, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          new java.io.InterruptedIOException("interrupted handing the extract to its reader"));
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (at == block.length) {
      if (block == END) {
        if (failure != null) {
          throw new IOException(failure);
        }
        return -1;
      }
      try {
        block = blocks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted reading the extract as it is pulled");
      }
      at = 0;
    }
    int n = Math.min(len, block.length - at);
    System.arraycopy(block, at, b, off, n);
    at += n;
    return n;
  }

  /** The reader stops: what the pull writes from now on goes to the file only. */
  @Override
  public void close() {
    readerGone = true;
    blocks.clear();
  }
}
