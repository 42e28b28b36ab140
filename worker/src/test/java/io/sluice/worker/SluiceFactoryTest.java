package io.sluice.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.sluice.activities.support.SluiceSettings;
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
}
