package io.sluice.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A worker starting while its Temporal server is briefly unavailable waits for it. */
class SluiceWorkerTest {

  @Test
  void anUnavailableServerIsAskedAgainUntilItAnswers() {
    AtomicInteger attempts = new AtomicInteger();
    SluiceWorker.startWithin(
        () -> {
          if (attempts.incrementAndGet() < 3) {
            throw new StatusRuntimeException(Status.UNAVAILABLE.withDescription("interrupted (9)"));
          }
        },
        Duration.ofSeconds(30));
    assertThat(attempts).hasValue(3);
  }

  @Test
  void aServerStillUnavailableAfterThePatienceFailsTheStart() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                SluiceWorker.startWithin(
                    () -> {
                      attempts.incrementAndGet();
                      throw new StatusRuntimeException(Status.UNAVAILABLE);
                    },
                    Duration.ofSeconds(2)))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(attempts.get()).isBetween(2, 4);
  }

  @Test
  void anyOtherErrorFailsAtOnce() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                SluiceWorker.startWithin(
                    () -> {
                      attempts.incrementAndGet();
                      throw new StatusRuntimeException(
                          Status.NOT_FOUND.withDescription("namespace"));
                    },
                    Duration.ofSeconds(30)))
        .hasMessageContaining("namespace");
    assertThat(attempts).hasValue(1);
  }
}
