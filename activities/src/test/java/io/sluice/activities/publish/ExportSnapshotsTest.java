package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.support.Hashing;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every publish is an immutable snapshot: daily runs, a rerun of an older date and a backfill of an
 * older range each add one and change none; latest only moves forward in as-of time; nothing empty
 * is published; metadata.json says the last partition every column depends on, and it is never
 * after the as-of date.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportSnapshotsTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 14;
  static final int HORIZON = 7;

  @TempDir static Path tmp;
  ActivityHarness h;
  Path v1;

  /** Every file of every snapshot, by path, with its SHA-256, after each publish. */
  final Map<String, String> seen = new TreeMap<>();

  @BeforeAll
  void dailyRuns() throws IOException {
    h = new ActivityHarness(tmp);
    v1 = h.settings.dataRoot().resolve("features/orders/v1");
    OrdersGenerator g = new OrdersGenerator(8, 150);
    for (int i = 0; i < DAYS; i++) {
      g.writeDay(h.settings.dataRoot(), FIRST, FIRST.plusDays(i));
    }
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = FIRST.plusDays(i);
      h.runPartition(d);
      assertNothingSeenChanged();
    }
  }

  @AfterAll
  void tearDown() {
    h.close();
  }

  private static PartitionRef ref(LocalDate d, String run) {
    return new PartitionRef("orders", d.toString(), run);
  }

  /** Records every snapshot file and checks that none seen before has changed or gone. */
  private void assertNothingSeenChanged() throws IOException {
    if (!Files.isDirectory(v1)) {
      return;
    }
    try (Stream<Path> files = Files.walk(v1)) {
      Map<String, String> now = new TreeMap<>();
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        now.put(v1.relativize(f).toString(), Hashing.sha256Hex(f));
      }
      for (Map.Entry<String, String> e : seen.entrySet()) {
        assertThat(now)
            .as("a snapshot file changed or went")
            .containsEntry(e.getKey(), e.getValue());
      }
      seen.putAll(now);
    }
  }

  private JsonNode metadata(Path snapshot) throws IOException {
    return new ObjectMapper().readTree(snapshot.resolve("metadata.json").toFile());
  }

  @Test
  void theFirstDaysPublishNothingAndEveryLaterDayItsOwnSnapshot() throws IOException {
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = FIRST.plusDays(i);
      Path snapshot = v1.resolve(d + "_run-" + d);
      // the label of the first date is known from FIRST + HORIZON on
      assertThat(Files.isDirectory(snapshot)).as(d.toString()).isEqualTo(i >= HORIZON);
    }
    assertThat(h.dsl.fetchValue("select count(*) from meta.feature_registry"))
        .isEqualTo((long) (DAYS - HORIZON));
    assertThat(Files.readSymbolicLink(v1.resolve("latest")).toString())
        .isEqualTo(FIRST.plusDays(DAYS - 1) + "_run-" + FIRST.plusDays(DAYS - 1));
  }

  @Test
  void aRerunAndABackfillOfOlderDatesAddSnapshotsAndLeaveLatestAndEveryOtherAlone()
      throws IOException {
    String latest = Files.readSymbolicLink(v1.resolve("latest")).toString();
    LocalDate older = FIRST.plusDays(10);
    PartitionRef rerun = ref(older, "rerun-1");
    h.split.split(rerun);
    PublishResult r = h.publish.publish(rerun);
    assertThat(Path.of(r.exportPath()).getFileName().toString()).isEqualTo(older + "_rerun-1");
    assertNothingSeenChanged();

    LocalDate backfilled = FIRST.plusDays(12);
    PartitionRef backfill = ref(backfilled, "backfill-1");
    h.features.computeFeatures(backfill, 2);
    h.split.split(backfill);
    h.publish.publish(backfill);
    assertNothingSeenChanged();

    assertThat(Files.readSymbolicLink(v1.resolve("latest")).toString()).isEqualTo(latest);
    assertThat(
            h.dsl.fetchValue(
                "select count(*) from meta.feature_registry where as_of_date in (?, ?)",
                older,
                backfilled))
        .as("one registry row per publish: the daily ones and these two")
        .isEqualTo(4L);
  }

  /**
   * The last partition each exported value depends on: a feature of date fd partitions up to fd,
   * its label up to fd + horizon; every snapshot's rows, labels included, as known by its as-of.
   */
  @Test
  void metadataStatesTheTrueKnowledgeCutoffOfEveryColumn() throws IOException {
    try (Stream<Path> snapshots = Files.list(v1)) {
      for (Path snapshot :
          snapshots.filter(p -> p.getFileName().toString().matches("\\d{4}.*")).toList()) {
        JsonNode m = metadata(snapshot);
        LocalDate asOf = LocalDate.parse(m.get("as_of_date").asText());
        LocalDate lastFeatureDate =
            LocalDate.parse(m.get("time_bounds").get("last_feature_date").asText());
        // independently: the latest feature date of the exported rows
        LocalDate maxExported = null;
        for (String split : new String[] {"train", "val", "test"}) {
          for (String line :
              Files.readAllLines(snapshot.resolve(split + ".csv"))
                  .subList(1, Files.readAllLines(snapshot.resolve(split + ".csv")).size())) {
            LocalDate fd = LocalDate.parse(line.substring(0, 10));
            maxExported = maxExported == null || fd.isAfter(maxExported) ? fd : maxExported;
          }
        }
        assertThat(lastFeatureDate).as(snapshot.toString()).isEqualTo(maxExported);
        LocalDate labelCutoff = maxExported.plusDays(HORIZON);
        assertThat(labelCutoff).as("labels known as of " + asOf).isBeforeOrEqualTo(asOf);
        for (JsonNode c : m.get("columns")) {
          String expected =
              (c.get("name").asText().equals("ordered_next_7d") ? labelCutoff : maxExported)
                  .toString();
          assertThat(c.get("knowledge_cutoff").asText())
              .as(c.get("name").asText())
              .isEqualTo(expected);
        }
        assertThat(m.get("time_bounds").get("knowledge_cutoff").asText())
            .isEqualTo(labelCutoff.plusDays(1) + "T00:00Z");
        long positives = 0;
        long rows = 0;
        for (JsonNode s : m.get("splits")) {
          positives += s.get("positive_labels").asLong();
          rows += s.get("rows").asLong();
        }
        assertThat(positives).isBetween(0L, rows);
      }
    }
  }
}
