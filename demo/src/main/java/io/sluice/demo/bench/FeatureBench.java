package io.sluice.demo.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.features.FeatureActivitiesImpl;
import io.sluice.activities.ingest.IngestActivitiesImpl;
import io.sluice.activities.stage.StageActivitiesImpl;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidateActivitiesImpl;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.ValidateActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Benchmark driver (bench/features): stages days of orders with the real activities, then times the
 * features step. Prints {@code key=value} lines.
 *
 * <p>Modes: {@code stage <first> <days>} ingests, validates and stages those days; {@code features
 * <date>} runs the features step for that date (computing every missing or stale date up to it in
 * one pass) and prints {@code features_ms} and {@code dates}.
 *
 * <p>Arguments: jdbc-url user password data-root pipelines-dir mode ...
 */
public final class FeatureBench {

  private FeatureBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println(
          "usage: FeatureBench <jdbc-url> <user> <password> <data-root> <pipelines-dir>"
              + " stage <first-date> <days> | features <date>");
      System.exit(2);
    }
    try (HikariDataSource ds = Database.open(new DbSettings(args[0], args[1], args[2], 4))) {
      Database.migrate(ds);
      DSLContext dsl = DSL.using(ds, SQLDialect.POSTGRES);
      Path tmp = java.nio.file.Files.createTempDirectory("sluice-bench-artifacts");
      SluiceSettings settings =
          new SluiceSettings(Path.of(args[3]), Path.of(args[4]), tmp, "bench");
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        env.registerActivitiesImplementations(
            new IngestActivitiesImpl(ds, settings),
            new ValidateActivitiesImpl(dsl, settings),
            new StageActivitiesImpl(dsl, settings),
            new FeatureActivitiesImpl(dsl, settings));
        ActivityOptions once =
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofHours(2))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build();
        if ("stage".equals(args[5])) {
          LocalDate first = LocalDate.parse(args[6]);
          int days = Integer.parseInt(args[7]);
          IngestActivities ingest = env.newActivityStub(IngestActivities.class, once);
          ValidateActivities validate = env.newActivityStub(ValidateActivities.class, once);
          StageActivities stage = env.newActivityStub(StageActivities.class, once);
          long start = System.nanoTime();
          for (int i = 0; i < days; i++) {
            PartitionRef ref = new PartitionRef("orders", first.plusDays(i).toString(), "bench");
            ingest.ingest(ref);
            validate.validate(ref);
            stage.stage(ref);
            System.err.print("\rbench: staged " + (i + 1) + "/" + days);
          }
          System.err.println();
          System.out.println("stage_ms=" + (System.nanoTime() - start) / 1_000_000);
        } else {
          FeatureActivities features = env.newActivityStub(FeatureActivities.class, once);
          PartitionRef ref = new PartitionRef("orders", args[6], "bench-" + System.nanoTime());
          long start = System.nanoTime();
          FeatureActivities.FeatureResult r = features.computeFeatures(ref);
          System.out.println("features_ms=" + (System.nanoTime() - start) / 1_000_000);
          System.out.println("dates=" + r.datesComputed());
          System.out.println("rows_of_date=" + r.featureRows());
        }
      } finally {
        env.close();
      }
    }
    // Temporal's test environment leaves non-daemon timer threads behind.
    System.exit(0);
  }
}
