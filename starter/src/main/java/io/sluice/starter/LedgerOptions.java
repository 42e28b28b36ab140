package io.sluice.starter;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import java.nio.file.Path;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the partition ledger and the data are: the same database and directories the workers use,
 * with the same environment variables. The password comes from the environment (SLUICE_DB_PASSWORD)
 * or a file (SLUICE_DB_PASSWORD_FILE), never from the command line.
 */
public final class LedgerOptions {

  @Option(
      names = "--db-url",
      defaultValue = "${env:SLUICE_DB_URL:-jdbc:postgresql://127.0.0.1:5432/sluice}",
      description = {
        "JDBC URL of Sluice's database (env SLUICE_DB_URL).",
        "Default: ${DEFAULT-VALUE}"
      })
  String dbUrl;

  @Option(
      names = "--db-user",
      defaultValue = "${env:SLUICE_DB_USER:-sluice}",
      description = {"Database user (env SLUICE_DB_USER).", "Default: ${DEFAULT-VALUE}"})
  String dbUser;

  @Mixin DataRootOptions data;

  @Mixin PipelinesOptions pipelines;

  @Option(
      names = "--allowed-roots",
      defaultValue = "${env:SLUICE_ALLOWED_ROOTS:-}",
      description = {
        "Directories outside the data root that a symbolic link in it may lead into, absolute"
            + " and separated by ':' (env SLUICE_ALLOWED_ROOTS).",
        "Default: none"
      })
  String allowedRoots;

  @Option(
      names = "--code-version",
      defaultValue = "${env:SLUICE_CODE_VERSION}",
      description = {
        "The workers' code version outputs are compared with (env SLUICE_CODE_VERSION).",
        "Default: this CLI's version"
      })
  String codeVersion;

  /** The password: the file SLUICE_DB_PASSWORD_FILE, else SLUICE_DB_PASSWORD, else the default. */
  static String password() {
    String env = System.getenv("SLUICE_DB_PASSWORD");
    return DbSettings.password(
        env != null ? env : "sluice", System.getenv("SLUICE_DB_PASSWORD_FILE"));
  }

  SluiceSettings settings() {
    String version = codeVersion != null ? codeVersion : SluiceCli.version();
    return new SluiceSettings(
        data.dir,
        pipelines.dir,
        Path.of(System.getProperty("java.io.tmpdir")),
        version,
        SluiceSettings.roots(allowedRoots));
  }

  /** Runs {@code work} on a small pool; the database is not migrated from the CLI. */
  <T> T withDb(Function<DSLContext, T> work) {
    try (HikariDataSource ds = Database.open(new DbSettings(dbUrl, dbUser, password(), 2))) {
      return work.apply(DSL.using(ds, SQLDialect.POSTGRES));
    } catch (RuntimeException e) {
      if (SluiceCli.rootMessage(e).contains("Connection refused")) {
        throw new IllegalStateException(
            "cannot reach the database at "
                + dbUrl
                + ": is PostgreSQL running? (set --db-url or SLUICE_DB_URL)",
            e);
      }
      throw e;
    }
  }
}
