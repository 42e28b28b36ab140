package io.sluice.activities.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Distinct doubles counted as a map of boxed doubles counts them, and no further than the bound.
 */
class DoubleCountsTest {

  @Test
  void countsAsAMapDoes() {
    SplittableRandom rnd = new SplittableRandom(3);
    DoubleCounts counts = new DoubleCounts(100_000);
    Map<Double, Long> expected = new HashMap<>();
    for (int i = 0; i < 300_000; i++) {
      double x =
          switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(-30_000, 30_000) / 100.0;
            case 1 -> rnd.nextInt(1, 10);
            case 2 -> rnd.nextBoolean() ? 0.0 : -0.0;
            default -> rnd.nextInt(1_000) * 1e-300;
          };
      counts.add(x);
      expected.merge(x, 1L, Long::sum);
    }
    assertThat(expected.size()).isBetween(40_000, 100_000); // the table grew many times
    assertThat(counts.counts()).isEqualTo(expected);
  }

  @Test
  void givesUpPastItsBound() {
    DoubleCounts counts = new DoubleCounts(1_000);
    for (int i = 0; i < 1_000; i++) {
      counts.add(i);
    }
    assertThat(counts.counts()).hasSize(1_000);
    counts.add(1_000);
    counts.add(3);
    assertThat(counts.counts()).isNull();
  }
}
