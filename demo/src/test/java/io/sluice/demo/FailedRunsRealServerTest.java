package io.sluice.demo;

import static io.sluice.demo.OperationsRealServerTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.OrdersGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed runs as {@code status}, {@code runs --failed} and {@code rerun --failed} see them on the
 * real Temporal server: three partitions fail; one is fixed by a new run and one by a rerun (a
 * reset), so only the third still needs anything, and the failures of the other two are superseded.
 */
@RealTemporal
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailedRunsRealServerTest {

  private static final String FIXED_BY_A_RUN = "2024-11-01";
  private static final String STILL_FAILED = "2024-11-02";
  private static final String FIXED_BY_A_RERUN = "2024-11-03";
  private static final String TERMINATED = "2024-11-04";
  private static final String RANGE = "--from 2024-11-01 --to 2024-11-03";

  private RealWorker w;

  private void day(String date) throws IOException {
    LocalDate d = LocalDate.parse(date);
    new OrdersGenerator(d.toEpochDay(), 60).writeDay(w.data, d, d);
  }

  private void brokenDay(String date) throws IOException {
    day(date);
    try (var files = Files.list(w.data.resolve("raw").resolve(date))) {
      for (Path f : files.toList()) {
        Files.writeString(f, "");
      }
    }
  }

  @BeforeAll
  void threeFailuresTwoOfThemFixed(@TempDir Path tmp) throws Exception {
    w = new RealWorker(tmp);
    w.terminateLeftovers(
        "sluice/orders/" + FIXED_BY_A_RUN,
        "sluice/orders/" + STILL_FAILED,
        "sluice/orders/" + FIXED_BY_A_RERUN,
        "sluice/orders/" + TERMINATED);
    for (String d : new String[] {FIXED_BY_A_RUN, STILL_FAILED, FIXED_BY_A_RERUN}) {
      brokenDay(d);
      assertThat(w.sluice("run --dataset orders --date " + d).exit()).isEqualTo(1);
    }
    day(FIXED_BY_A_RUN);
    assertThat(w.sluice("run --dataset orders --date " + FIXED_BY_A_RUN).exit()).isZero();
    day(FIXED_BY_A_RERUN);
    assertThat(w.sluice("rerun sluice/orders/" + FIXED_BY_A_RERUN + " --wait").exit()).isZero();
    // visibility lags behind the runs' ends
    waitFor(
        () ->
            w.sluice("runs --dataset orders " + RANGE)
                .out()
                .matches(
                    "(?s).*sluice/orders/"
                        + FIXED_BY_A_RERUN
                        + " +COMPLETED.*sluice/orders/"
                        + FIXED_BY_A_RUN
                        + " +COMPLETED.*"));
  }

  @AfterAll
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  @Order(1)
  void statusOfAFailedRunExitsOneWithTheFailure() {
    Cli failed = w.sluice("status sluice/orders/" + STILL_FAILED);
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out())
        .contains("FAILED")
        .contains("failure: BadInput: ingest failed for orders partition " + STILL_FAILED);

    Cli fixed = w.sluice("status sluice/orders/" + FIXED_BY_A_RUN);
    assertThat(fixed.exit()).isZero();
    assertThat(fixed.out()).contains("COMPLETED").doesNotContain("failure:");
  }

  @Test
  @Order(2)
  void statusOfATerminatedRunExitsOneWithTheReason() {
    String id = "sluice/orders/" + TERMINATED;
    assertThat(
            w.sluice(
                    "run --dataset orders --date " + TERMINATED + " --wait-for-data PT5M --no-wait")
                .exit())
        .isZero();
    Cli running = w.sluice("status " + id);
    assertThat(running.exit()).isZero();
    assertThat(running.out()).contains("RUNNING");

    w.client().newUntypedWorkflowStub(id).terminate("stopped by FailedRunsRealServerTest");
    Cli terminated = w.sluice("status " + id);
    assertThat(terminated.exit()).isEqualTo(1);
    assertThat(terminated.out())
        .contains("TERMINATED")
        .contains("failure: Terminated: stopped by FailedRunsRealServerTest");
  }

  @Test
  @Order(3)
  void runsFailedShowsTheErrorAndHidesSupersededFailures() throws Exception {
    waitFor(
        () ->
            w.sluice("runs --dataset orders --failed " + RANGE)
                .out()
                .contains("sluice/orders/" + STILL_FAILED));
    Cli failed = w.sluice("runs --dataset orders --failed " + RANGE);
    assertThat(failed.exit()).isZero();
    assertThat(failed.out())
        .contains("error")
        .containsPattern(
            "sluice/orders/"
                + STILL_FAILED
                + " +FAILED +"
                + STILL_FAILED
                + " +ingest .*BadInput: ingest failed for orders partition "
                + STILL_FAILED)
        .doesNotContain("sluice/orders/" + FIXED_BY_A_RUN)
        .doesNotContain("sluice/orders/" + FIXED_BY_A_RERUN)
        .containsPattern("\\d+ superseded .*--all");

    Cli all = w.sluice("runs --dataset orders --failed --all " + RANGE);
    assertThat(all.out())
        .containsPattern("sluice/orders/" + FIXED_BY_A_RUN + " +FAILED .*superseded")
        .containsPattern("sluice/orders/" + FIXED_BY_A_RERUN + " +FAILED .*superseded")
        .containsPattern("sluice/orders/" + STILL_FAILED + " +FAILED .*BadInput");
  }

  @Test
  @Order(4)
  void rerunFailedSkipsSupersededFailuresAndRerunsTheRest() throws Exception {
    Cli plan = w.sluice("rerun --failed --dataset orders " + RANGE + " --dry-run");
    assertThat(plan.exit()).isZero();
    assertThat(plan.out())
        .contains("would rerun sluice/orders/" + STILL_FAILED)
        .doesNotContain("would rerun sluice/orders/" + FIXED_BY_A_RUN)
        .doesNotContain("would rerun sluice/orders/" + FIXED_BY_A_RERUN)
        .contains("skipped sluice/orders/" + FIXED_BY_A_RUN + ": superseded by ")
        .contains("skipped sluice/orders/" + FIXED_BY_A_RERUN + ": superseded by ");

    day(STILL_FAILED); // the fix
    Cli rerun = w.sluice("rerun --failed --dataset orders " + RANGE + " --wait");
    assertThat(rerun.exit()).isZero();
    assertThat(rerun.out())
        .contains("sluice/orders/" + STILL_FAILED + ": reset to before its failed stage")
        .contains(STILL_FAILED + " completed")
        .contains("skipped sluice/orders/" + FIXED_BY_A_RUN + ": superseded by ");
    assertThat(w.sluice("status sluice/orders/" + STILL_FAILED).exit()).isZero();
  }
}
