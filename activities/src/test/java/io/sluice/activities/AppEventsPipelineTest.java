package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.activities.validate.Expectation;
import io.sluice.samples.AppEventsGenerator;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second bundled example, an events dataset declared only in YAML, from its files to an export,
 * beside orders in the same database: its own tables, reasons, features, label and snapshot.
 */
class AppEventsPipelineTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 30;

  @TempDir Path tmp;

  static PartitionRef ref(LocalDate d) {
    return new PartitionRef("app_events", d.toString(), "run-" + d);
  }

  @Test
  void anEventsDatasetRunsFromFilesToAnExport() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      Files.copy(
          ActivityHarness.repoFile("pipelines/app_events.yaml"),
          h.settings.pipelinesDir().resolve("app_events.yaml"));
      AppEventsGenerator g = new AppEventsGenerator(7, 120);
      for (int i = 0; i < DAYS; i++) {
        g.writeDay(h.settings.dataRoot(), FIRST, FIRST.plusDays(i));
      }
      long repeated = 0;
      for (int i = 0; i < DAYS; i++) {
        PartitionRef ref = ref(FIRST.plusDays(i));
        h.ingest.ingest(ref);
        h.validate.validate(ref);
        StageResult r = h.stage.stage(ref);
        assertThat(r.duplicates()).as("events: every valid row stands").isZero();
        assertThat(r.quarantined() + r.staged()).isEqualTo(r.rawRows());
        JsonNode report =
            new ObjectMapper()
                .readTree(
                    h.settings
                        .reportFile("app_events", FIRST.plusDays(i), ref.runId(), "json")
                        .toFile());
        repeated += report.path("quarantine").path("repeated_keys").asLong();
      }
      assertThat(repeated).as("events sent twice are staged and counted").isPositive();
      assertThat(
              h.dsl
                  .fetch("select distinct unnest(reasons) from quarantine.app_events order by 1")
                  .getValues(0, String.class))
          .contains("missing_user_id", "unknown_event_type", "unknown_platform", "bad_event_time");
      assertThat(
              h.dsl.fetchValue(
                  "select count(*) from stg.app_events where platform not in ('ios', 'android',"
                      + " 'web') or event_type <> lower(event_type)"))
          .as("values staged as the declaration normalises them")
          .isEqualTo(0L);

      PartitionRef last = ref(FIRST.plusDays(DAYS - 1));
      h.features.computeFeatures(last, 2);
      h.split.split(last);
      PublishResult p = h.publish.publish(last);

      assertThat(
              h.dsl.fetchValue(
                  "select count(distinct purchased_next_3d) from feats.app_events_features where"
                      + " purchased_next_3d is not null"))
          .as("both label values")
          .isEqualTo(2L);
      assertThat(
              h.dsl.fetchValue(
                  "select count(*) from feats.app_events_features where sessions_7d > 0 and"
                      + " days_since_last_event is not null"))
          .asString()
          .isNotEqualTo("0");
      assertThat(p.exportPath()).isNotNull();
      JsonNode metadata =
          new ObjectMapper().readTree(Path.of(p.exportPath()).resolve("metadata.json").toFile());
      assertThat(metadata.path("dataset").asText()).isEqualTo("app_events");
      assertThat(metadata.path("label").path("name").asText()).isEqualTo("purchased_next_3d");
      assertThat(Path.of(p.exportPath()).resolve("train.parquet")).exists();

      // orders beside it, in the same database, untouched by it
      assertThat(h.dsl.fetchValue("select count(*) from stg.orders")).isEqualTo(0L);
    }
  }

  /**
   * An events dataset's staged table has no index that leads with its key: however long the
   * history, a staged-scope uniqueness check is left to the planner, and counts what SQL counts.
   */
  @Test
  void anEventsDatasetsStagedKeysAreNotLookedUpOneByOne() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      String yaml =
          Files.readString(ActivityHarness.repoFile("pipelines/app_events.yaml"))
              .replace("column: event_id, scope: partition,", "column: event_id, scope: staged,");
      assertThat(yaml).contains("scope: staged");
      Files.writeString(h.settings.pipelinesDir().resolve("app_events.yaml"), yaml);
      AppEventsGenerator g = new AppEventsGenerator(7, 120);
      int days = 6;
      for (int i = 0; i < days; i++) {
        g.writeDay(h.settings.dataRoot(), FIRST, FIRST.plusDays(i));
      }
      for (int i = 0; i < days - 1; i++) {
        PartitionRef ref = ref(FIRST.plusDays(i));
        h.ingest.ingest(ref);
        h.validate.validate(ref);
        h.stage.stage(ref);
      }
      PartitionRef last = ref(FIRST.plusDays(days - 1));
      h.ingest.ingest(last);
      long staged = h.dsl.fetchOne("select count(*) from stg.app_events").get(0, Long.class);
      long raw =
          h.dsl
              .fetchOne(
                  "select count(*) from raw.app_events where partition_date = ?",
                  FIRST.plusDays(days - 1))
              .get(0, Long.class);
      assertThat(staged).as("more than four times the day's rows").isGreaterThan(4 * raw);

      assertThat(ActivityHarness.logged(Expectation.Unique.class, () -> h.validate.validate(last)))
          .as("no key looked up one by one")
          .isEmpty();
      JsonNode outcome = null;
      for (JsonNode o :
          new ObjectMapper()
              .readTree(
                  h.settings
                      .reportFile("app_events", FIRST.plusDays(days - 1), last.runId(), "json")
                      .toFile())
              .path("expectations")) {
        if (o.path("name").asText().equals("events_sent_once")) {
          outcome = o;
        }
      }
      assertThat(outcome).isNotNull();
      String judged =
          h.dsl
              .fetchOne("select tablename from pg_tables where schemaname = 'judged'")
              .get(0, String.class);
      assertThat(outcome.path("unexpected_count").asLong())
          .isEqualTo(
              h.dsl
                  .fetchOne(
                      "select count(*) from judged.\""
                          + judged
                          + "\" j where exists"
                          + " (select 1 from stg.app_events s where s.event_id = j.event_id"
                          + " and s.partition_date <> ?)",
                      FIRST.plusDays(days - 1))
                  .get(0, Long.class));
    }
  }
}
