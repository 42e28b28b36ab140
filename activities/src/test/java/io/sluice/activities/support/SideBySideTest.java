package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SideBySideTest {

  @Test
  void resultsComeInTheOrderOfTheTasksAndTheTasksRunTogether() {
    CountDownLatch both = new CountDownLatch(2);
    Callable<String> a =
        () -> {
          both.countDown();
          // returns only when the other task has started too: they run side by side
          return both.await(10, TimeUnit.SECONDS) ? "a" : "alone";
        };
    Callable<String> b =
        () -> {
          both.countDown();
          return both.await(10, TimeUnit.SECONDS) ? "b" : "alone";
        };
    assertThat(SideBySide.run("test", List.of(a, b), 2)).containsExactly("a", "b");
  }

  @Test
  void oneThreadRunsTheTasksOnTheCallersThreadAndStopsAtTheFirstFailure() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger ran = new AtomicInteger();
    Callable<Integer> fails =
        () -> {
          threads.add(Thread.currentThread().getName());
          ran.incrementAndGet();
          throw new IllegalStateException("dates 2024-01-01..2024-01-10 failed");
        };
    Callable<Integer> after =
        () -> {
          ran.incrementAndGet();
          return 1;
        };
    assertThatThrownBy(() -> SideBySide.run("test", List.of(fails, after), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dates 2024-01-01..2024-01-10 failed");
    assertThat(ran).hasValue(1);
    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void withThreadsEveryTaskRunsToItsEndAndTheFirstFailureCarriesTheOthers() {
    AtomicInteger finished = new AtomicInteger();
    Callable<Integer> first =
        () -> {
          throw new IllegalStateException("first");
        };
    Callable<Integer> slow =
        () -> {
          Thread.sleep(200);
          finished.incrementAndGet();
          return 1;
        };
    Callable<Integer> second =
        () -> {
          throw new java.io.IOException("second");
        };
    assertThatThrownBy(() -> SideBySide.run("test", List.of(first, slow, second), 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("first")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(s -> assertThat(s).hasRootCauseMessage("second")));
    assertThat(finished).hasValue(1);
  }
}
