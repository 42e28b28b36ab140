package io.sluice.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Opens the connection pool and brings the schema up to date; migrations are the one truth. */
public final class Database {

  public static final String MIGRATIONS = "classpath:db/migration";

  private Database() {}

  public static HikariDataSource open(DbSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setPoolName("sluice");
    // Day boundaries and instants are UTC everywhere; never the server's or the JVM's zone.
    config.setConnectionInitSql("SET TIME ZONE 'UTC'");
    // PostgreSQL's error details quote the values of the row that failed ("Failing row contains
    // ..."), which are a file's content: they must not reach a failure message, a log or the
    // ledger.
    config.addDataSourceProperty("logServerErrorDetail", "false");
    return new HikariDataSource(config);
  }

  public static MigrateResult migrate(DataSource dataSource) {
    return flyway(dataSource).migrate();
  }

  /** The migrations {@link #migrate} would apply, as {@code V<version> <description>}. */
  public static java.util.List<String> pending(DataSource dataSource) {
    return java.util.Arrays.stream(flyway(dataSource).info().pending())
        .map(m -> "V" + m.getVersion() + " " + m.getDescription())
        .toList();
  }

  private static Flyway flyway(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations(MIGRATIONS)
        .createSchemas(true)
        .load();
  }
}
