package io.sluice.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** How to reach PostgreSQL. The password is never printed: {@link #toString()} leaves it out. */
public record DbSettings(String url, String user, String password, int maxPoolSize) {

  public DbSettings {
    Objects.requireNonNull(url, "database url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "database url must start with jdbc:postgresql: (got '" + url + "'); set SLUICE_DB_URL");
    }
    if (url.toLowerCase(java.util.Locale.ROOT).matches(".*[?&]password=.*")) {
      throw new IllegalArgumentException(
          "the database url carries a password, which would end up in logs and error messages;"
              + " remove it from SLUICE_DB_URL and set SLUICE_DB_PASSWORD or"
              + " SLUICE_DB_PASSWORD_FILE instead");
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("database pool size must be >= 1, got " + maxPoolSize);
    }
  }

  /**
   * The password to use: the contents of {@code passwordFile} (trailing whitespace and newline
   * removed) when a file is named, else {@code password}. A file is how a secret store or an
   * orchestrator hands a secret over without putting it in the environment.
   */
  public static String password(String password, String passwordFile) {
    if (passwordFile == null || passwordFile.isBlank()) {
      return password;
    }
    Path file = Path.of(passwordFile);
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the database password file "
              + file.toAbsolutePath()
              + " (SLUICE_DB_PASSWORD_FILE): "
              + e
              + "; fix the path or its permissions",
          e);
    }
  }

  /**
   * What migrations connect with: the owner role {@code ownerUser} with its own password (the file
   * wins, as for the runtime user) when it is set, else these settings' user; and a pool of two,
   * the connections Flyway holds at once (its lock and the migration).
   */
  public DbSettings forMigration(String ownerUser, String ownerPassword, String ownerPasswordFile) {
    if (ownerUser == null || ownerUser.isBlank()) {
      return new DbSettings(url, user, password, 2);
    }
    return new DbSettings(url, ownerUser, password(ownerPassword, ownerPasswordFile), 2);
  }

  @Override
  public String toString() {
    return "DbSettings[url=" + url + ", user=" + user + ", maxPoolSize=" + maxPoolSize + "]";
  }
}
