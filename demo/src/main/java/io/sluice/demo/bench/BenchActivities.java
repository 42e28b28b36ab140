package io.sluice.demo.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.features.FeatureActivitiesImpl;
import io.sluice.activities.ingest.IngestActivitiesImpl;
import io.sluice.activities.publish.PublishActivitiesImpl;
import io.sluice.activities.split.SplitActivitiesImpl;
import io.sluice.activities.stage.StageActivitiesImpl;
import io.sluice.activities.support.LedgerInterceptor;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidateActivitiesImpl;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The real ingest, validate, stage, features, split and publish activities on a migrated database,
 * in Temporal's test activity environment, each tried once: what the bench drivers time.
 */
final class BenchActivities implements AutoCloseable {

  private static final ActivityOptions ONCE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(2))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private final HikariDataSource dataSource;
  private final TestActivityEnvironment env;

  /** Arguments: jdbc-url user password data-root pipelines-dir. */
  BenchActivities(String[] args) throws IOException {
    dataSource = Database.open(new DbSettings(args[0], args[1], args[2], 4));
    Database.migrate(dataSource);
    DSLContext dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
    SluiceSettings settings =
        new SluiceSettings(
            Path.of(args[3]),
            Path.of(args[4]),
            Files.createTempDirectory("sluice-bench-artifacts"),
            "bench");
    // with the ledger written around every activity, as a worker does
    env =
        TestActivityEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(LedgerInterceptor.factoryOptions(dsl, settings))
                .build());
    env.registerActivitiesImplementations(
        new IngestActivitiesImpl(dataSource, settings),
        new ValidateActivitiesImpl(dsl, settings),
        new StageActivitiesImpl(dsl, settings),
        new FeatureActivitiesImpl(dsl, settings),
        new SplitActivitiesImpl(dsl, settings),
        new PublishActivitiesImpl(dsl, settings));
  }

  <T> T stub(Class<T> activities) {
    return env.newActivityStub(activities, ONCE);
  }

  @Override
  public void close() {
    env.close();
    dataSource.close();
  }

  /** A bench's main body. */
  interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body}, then exits: 0 when it ran, 1 with its failure printed when it did not.
   * Temporal's test environment leaves non-daemon timer threads behind, which would keep a failed
   * bench's JVM (and the script waiting on it) running.
   */
  static void runAndExit(Body body) {
    try {
      body.run();
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
