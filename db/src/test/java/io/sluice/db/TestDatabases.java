package io.sluice.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fresh, migrated database for each test class, on a real PostgreSQL: the embedded one by
 * default, or the server named by {@code SLUICE_TEST_DB_URL} (with {@code SLUICE_TEST_DB_USER},
 * {@code SLUICE_TEST_DB_PASSWORD}) when set, as CI does.
 */
public final class TestDatabases {

  public static final String URL_ENV = "SLUICE_TEST_DB_URL";

  /** Set to keep the test databases and roles on the server after the tests, to look into. */
  public static final String KEEP_ENV = "SLUICE_TEST_KEEP_DBS";

  private static final Server SERVER = Server.fromEnvironment();
  private static final List<String> DATABASES = new CopyOnWriteArrayList<>();
  private static final List<String> ROLES = new CopyOnWriteArrayList<>();

  static {
    if (SERVER.embedded() == null && System.getenv(KEEP_ENV) == null) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(TestDatabases::dropAll, "test-databases-drop"));
    }
  }

  private TestDatabases() {}

  /** Creates a new database, migrates it and opens a small pool on it. */
  public static HikariDataSource fresh() {
    HikariDataSource ds = empty();
    Database.migrate(ds);
    return ds;
  }

  /** A new database migrated up to {@code version} only, to test a later migration with data. */
  public static HikariDataSource migratedTo(String version) {
    HikariDataSource ds = empty();
    org.flywaydb.core.Flyway.configure()
        .dataSource(ds)
        .locations(Database.MIGRATIONS)
        .createSchemas(true)
        .target(version)
        .load()
        .migrate();
    return ds;
  }

  /**
   * Creates a new, empty database and opens a small pool on it (as the owner: a source database a
   * test pulls from, say).
   */
  public static HikariDataSource empty() {
    String name = "sluice_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection admin = SERVER.adminConnection();
        Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + name);
      DATABASES.add(name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database on " + SERVER.describe(), e);
    }
    return Database.open(SERVER.settings(name));
  }

  /**
   * A new login role in the group {@code sluice_worker} (created by the migrations) with a random
   * password, and a small pool as that role on the database of {@code owner}: how a least-privilege
   * worker connects.
   */
  public static HikariDataSource workerRole(HikariDataSource owner) {
    String role = "sluice_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String password = UUID.randomUUID().toString();
    try (Connection c = owner.getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "' IN ROLE sluice_worker");
      ROLES.add(role);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the login role " + role, e);
    }
    return Database.open(new DbSettings(owner.getJdbcUrl(), role, password, 4));
  }

  /**
   * Drops the databases and roles this JVM created on a shared server (the embedded one goes away
   * with the JVM): a developer's PostgreSQL does not collect a database per test class per run.
   * Their pools may still be open, hence FORCE.
   */
  private static void dropAll() {
    try (Connection admin = SERVER.adminConnection();
        Statement st = admin.createStatement()) {
      for (String name : DATABASES) {
        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
      for (String role : ROLES) {
        st.execute("DROP ROLE IF EXISTS " + role);
      }
    } catch (SQLException e) {
      System.err.println(
          "could not drop the test databases " + DATABASES + " on " + SERVER.describe() + ": " + e);
    }
  }

  private record Server(String adminUrl, String user, String password, EmbeddedDatabase embedded) {

    static Server fromEnvironment() {
      String url = System.getenv(URL_ENV);
      if (url != null && !url.isBlank()) {
        return new Server(
            url,
            System.getenv().getOrDefault("SLUICE_TEST_DB_USER", "postgres"),
            System.getenv().getOrDefault("SLUICE_TEST_DB_PASSWORD", ""),
            null);
      }
      EmbeddedDatabase db = EmbeddedDatabase.start();
      Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-postgres-stop"));
      return new Server(db.settings("postgres", 1).url(), "postgres", "", db);
    }

    Connection adminConnection() throws SQLException {
      return DriverManager.getConnection(adminUrl, user, password);
    }

    DbSettings settings(String database) {
      String base = adminUrl.replaceFirst("/[^/?]*(\\?.*)?$", "/" + database + "$1");
      return new DbSettings(base, user, password, 4);
    }

    String describe() {
      return embedded != null ? "embedded PostgreSQL on port " + embedded.port() : adminUrl;
    }
  }
}
