package io.sluice.codegen;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.SchemaMappingType;
import org.jooq.meta.jaxb.Target;

/**
 * Generates jOOQ classes from the live schema that the Flyway migrations produce, using a throwaway
 * embedded PostgreSQL so that the build needs neither Docker nor a user's server.
 *
 * <p>Arguments: migrations directory, output directory, target package.
 */
public final class JooqCodegen {

  /** The schemas Sluice owns; Flyway's history table is left out on purpose. */
  static final String SCHEMAS = "raw,stg,quarantine,feats,meta";

  private JooqCodegen() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException(
          "usage: JooqCodegen <migrations dir> <output dir> <package>, got " + args.length);
    }
    Path migrations = Path.of(args[0]).toAbsolutePath();
    Path output = Path.of(args[1]).toAbsolutePath();
    if (!Files.isDirectory(migrations)) {
      throw new IllegalArgumentException("migrations directory not found: " + migrations);
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      DataSource ds = pg.getPostgresDatabase();
      Flyway.configure()
          .dataSource(ds)
          .locations("filesystem:" + migrations)
          .createSchemas(true)
          .load()
          .migrate();
      GenerationTool.generate(
          configuration(pg.getJdbcUrl("postgres", "postgres"), output, args[2]));
    }
  }

  static Configuration configuration(String jdbcUrl, Path output, String packageName) {
    Database database =
        new Database()
            .withName("org.jooq.meta.postgres.PostgresDatabase")
            .withExcludes("flyway_schema_history")
            .withIncludes(".*");
    for (String schema : SCHEMAS.split(",")) {
      database.getSchemata().add(new SchemaMappingType().withInputSchema(schema));
    }
    return new Configuration()
        .withJdbc(
            new Jdbc().withDriver("org.postgresql.Driver").withUrl(jdbcUrl).withUser("postgres"))
        .withGenerator(
            new Generator()
                .withDatabase(database)
                .withGenerate(
                    new Generate()
                        .withRecords(true)
                        .withPojos(false)
                        .withJavaTimeTypes(true)
                        .withGeneratedAnnotation(false)
                        .withComments(true))
                .withTarget(
                    new Target()
                        .withPackageName(packageName)
                        .withDirectory(output.toString())
                        .withClean(true)));
  }
}
