package io.sluice.activities;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.features.FeatureActivitiesImpl;
import io.sluice.activities.features.SchemaMigration;
import io.sluice.activities.ingest.IngestActivitiesImpl;
import io.sluice.activities.ops.BackfillActivitiesImpl;
import io.sluice.activities.ops.SourceActivitiesImpl;
import io.sluice.activities.publish.PublishActivitiesImpl;
import io.sluice.activities.split.SplitActivitiesImpl;
import io.sluice.activities.stage.StageActivitiesImpl;
import io.sluice.activities.support.LedgerInterceptor;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidateActivitiesImpl;
import io.sluice.db.TestDatabases;
import io.sluice.workflows.PipelineActivityOptions;
import io.sluice.workflows.activity.ActivityNames;
import io.sluice.workflows.activity.BackfillActivities;
import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.SourceActivities;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.ValidateActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.LoggerFactory;

/**
 * Real activities on a fresh real PostgreSQL database, called through Temporal's test activity
 * environment (so heartbeats and failure conversion behave as in a worker), with one attempt.
 */
public final class ActivityHarness implements AutoCloseable {

  /** The pool the activities use, and the owner's (the same pool unless least privilege). */
  public final HikariDataSource dataSource;

  public final DSLContext dsl;
  public final HikariDataSource owner;
  public final DSLContext ownerDsl;
  public final SluiceSettings settings;
  public final Path root;
  private final TestActivityEnvironment env;

  public final IngestActivities ingest;
  public final ValidateActivities validate;
  public final StageActivities stage;
  public final FeatureActivities features;
  public final SplitActivities split;
  public final PublishActivities publish;
  public final SourceActivities source;
  public final BackfillActivities planner;

  public ActivityHarness(Path root) {
    this(root, false);
  }

  /**
   * With {@code leastPrivilege}, the activities run as a login role that is only a member of {@code
   * sluice_worker}, after {@link SchemaMigration} ran as the owner: as a production worker.
   */
  public ActivityHarness(Path root, boolean leastPrivilege) {
    this(root, leastPrivilege, List.of());
  }

  /** With {@code allowedRoots} as the operator's extra roots (SLUICE_ALLOWED_ROOTS). */
  public ActivityHarness(Path root, boolean leastPrivilege, List<Path> allowedRoots) {
    this(root, leastPrivilege, allowedRoots, TestDatabases.fresh());
  }

  /**
   * On the database {@code owner} (which the harness closes), as it is: the migration the harness
   * runs first brings it up to date, as a worker starting on it would.
   */
  public ActivityHarness(Path root, HikariDataSource owner) {
    this(root, false, List.of(), owner);
  }

  private ActivityHarness(
      Path root, boolean leastPrivilege, List<Path> allowedRoots, HikariDataSource owner) {
    this.root = root;
    this.owner = owner;
    this.ownerDsl = DSL.using(owner, SQLDialect.POSTGRES);
    try {
      Files.createDirectories(root.resolve("pipelines"));
      Files.copy(repoFile("pipelines/orders.yaml"), root.resolve("pipelines/orders.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the dataset's tables, as `sluice migrate` or a worker starting makes them
    SchemaMigration.run(owner, root.resolve("pipelines"));
    if (leastPrivilege) {
      this.dataSource = TestDatabases.workerRole(owner);
    } else {
      this.dataSource = owner;
    }
    this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
    this.settings =
        new SluiceSettings(
            root.resolve("data"),
            root.resolve("pipelines"),
            root.resolve("artifacts"),
            "test",
            allowedRoots);
    this.env =
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
        new PublishActivitiesImpl(dsl, settings),
        new SourceActivitiesImpl(dsl, settings),
        new BackfillActivitiesImpl(dsl, settings));
    ActivityOptions once =
        ActivityOptions.newBuilder(
                PipelineActivityOptions.toOptions(
                    PipelineActivityOptions.defaults().get(ActivityNames.INGEST)))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build();
    ingest = env.newActivityStub(IngestActivities.class, once);
    validate = env.newActivityStub(ValidateActivities.class, once);
    stage = env.newActivityStub(StageActivities.class, once);
    features = env.newActivityStub(FeatureActivities.class, once);
    split = env.newActivityStub(SplitActivities.class, once);
    publish = env.newActivityStub(PublishActivities.class, once);
    source = env.newActivityStub(SourceActivities.class, once);
    planner = env.newActivityStub(BackfillActivities.class, once);
  }

  /**
   * An ingest on {@code dataSource} committing every {@code chunkRows} rows, registered in {@code
   * env}, behind a stub that makes one attempt.
   */
  public static IngestActivities ingestInChunks(
      TestActivityEnvironment env,
      javax.sql.DataSource dataSource,
      SluiceSettings settings,
      int chunkRows) {
    env.registerActivitiesImplementations(
        new IngestActivitiesImpl(dataSource, settings, chunkRows));
    return env.newActivityStub(
        IngestActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(java.time.Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  /** The messages {@code source}'s logger logs, DEBUG and above, while {@code action} runs. */
  public static List<String> logged(Class<?> source, Runnable action) {
    Logger logger = (Logger) LoggerFactory.getLogger(source);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Level level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    log.start();
    logger.addAppender(log);
    try {
      action.run();
    } finally {
      logger.detachAppender(log);
      logger.setLevel(level);
    }
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  public static PartitionRef ref(LocalDate d) {
    return new PartitionRef("orders", d.toString(), "run-" + d);
  }

  /** Every stage for one partition, in workflow order. */
  public void runPartition(LocalDate d) {
    PartitionRef ref = ref(d);
    ingest.ingest(ref);
    validate.validate(ref);
    stage.stage(ref);
    features.computeFeatures(ref, 1);
    split.split(ref);
    publish.publish(ref);
  }

  /** How many times {@code feats.<table>} was analysed by a statement (autovacuum not counted). */
  public long manualAnalyses(String table) {
    Object n =
        dsl.fetchValue(
            "select analyze_count from pg_stat_user_tables where schemaname = 'feats'"
                + " and relname = ?",
            table);
    return ((Number) n).longValue();
  }

  /** A file of the repository, found from the module directory tests run in. */
  public static Path repoFile(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  /** An order-independent checksum of a query's rows. */
  public String checksum(String table, String orderBy) {
    return dsl.fetchValue(
            "select md5(coalesce(string_agg(t::text, '|' order by "
                + orderBy
                + "), '')) from "
                + table
                + " t")
        .toString();
  }

  @Override
  public void close() {
    env.close();
    dataSource.close();
    owner.close();
  }
}
