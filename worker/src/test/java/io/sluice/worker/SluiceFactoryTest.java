package io.sluice.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.support.TemporalUi;
import io.sluice.workflows.ActivitySettings;
import io.sluice.workflows.PipelineActivityOptions;
import java.nio.file.Path;
import java.time.Duration;
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

  /**
   * An activity that may run for more than five minutes has a heartbeat timeout (the worker's timer
   * beats for it, HeartbeatTicker), so a worker lost mid-activity is noticed within that timeout,
   * not at the end of the long one; and the worker's timeouts are those the CLI and the tests
   * schedule with.
   */
  @Test
  void longActivitiesHeartbeatAndTheWorkersTimeoutsAreTheDefaults() {
    Map<String, ActivitySettings> configured;
    try (ApplicationContext context =
        ApplicationContext.builder().properties(Map.of("sluice.worker.enabled", false)).start()) {
      configured = context.getBean(SluiceFactory.ActivitySettingsMap.class).byActivity();
    }
    Map<String, ActivitySettings> defaults = PipelineActivityOptions.defaults();
    assertThat(configured.keySet()).containsExactlyInAnyOrderElementsOf(defaults.keySet());
    configured.forEach(
        (name, s) -> {
          if (s.startToClose().compareTo(Duration.ofMinutes(5)) > 0) {
            assertThat(s.heartbeat()).as(name + " heartbeat").isPositive();
          }
          assertThat(s.startToClose())
              .as(name + " start-to-close")
              .isEqualTo(defaults.get(name).startToClose());
          assertThat(s.heartbeat())
              .as(name + " heartbeat")
              .isEqualTo(defaults.get(name).heartbeat());
        });
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
