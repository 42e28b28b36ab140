package io.sluice.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real PostgreSQL server from binaries shipped on Maven Central, started in a temporary
 * directory; the embedded default for the demo and for tests.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedDatabase start() {
    try {
      return new EmbeddedDatabase(
          EmbeddedPostgres.builder().setServerConfig("timezone", "UTC").start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
    }
  }

  public DbSettings settings(String database, int maxPoolSize) {
    // the user goes in the settings, not the URL, where it would win over any other user
    return new DbSettings(
        "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database,
        "postgres",
        "",
        maxPoolSize);
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop the embedded PostgreSQL server", e);
    }
  }
}
