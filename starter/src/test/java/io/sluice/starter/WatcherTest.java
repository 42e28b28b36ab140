package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WatcherTest {

  @Test
  void aBackfillInItsLastStepsIsCheckedForClosingTenTimesASecond() {
    for (String phase : new String[] {"split", "publish", "done"}) {
      assertThat(Watcher.checkEvery(phase)).as(phase).isEqualTo(Duration.ofMillis(100));
    }
  }

  @Test
  void earlierPhasesOrAnUnknownOneAreCheckedOnceASecond() {
    for (String phase : new String[] {"planning", "partitions", "features", null}) {
      assertThat(Watcher.checkEvery(phase))
          .as(String.valueOf(phase))
          .isEqualTo(Duration.ofSeconds(1));
    }
  }
}
