package io.sluice.worker;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.sluice.activities.features.SchemaMigration;
import io.sluice.activities.support.LedgerInterceptor;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.support.TemporalUi;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import io.sluice.workflows.ActivitySettings;
import io.sluice.workflows.TemporalConnection;
import io.sluice.workflows.activity.ActivityNames;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place the worker's infrastructure is built: database, Temporal client, settings. */
@Factory
public class SluiceFactory {

  private static final Logger LOG = LoggerFactory.getLogger(SluiceFactory.class);

  @Singleton
  DbSettings dbSettings(
      @Value("${sluice.db.url}") String url,
      @Value("${sluice.db.user}") String user,
      @Value("${sluice.db.password}") String password,
      @Value("${sluice.db.password-file:}") String passwordFile,
      @Value("${sluice.db.pool-size}") int poolSize) {
    return new DbSettings(url, user, DbSettings.password(password, passwordFile), poolSize);
  }

  /**
   * The pool the activities use. When {@code sluice.db.migrate} is on, the schema and the feature
   * tables of every pipeline config are brought up to date first, as {@code sluice.db.migrate-user}
   * when it is set (the owner role; the workers' own role then needs no DDL privilege), else as the
   * workers' user.
   */
  @Singleton
  @Bean(preDestroy = "close")
  HikariDataSource dataSource(
      DbSettings settings,
      SluiceSettings sluice,
      @Value("${sluice.db.migrate}") boolean migrate,
      @Value("${sluice.db.migrate-user:}") String migrateUser,
      @Value("${sluice.db.migrate-password:}") String migratePassword,
      @Value("${sluice.db.migrate-password-file:}") String migratePasswordFile) {
    if (migrate) {
      migrate(settings.forMigration(migrateUser, migratePassword, migratePasswordFile), sluice);
    }
    return Database.open(settings);
  }

  private static void migrate(DbSettings owner, SluiceSettings sluice) {
    try (HikariDataSource ds = Database.open(owner)) {
      SchemaMigration.Result r = SchemaMigration.run(ds, sluice.pipelinesDir());
      LOG.info(
          "database migrated as {}: schema version {}, {} migrations applied, dataset tables {},"
              + " feature tables created {}",
          owner.user(),
          r.schemaVersion(),
          r.migrationsApplied(),
          r.datasetChanges().isEmpty() ? "in place" : r.datasetChanges(),
          r.tablesCreated());
      for (String bad : r.badConfigs()) {
        LOG.warn("pipeline config skipped by the migration (its runs will fail): {}", bad);
      }
    }
  }

  @Singleton
  DSLContext dslContext(DataSource dataSource) {
    return DSL.using(dataSource, SQLDialect.POSTGRES);
  }

  @Singleton
  SluiceSettings sluiceSettings(
      @Value("${sluice.paths.data-root}") String dataRoot,
      @Value("${sluice.paths.pipelines-dir}") String pipelinesDir,
      @Value("${sluice.paths.artifacts-dir}") String artifactsDir,
      @Value("${sluice.paths.allowed-roots:}") String allowedRoots,
      @Value("${sluice.temporal.ui-url:}") String temporalUiUrl,
      @Value("${sluice.temporal.namespace}") String namespace) {
    String version = SluiceFactory.class.getPackage().getImplementationVersion();
    return new SluiceSettings(
        Path.of(dataRoot),
        Path.of(pipelinesDir),
        Path.of(artifactsDir),
        version == null ? "dev" : version,
        SluiceSettings.roots(allowedRoots),
        new TemporalUi(temporalUiUrl, namespace));
  }

  @Singleton
  @Bean(preDestroy = "shutdown")
  WorkflowServiceStubs serviceStubs(@Value("${sluice.temporal.address}") String address) {
    return WorkflowServiceStubs.newServiceStubs(
        TemporalConnection.options(address, System.getenv()));
  }

  @Singleton
  @Requires(missingBeans = WorkflowClient.class)
  WorkflowClient workflowClient(
      WorkflowServiceStubs stubs, @Value("${sluice.temporal.namespace}") String namespace) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  /** Workers write the partition ledger around every activity. */
  @Singleton
  WorkerFactory workerFactory(WorkflowClient client, DSLContext dsl, SluiceSettings settings) {
    return WorkerFactory.newInstance(client, LedgerInterceptor.factoryOptions(dsl, settings));
  }

  /** Per-activity timeouts and retries from {@code sluice.activities.<ActivityName>.*}. */
  @Singleton
  ActivitySettingsMap activitySettings(Environment env) {
    Map<String, ActivitySettings> m = new LinkedHashMap<>();
    for (String name : ActivityNames.ALL) {
      String p = "sluice.activities." + name + ".";
      m.put(
          name,
          new ActivitySettings(
              required(env, p + "start-to-close", Duration.class),
              required(env, p + "heartbeat", Duration.class),
              required(env, p + "initial-interval", Duration.class),
              required(env, p + "max-interval", Duration.class),
              required(env, p + "backoff", Double.class),
              required(env, p + "max-attempts", Integer.class)));
    }
    return new ActivitySettingsMap(m);
  }

  private static <T> T required(Environment env, String key, Class<T> type) {
    return env.getProperty(key, type)
        .orElseThrow(
            () -> new IllegalStateException("missing or invalid configuration key " + key));
  }

  /** A typed holder so the map is injectable by type. */
  public record ActivitySettingsMap(Map<String, ActivitySettings> byActivity) {}
}
