package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI's contract without a server: help, and input refused before anything starts. */
class SluiceCliTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  @Test
  void helpListsTheCommands() {
    assertThat(SluiceCli.execute("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("run", "status", "sluice demo");
  }

  @Test
  void runHelpDocumentsItsOptions() {
    assertThat(SluiceCli.execute("run", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--dataset", "--date", "--no-wait", "--address", "--task-queue");
  }

  @Test
  void aBadDateIsRefusedWithAnExample() {
    assertThat(SluiceCli.execute("run", "--dataset", "orders", "--date", "2024-13-01"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("invalid partition date '2024-13-01'")
        .contains("yyyy-MM-dd");
  }

  @Test
  void aPathInTheDatasetNameIsRefused() {
    assertThat(SluiceCli.execute("run", "--dataset", "../../etc", "--date", "2024-01-01"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid dataset name");
  }

  @Test
  void aMissingOptionIsNamed() {
    assertThat(SluiceCli.execute("run", "--date", "2024-01-01")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dataset");
  }
}
