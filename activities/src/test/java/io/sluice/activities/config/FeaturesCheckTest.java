package io.sluice.activities.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The label is a column of the exports: its name is checked like every other column's. */
class FeaturesCheckTest {

  @TempDir Path dir;

  /** Loads the bundled config with the label named {@code name} (a YAML scalar as written). */
  private void loadWithLabel(String name) throws IOException {
    String yaml =
        Files.readString(ActivityHarness.repoFile("pipelines/orders.yaml"))
            .replace("  name: ordered_next_7d\n", "  name: " + name + "\n");
    Files.writeString(dir.resolve("orders.yaml"), yaml);
    new PipelineConfigLoader(dir).load("orders");
  }

  @Test
  void aLabelNameThatIsNotAnIdentifierIsRefused() {
    assertThatThrownBy(() -> loadWithLabel("'a\",b'"))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("orders.yaml")
        .hasMessageContaining("key 'label.name': a lower-case identifier")
        .hasMessageContaining("got 'a\",b'");
    assertThatThrownBy(() -> loadWithLabel("Ordered"))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'label.name': a lower-case identifier");
  }

  @Test
  void aLabelNamedLikeAnotherColumnIsRefused() {
    for (String taken : new String[] {"customer_id", "feature_date", "orders_7d"}) {
      assertThatThrownBy(() -> loadWithLabel(taken))
          .as(taken)
          .isInstanceOf(BadConfigException.class)
          .hasMessageContaining("orders.yaml")
          .hasMessageContaining("key 'label.name': '" + taken + "' is already a column");
    }
    assertThatThrownBy(() -> loadWithLabel("orders_7d_scaled"))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'label.name': names ending in _scaled");
  }
}
