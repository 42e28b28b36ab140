package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandOffStreamTest {

  @Test
  void everyByteReachesTheTargetInOrderByClose() throws IOException {
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Random random = new Random(7);
    try (HandOffStream s = new HandOffStream(target, 3, 64, "test")) {
      for (int i = 0; i < 2_000; i++) {
        byte[] b = new byte[random.nextInt(200)];
        random.nextBytes(b);
        int off = b.length == 0 ? 0 : random.nextInt(b.length);
        s.write(b, off, b.length - off);
        expected.write(b, off, b.length - off);
        s.write(i);
        expected.write(i);
      }
    }
    assertThat(target.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void theProducerRunsAheadOfASlowTargetByTheBlocksOnly() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuck =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    HandOffStream s = new HandOffStream(stuck, 2, 10, "test");
    Thread producer =
        new Thread(
            () -> {
              try {
                s.write(new byte[1_000]);
                s.close();
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    producer.start();
    producer.join(300);
    assertThat(producer.isAlive()).as("blocked: the target holds every block").isTrue();
    release.countDown();
    producer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(producer.isAlive()).isFalse();
  }

  @Test
  void aFailingTargetFailsTheProducer() {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("COPY failed: disk full");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("COPY failed: disk full");
          }
        };
    HandOffStream s = new HandOffStream(failing, 2, 16, "test");
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 1_000; i++) {
                s.write(new byte[16]);
              }
              s.close();
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("COPY failed: disk full");
    s.abandon();
  }
}
