package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.db.RealTemporal;
import io.sluice.demo.RealWorker.Cli;
import io.sluice.samples.AppEventsGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice infer}: from a directory of daily files to a pipeline file that loads, every guess
 * printed with its reason, an existing file kept unless {@code --force}, and files that cannot make
 * a dataset refused with nothing written.
 */
class InferCommandTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);

  @TempDir Path tmp;

  private Cli infer(Path path, String dataset, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "infer",
                path.toString(),
                "--dataset",
                dataset,
                "--data-root",
                tmp.resolve("data").toString(),
                "--pipelines-dir",
                tmp.resolve("pipelines").toString()));
    args.addAll(List.of(more));
    return RealWorker.capture(args.toArray(String[]::new));
  }

  @Test
  void draftsAPipelineFileFromADatasetDirectoryAndKeepsAnExistingOne() throws Exception {
    Path data = tmp.resolve("data");
    AppEventsGenerator g = new AppEventsGenerator(7, 200);
    for (int i = 0; i < 5; i++) {
      g.writeDay(data, FIRST, FIRST.plusDays(i));
    }
    Path file = tmp.resolve("pipelines/clicks.yaml");

    Cli first = infer(data.resolve("app_events"), "clicks");
    assertThat(first.exit()).as(first.all()).isZero();
    assertThat(first.out())
        .contains("partitions: 2024-03-01..2024-03-05, 5 found, the first 3 sampled")
        .contains("source.path: app_events/{date}")
        .containsPattern(
            "(?m)^event_time +timestamp +[0-9,]+ of [0-9,]+ values are ISO-8601 instants with an"
                + " offset.*  -> event_time$")
        .containsPattern("(?m)^event_type +enum +[0-9]+ distinct values .*view.*")
        .containsPattern("(?m)^revenue +decimal +.*NA \\([0-9,]+\\) for missing")
        .containsPattern("(?m)^user_id +text +.*  -> entity key$")
        .containsPattern("(?m)^kind: +events +no column is unique")
        .containsPattern("(?m)^primary_key: +event_id ")
        .containsPattern("(?m)^entity_key: +user_id .*session_id is nested in user_id")
        .contains("note: no features, label or split yet")
        .contains("wrote " + file)
        .contains("  sluice migrate --pipelines-dir " + tmp.resolve("pipelines"))
        .contains("  sluice backfill --dataset clicks --from 2024-03-01 --to 2024-03-05");
    LoadedConfig loaded = new PipelineConfigLoader(tmp.resolve("pipelines")).load("clicks");
    assertThat(loaded.config().source().path()).isEqualTo("app_events/{date}");
    assertThat(loaded.schema().primaryKey()).containsExactly("event_id");
    assertThat(loaded.hasFeatures()).isFalse();
    assertThat(Files.readString(file))
        .startsWith("# Drafted by sluice infer from a sample; check every guess")
        .contains("  event_type: {type: enum, nullable: false, case: lower, values: [");

    Files.writeString(file, Files.readString(file) + "# my own edit\n");
    Cli again = infer(data.resolve("app_events"), "clicks");
    assertThat(again.exit()).as(again.all()).isEqualTo(1);
    assertThat(again.err()).contains(file + " exists", "--force");
    assertThat(again.out()).isEmpty();
    assertThat(Files.readString(file)).as("kept").endsWith("# my own edit\n");

    Cli forced = infer(data.resolve("app_events/2024-03-02"), "clicks", "--force", "--rows", "50");
    assertThat(forced.exit()).as(forced.all()).isZero();
    assertThat(forced.out())
        .contains("sampled 50 rows of 1 file")
        .contains("  sluice backfill --dataset clicks --from 2024-03-02 --to 2024-03-02");
    assertThat(Files.readString(file)).doesNotContain("# my own edit");
  }

  /** docs/getting-started.md#your-own-dataset: infer, migrate, backfill, with a worker running. */
  @Test
  @RealTemporal
  void threeCommandsTakeOwnFilesToAFirstRun() throws Exception {
    Path pipelines = Files.createDirectories(tmp.resolve("pipelines"));
    try (RealWorker w =
        new RealWorker(tmp, Map.of("sluice.paths.pipelines-dir", pipelines.toString()))) {
      w.terminateLeftovers("sluice-backfill/clicks/2024-03-01..2024-03-04");
      AppEventsGenerator g = new AppEventsGenerator(11, 150);
      for (int i = 0; i < 4; i++) {
        g.writeDay(w.data, FIRST, FIRST.plusDays(i));
      }

      Cli infer = infer(w.data.resolve("app_events"), "clicks");
      assertThat(infer.exit()).as(infer.all()).isZero();
      Cli migrate =
          RealWorker.capture(
              "migrate",
              "--db-url",
              w.db.getJdbcUrl(),
              "--db-user",
              w.db.getUsername(),
              "--pipelines-dir",
              pipelines.toString());
      assertThat(migrate.exit()).as(migrate.all()).isZero();
      assertThat(migrate.out()).contains("dataset tables: created stg.clicks");
      Cli backfill = w.sluice("backfill --dataset clicks --from 2024-03-01 --to 2024-03-04");
      assertThat(backfill.exit()).as(backfill.all()).isZero();
      assertThat(backfill.out())
          .contains("COMPLETED: 4 of 4 partition(s) staged")
          .contains("features: none declared")
          .doesNotContain("null");

      long raw = w.dsl.fetchCount(org.jooq.impl.DSL.table("raw.clicks"));
      long staged = w.dsl.fetchCount(org.jooq.impl.DSL.table("stg.clicks"));
      long quarantined = w.dsl.fetchCount(org.jooq.impl.DSL.table("quarantine.clicks"));
      assertThat(staged + quarantined)
          .as("events: every raw row staged or quarantined")
          .isEqualTo(raw);
      assertThat(staged).isGreaterThan(raw * 9 / 10);
    }
  }

  @Test
  void filesThatCannotMakeADatasetAreRefusedAndNothingIsWritten() throws Exception {
    Path day = Files.createDirectories(tmp.resolve("drop/2024-03-01"));
    Files.write(day.resolve("a.csv"), List.of("id,day,amount", "1,2024-03-01,5.00"));
    Cli noTime = infer(day, "payments");
    assertThat(noTime.exit()).as(noTime.all()).isEqualTo(1);
    assertThat(noTime.err())
        .contains("sluice: no column holds date-times")
        .contains("a dataset needs an instant to window its features on");

    Files.write(day.resolve("a.csv"), List.of("Order ID,ts", "1,2024-03-01T00:00:00Z"));
    Cli header = infer(day, "payments");
    assertThat(header.exit()).as(header.all()).isEqualTo(1);
    assertThat(header.err())
        .contains("Sluice reads columns by their header names")
        .contains("'Order ID' in a.csv");
    assertThat(tmp.resolve("pipelines/payments.yaml")).doesNotExist();

    Cli badName = infer(day, "payments_2");
    assertThat(badName.exit()).as(badName.all()).isEqualTo(2);
    assertThat(badName.err()).contains("name it e.g. payments_v2");
  }
}
