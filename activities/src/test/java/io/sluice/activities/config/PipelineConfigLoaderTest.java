package io.sluice.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigLoaderTest {

  @TempDir Path dir;

  private String bundled() throws IOException {
    return Files.readString(ActivityHarness.repoFile("pipelines/orders.yaml"));
  }

  private LoadedConfig load(String yaml) throws IOException {
    Files.writeString(dir.resolve("orders.yaml"), yaml);
    return new PipelineConfigLoader(dir).load("orders");
  }

  @Test
  void theBundledConfigLoadsWithAStableHash() throws IOException {
    LoadedConfig a = load(bundled());
    LoadedConfig b = load(bundled() + "\n# a comment changes nothing\n");
    assertThat(a.config().expectations()).hasSize(14);
    assertThat(a.embargoDays()).isEqualTo(7);
    assertThat(a.hash()).hasSize(64).isEqualTo(b.hash());
  }

  @Test
  void aChangedValueChangesTheHash() throws IOException {
    String changed =
        bundled().replace("train: 0.7", "train: 0.6").replace("val: 0.15", "val: 0.25");
    assertThat(load(changed).hash()).isNotEqualTo(load(bundled()).hash());
  }

  @Test
  void anUnknownKeyIsNamed() {
    assertThatThrownBy(() -> load(bundled().replace("split:", "splitt:")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("orders.yaml")
        .hasMessageContaining("unknown key 'splitt'");
  }

  @Test
  void anUnknownColumnIsNamedWithItsKey() {
    assertThatThrownBy(() -> load(bundled().replace("column: amount", "column: amout")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'expectations[4].column': unknown column 'amout'");
  }

  @Test
  void aBadValueIsNamedWithItsKey() {
    assertThatThrownBy(() -> load(bundled().replace("mostly: 0.90", "mostly: lots")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("expectations[3].mostly");
  }

  @Test
  void anEmbargoShorterThanTheLabelHorizonIsRefused() {
    assertThatThrownBy(
            () ->
                load(
                    bundled()
                        .replace(
                            "  # embargo_days defaults to the label horizon", "  embargo_days: 3")))
        .hasMessageContaining("split.embargo_days");
  }

  @Test
  void aMissingFileSaysWhereItLooked() {
    assertThatThrownBy(() -> new PipelineConfigLoader(dir).load("orders"))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("no pipeline config for dataset 'orders'");
  }

  @Test
  void aDatasetNameCannotEscapeThePipelinesDirectory() {
    assertThatThrownBy(() -> new PipelineConfigLoader(dir).load("../orders"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid dataset name");
  }
}
