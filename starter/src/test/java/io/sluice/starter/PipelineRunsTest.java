package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.workflows.PipelineResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineRunsTest {

  @Test
  void aRunWhoseSplitHasNoRowsYetSaysSoInsteadOfPrintingNull() {
    String out = summary(new PipelineResult("orders", "2024-01-05", List.of(), "r.json", 2, null));
    assertThat(out)
        .contains("export:  none yet (feature set v2: no labelled row is in train, val or test)")
        .doesNotContain("null");
  }

  @Test
  void aPublishedRunNamesItsSnapshotAndVersion() {
    String out =
        summary(new PipelineResult("orders", "2024-03-31", List.of(), "r.json", 1, "data/x/v1/s"));
    assertThat(out).contains("export:  data/x/v1/s (feature set v1)");
  }

  @Test
  void aDatasetWithoutFeaturesSaysItDeclaresNone() {
    String out = summary(new PipelineResult("events", "2024-04-01", List.of(), "r.json", 0, null));
    assertThat(out).contains("export:  none (the dataset declares no features)");
  }

  private static String summary(PipelineResult r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PipelineRuns.printSummary(new PrintStream(bytes, true, StandardCharsets.UTF_8), r);
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
