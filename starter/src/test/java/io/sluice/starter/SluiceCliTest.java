package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI's contract without a server: help, and input refused before anything starts. */
class SluiceCliTest {

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void helpListsTheCommands() {
    assertThat(SluiceCli.execute("--help")).isZero();
    assertThat(console.out())
        .contains("run", "status", "sluice demo")
        .contains("backfill", "watch", "cancel", "pause", "resume", "resize")
        .contains("stale", "schedule", "runs", "rerun", "replay");
  }

  @Test
  void backfillHelpDocumentsItsOptions() {
    assertThat(SluiceCli.execute("backfill", "--help")).isZero();
    assertThat(console.out())
        .contains("--parallelism", "--only-failed", "--only-missing", "--dry-run", "--no-wait")
        .contains("Ctrl-C detaches")
        .doesNotContain("--history-limit");
  }

  @Test
  void scheduleHelpListsItsSubcommands() {
    assertThat(SluiceCli.execute("schedule", "--help")).isZero();
    assertThat(console.out())
        .contains("create", "update", "describe", "list", "pause", "unpause", "trigger")
        .contains("backfill", "delete");
  }

  @Test
  void aBackwardRangeIsRefusedBeforeAnythingStarts() {
    assertThat(
            SluiceCli.execute(
                "backfill", "--dataset", "orders", "--from", "2024-02-01", "--to", "2024-01-01"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--from 2024-02-01 is after --to");
  }

  @Test
  void onlyFailedAndOnlyMissingExcludeEachOther() {
    assertThat(
            SluiceCli.execute(
                "backfill",
                "--dataset",
                "orders",
                "--from",
                "2024-01-01",
                "--to",
                "2024-01-31",
                "--only-failed",
                "--only-missing"))
        .isEqualTo(2);
    assertThat(console.err()).contains("mutually exclusive");
  }

  @Test
  void statusNeedsAWorkflowIdOrADataset() {
    assertThat(SluiceCli.execute("status")).isEqualTo(2);
    assertThat(console.err()).contains("give a workflow id");
  }

  @Test
  void runHelpDocumentsItsOptions() {
    assertThat(SluiceCli.execute("run", "--help")).isZero();
    assertThat(console.out())
        .contains("--dataset", "--date", "--no-wait", "--address", "--task-queue");
  }

  @Test
  void aBadDateIsRefusedWithAnExample() {
    assertThat(SluiceCli.execute("run", "--dataset", "orders", "--date", "2024-13-01"))
        .isEqualTo(2);
    assertThat(console.err())
        .contains("invalid partition date '2024-13-01'")
        .contains("yyyy-MM-dd");
  }

  @Test
  void aPathInTheDatasetNameIsRefused() {
    assertThat(SluiceCli.execute("run", "--dataset", "../../etc", "--date", "2024-01-01"))
        .isEqualTo(2);
    assertThat(console.err()).contains("invalid dataset name");
  }

  @Test
  void aMissingOptionIsNamed() {
    assertThat(SluiceCli.execute("run", "--date", "2024-01-01")).isEqualTo(2);
    assertThat(console.err()).contains("--dataset");
  }
}
