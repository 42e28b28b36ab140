package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories recorded on the real dev server (temporal workflow show -o json) replay on today's
 * workflow code: a change that would break running workflows fails the build here.
 */
class RecordedHistoriesTest {

  static final Path DIR = Path.of("src/test/resources/histories");

  static List<Path> histories() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void theRepresentativeHistoriesAreThere() throws IOException {
    assertThat(histories())
        .extracting(p -> p.getFileName().toString())
        .contains(
            "pipeline-success.json",
            "pipeline-validation-failed.json",
            "backfill-with-a-failed-partition.json",
            "backfill-continued-as-new.json");
  }

  @ParameterizedTest
  @MethodSource("histories")
  void replaysDeterministically(Path history) throws Exception {
    RecoveryCommands.replay(WorkflowExecutionHistory.fromJson(Files.readString(history)));
  }

  @Test
  void aHistoryTheCodeWouldNotProduceIsCaught() throws Exception {
    // as if the workflow had once run Stage where it now runs Validate
    String json = Files.readString(DIR.resolve("pipeline-success.json"));
    String changed = json.replaceFirst("\"name\":\\s*\"Validate\"", "\"name\": \"Stage\"");
    assertThat(changed).isNotEqualTo(json);
    assertThatThrownBy(() -> RecoveryCommands.replay(WorkflowExecutionHistory.fromJson(changed)))
        .hasStackTraceContaining("NonDeterministicException")
        .hasStackTraceContaining("activityType");
  }

  @Test
  void theReplayCommandSaysSo() {
    assertThat(SluiceCli.execute("replay", DIR.resolve("pipeline-success.json").toString()))
        .isZero();
  }
}
