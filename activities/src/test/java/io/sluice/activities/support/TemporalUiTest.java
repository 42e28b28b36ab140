package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Temporal UI address a report links its run to. */
class TemporalUiTest {

  @Test
  void aRunsHistoryPageHasItsWorkflowIdAsOnePathSegment() {
    assertThat(TemporalUi.DEFAULT.historyUrl("sluice/orders/2024-01-05", "0f1e-2d3c"))
        .isEqualTo(
            "http://127.0.0.1:8233/namespaces/default/workflows/"
                + "sluice%2Forders%2F2024-01-05/0f1e-2d3c/history");
    assertThat(new TemporalUi("https://ui.example/temporal/", "team a").historyUrl("a b?c", "r"))
        .isEqualTo("https://ui.example/temporal/namespaces/team%20a/workflows/a%20b%3Fc/r/history");
  }

  @Test
  void anEmptyAddressMeansNoLink() {
    assertThat(new TemporalUi("", "default").historyUrl("w", "r")).isNull();
    assertThat(new TemporalUi(null, "default").historyUrl("w", "r")).isNull();
  }

  @Test
  void onlyHttpAddressesAreAccepted() {
    assertThatThrownBy(() -> new TemporalUi("javascript:alert(1)", "default"))
        .hasMessageContaining("SLUICE_TEMPORAL_UI_URL: 'javascript:alert(1)' is not an http://");
    assertThatThrownBy(() -> new TemporalUi("http://a\"onmouseover=x", "default"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TemporalUi("http://127.0.0.1:8233", " "))
        .hasMessageContaining("TEMPORAL_NAMESPACE is empty");
  }

  @Test
  void settingsMadeWithoutOneUseTheDefault() {
    Path p = Path.of("x");
    assertThat(new SluiceSettings(p, p, p, "test").temporalUi()).isEqualTo(TemporalUi.DEFAULT);
  }
}
