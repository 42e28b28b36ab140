package io.sluice.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.support.TemporalUi;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's settings as application.yml reads them from the environment. */
class SluiceFactoryTest {

  private static SluiceSettings settings(Map<String, Object> environment) {
    Map<String, Object> properties = new java.util.HashMap<>(environment);
    properties.put("sluice.worker.enabled", false);
    try (ApplicationContext context = ApplicationContext.builder().properties(properties).start()) {
      return context.getBean(SluiceSettings.class);
    }
  }

  @Test
  void allowedRootsComeFromSluiceAllowedRoots() {
    assertThat(settings(Map.of("SLUICE_ALLOWED_ROOTS", "/mnt/a:/mnt/b")).allowedRoots())
        .containsExactly(Path.of("/mnt/a"), Path.of("/mnt/b"));
  }

  @Test
  void noRootIsAllowedUnlessOneIsGiven() {
    assertThat(settings(Map.of()).allowedRoots()).isEmpty();
  }

  @Test
  void reportsLinkToTheLocalTemporalUiAndDefaultNamespaceUnlessToldOtherwise() {
    assertThat(settings(Map.of()).temporalUi())
        .isEqualTo(new TemporalUi("http://127.0.0.1:8233", "default"));
  }

  @Test
  void theTemporalUiComesFromSluiceTemporalUiUrlAndTheNamespaceFromTemporalNamespace() {
    TemporalUi ui =
        settings(
                Map.of(
                    "SLUICE_TEMPORAL_UI_URL", "https://temporal.example.com/",
                    "TEMPORAL_NAMESPACE", "pipelines"))
            .temporalUi();
    assertThat(ui.historyUrl("sluice/orders/2024-01-05", "r1"))
        .isEqualTo(
            "https://temporal.example.com/namespaces/pipelines/workflows/"
                + "sluice%2Forders%2F2024-01-05/r1/history");
  }
}
