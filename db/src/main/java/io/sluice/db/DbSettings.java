package io.sluice.db;

import java.util.Objects;

/** How to reach PostgreSQL. The password is never printed: {@link #toString()} leaves it out. */
public record DbSettings(String url, String user, String password, int maxPoolSize) {

  public DbSettings {
    Objects.requireNonNull(url, "database url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "database url must start with jdbc:postgresql: (got '" + url + "'); set SLUICE_DB_URL");
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("database pool size must be >= 1, got " + maxPoolSize);
    }
  }

  @Override
  public String toString() {
    return "DbSettings[url=" + url + ", user=" + user + ", maxPoolSize=" + maxPoolSize + "]";
  }
}
