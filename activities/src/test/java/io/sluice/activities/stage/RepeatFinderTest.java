package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepeatFinderTest {

  @Test
  void everyRepeatedValueIsACandidateAndFewOthersAre() {
    RepeatFinder f = new RepeatFinder(2);
    Set<String> repeated = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      f.see(0, "O" + i);
      f.see(1, i % 1000 == 0 ? null : "C" + (i % 5000));
      if (i % 997 == 0) {
        f.see(0, "O" + i);
        repeated.add("O" + i);
      }
    }
    assertThat(f.candidates(0)).containsAll(repeated);
    assertThat(f.candidates(0).size() - repeated.size())
        .as("values that do not repeat but are candidates")
        .isLessThan(2_000);
    assertThat(f.candidates(1)).hasSize(4_995).doesNotContainNull();
  }

  @Test
  void afterGivingUpNothingIsKnown() {
    RepeatFinder f = new RepeatFinder(1);
    f.see(0, "a");
    f.see(0, "a");
    assertThat(f.candidates(0)).containsExactly("a");
    f.giveUp();
    f.see(0, "a");
    assertThat(f.candidates(0)).isNull();
  }
}
