package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.workflows.BackfillProgress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private static BackfillProgress progress(
      String phase, int done, long elapsedMillis, long startedAtMillis) {
    return new BackfillProgress(
        "orders",
        "2024-01-01",
        "2024-03-30",
        phase,
        90,
        done,
        0,
        Map.of(),
        List.of(),
        1_000,
        2,
        false,
        elapsedMillis,
        0,
        startedAtMillis);
  }

  @Test
  void elapsedCountsOnWhileALongActivityHoldsWorkflowTimeStill() {
    long started = 1_700_000_000_000L;
    BackfillProgress p = progress("features", 90, 100_000, started);
    // workflow time stood still at 1m40s; the watcher's clock is 77 s later
    assertThat(Progress.line(p, started + 177_000)).contains("elapsed 2m57s").contains("features");
  }

  @Test
  void elapsedNeverShowsLessThanTheWorkflowReported() {
    long started = 1_700_000_000_000L;
    // the watcher's clock runs 30 s behind the server's
    assertThat(Progress.line(progress("partitions", 45, 60_000, started), started + 30_000))
        .contains("elapsed 1m00s")
        .contains("eta 1m00s");
  }

  @Test
  void aWorkerWithoutTheStartTimeKeepsTheReportedElapsedTime() {
    assertThat(Progress.line(progress("partitions", 45, 60_000, 0), 1_700_000_000_000L))
        .contains("elapsed 1m00s");
  }
}
