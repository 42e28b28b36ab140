package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publish writes its exports where their real path says, and only under the data root. */
class PublishActivitiesTest {

  static final LocalDate FIRST = LocalDate.of(2024, 1, 1);

  /** The ninth day: the first whose export has labelled rows (the label horizon is 7 days). */
  static final LocalDate D = FIRST.plusDays(8);

  @TempDir Path tmp;
  ActivityHarness h;
  PartitionRef ref;

  /** Nine partitions through every stage, the last one but publish. */
  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp.resolve("sluice"));
    OrdersGenerator g = new OrdersGenerator(5, 100);
    for (LocalDate d = FIRST; !d.isAfter(D); d = d.plusDays(1)) {
      g.writeDay(h.settings.dataRoot(), FIRST, d);
      ref = ActivityHarness.ref(d);
      h.ingest.ingest(ref);
      h.validate.validate(ref);
      h.stage.stage(ref);
      h.features.computeFeatures(ref, 1);
      h.split.split(ref);
    }
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void anExportDirectoryLinkedOutsideTheDataRootIsRefused() throws IOException {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createDirectories(h.settings.dataRoot().resolve("features"));
    Files.createSymbolicLink(h.settings.dataRoot().resolve("features/orders"), elsewhere);
    Throwable t = catchThrowable(() -> h.publish.publish(ref));
    assertThat(t).as("publish refused").isNotNull();
    assertThat(t.getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.OUTPUT_FAILED);
              assertThat(f.getOriginalMessage())
                  .contains("features/orders/v1", h.settings.dataRoot().toString());
            });
    try (var written = Files.list(elsewhere)) {
      assertThat(written).as("nothing written outside the data root").isEmpty();
    }
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.feature_registry"))).isZero();
  }

  @Test
  void anExportDirectoryLinkedInsideTheDataRootIsWrittenThere() throws IOException {
    Path disk = Files.createDirectories(h.settings.dataRoot().resolve("big-disk/features"));
    Files.createSymbolicLink(h.settings.dataRoot().resolve("features"), disk);
    String exported = h.publish.publish(ref).exportPath();
    assertThat(Path.of(exported))
        .isEqualTo(disk.toRealPath().resolve("orders/v1/" + D + "_" + ref.runId()));
    assertThat(disk.resolve("orders/v1/latest/train.csv")).exists();
  }
}
