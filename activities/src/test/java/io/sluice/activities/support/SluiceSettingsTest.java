package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are written where their real path (symbolic links followed) says, under their root. */
class SluiceSettingsTest {

  static final LocalDate D = LocalDate.of(2024, 5, 1);

  @TempDir Path tmp;

  private SluiceSettings settings(Path... allowed) {
    return new SluiceSettings(
        tmp.resolve("data"),
        tmp.resolve("pipelines"),
        tmp.resolve("artifacts"),
        "test",
        List.of(allowed));
  }

  /** Makes {@code link} (and its parents) a symbolic link to the directory {@code target}. */
  private static void link(Path link, Path target) throws IOException {
    Files.createDirectories(target);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, target);
  }

  private static void assertOutputFailed(Runnable r, String path, Path root) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.OUTPUT_FAILED);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains(path, root.toString(), "SLUICE_ALLOWED_ROOTS");
            });
  }

  @Nested
  class Exports {

    @Test
    void aDatasetDirectoryLinkedOutsideTheDataRootIsRefused() throws IOException {
      link(tmp.resolve("data/features/orders"), tmp.resolve("elsewhere"));
      assertOutputFailed(
          () -> settings().exportDir("orders", 1), "data/features/orders/v1", tmp.resolve("data"));
    }

    @Test
    void aLinkToNothingYetOutsideTheDataRootIsRefused() throws IOException {
      Files.createDirectories(tmp.resolve("data/features"));
      Files.createSymbolicLink(tmp.resolve("data/features/orders"), tmp.resolve("not-yet/there"));
      assertOutputFailed(
          () -> settings().exportDir("orders", 1), "data/features/orders/v1", tmp.resolve("data"));
    }

    @Test
    void aLinkThatStaysInsideTheDataRootIsFollowed() throws IOException {
      link(tmp.resolve("data/features"), tmp.resolve("data/big-disk/features"));
      assertThat(settings().exportDir("orders", 1))
          .isEqualTo(tmp.toRealPath().resolve("data/big-disk/features/orders/v1"));
    }

    @Test
    void aLinkIntoAnAllowedRootIsFollowed() throws IOException {
      link(tmp.resolve("data/features"), tmp.resolve("mounted/features"));
      assertThat(settings(tmp.resolve("mounted")).exportDir("orders", 1))
          .isEqualTo(tmp.toRealPath().resolve("mounted/features/orders/v1"));
    }
  }

  @Nested
  class Reports {

    @Test
    void aReportDirectoryLinkedOutsideTheArtifactsDirectoryIsRefused() throws IOException {
      link(tmp.resolve("artifacts/reports/orders"), tmp.resolve("elsewhere"));
      assertOutputFailed(
          () -> settings().reportFile("orders", D, "run-1", "json"),
          "artifacts/reports/orders/2024-05-01/run-1.json",
          tmp.resolve("artifacts"));
    }

    @Test
    void aLinkedArtifactsDirectoryIsItsOwnRoot() throws IOException {
      link(tmp.resolve("artifacts"), tmp.resolve("elsewhere/artifacts"));
      assertThat(settings().reportFile("orders", D, "run-1", "json"))
          .isEqualTo(
              tmp.toRealPath().resolve("elsewhere/artifacts/reports/orders/2024-05-01/run-1.json"));
    }
  }

  @Test
  void allowedRootsAreAColonSeparatedListOfAbsoluteDirectories() {
    assertThat(SluiceSettings.roots("/mnt/a::/mnt/b/"))
        .containsExactly(Path.of("/mnt/a"), Path.of("/mnt/b"));
    assertThat(SluiceSettings.roots("")).isEmpty();
    assertThatThrownBy(() -> SluiceSettings.roots("/mnt/a:relative"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SLUICE_ALLOWED_ROOTS: 'relative' is not an absolute directory");
  }
}
