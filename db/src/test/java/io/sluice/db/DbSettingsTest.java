package io.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Database settings keep the password to themselves and can read it from a file. */
class DbSettingsTest {

  @TempDir Path tmp;

  @Test
  void thePasswordIsNeverPrinted() {
    DbSettings s = new DbSettings("jdbc:postgresql://db/sluice", "worker", "hunter2-secret", 4);
    assertThat(s.toString()).contains("worker").doesNotContain("hunter2-secret");
  }

  @Test
  void aPasswordFileWinsAndItsTrailingNewlineIsDropped() throws IOException {
    Path file = Files.writeString(tmp.resolve("db-password"), "from-the-file\n");
    assertThat(DbSettings.password("from-env", file.toString())).isEqualTo("from-the-file");
    assertThat(DbSettings.password("from-env", "")).isEqualTo("from-env");
    assertThat(DbSettings.password("from-env", null)).isEqualTo("from-env");
  }

  @Test
  void anUnreadablePasswordFileIsNamedNotPrinted() {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> DbSettings.password("from-env", missing.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("SLUICE_DB_PASSWORD_FILE")
        .hasMessageNotContaining("from-env");
  }

  @Test
  void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(
            () -> new DbSettings("jdbc:postgresql://db/sluice?ssl=true&password=leak", "u", "", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SLUICE_DB_PASSWORD_FILE")
        .hasMessageNotContaining("leak");
  }

  @Test
  void aUrlThatIsNotPostgresIsRefused() {
    assertThatThrownBy(() -> new DbSettings("jdbc:mysql://x/y", "u", "p", 1))
        .hasMessageContaining("SLUICE_DB_URL");
  }

  @Test
  void migrationsRunAsTheOwnerWhenOneIsNamedElseAsTheUser(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    DbSettings worker = new DbSettings("jdbc:postgresql://h/db", "app", "app-secret", 8);
    assertThat(worker.forMigration(null, null, null))
        .isEqualTo(new DbSettings("jdbc:postgresql://h/db", "app", "app-secret", 2));
    assertThat(worker.forMigration("owner", "owner-secret", ""))
        .isEqualTo(new DbSettings("jdbc:postgresql://h/db", "owner", "owner-secret", 2));
    java.nio.file.Path file = tmp.resolve("owner");
    java.nio.file.Files.writeString(file, "from-file\n");
    assertThat(worker.forMigration("owner", "owner-secret", file.toString()).password())
        .isEqualTo("from-file");
  }
}
