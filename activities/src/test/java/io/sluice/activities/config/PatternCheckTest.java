package io.sluice.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.features.SchemaMigration;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Patterns ({@code matches} expectations, columns' {@code pattern} rules) Java's regex accepts and
 * PostgreSQL's does not: a bad config.
 */
class PatternCheckTest {

  static final LocalDate DAY = LocalDate.of(2024, 4, 1);

  /** The bundled {@code currency_is_iso_code}, expectations[7], as a Java-only pattern. */
  static final String JAVA_ONLY = "pattern: \"^\\\\p{Lu}{3}$\"";

  @TempDir Path tmp;
  ActivityHarness h;
  Path config;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp);
    config = h.settings.pipelinesDir().resolve("orders.yaml");
    String yaml = Files.readString(config);
    String changed = yaml.replace("pattern: \"^\\\\s*[A-Za-z]{3}\\\\s*$\"", JAVA_ONLY);
    assertThat(changed).isNotEqualTo(yaml);
    Files.writeString(config, changed);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void aRunRefusesItAsBadConfigBeforeReadingThePartition() throws IOException {
    new OrdersGenerator(5, 50).writeDay(h.settings.dataRoot(), DAY, DAY);

    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(DAY)));

    assertThat(t).hasCauseInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) t.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .contains(config.toString(), "key 'expectations[7].pattern'", "^\\p{Lu}{3}$")
        .contains("PostgreSQL", "invalid escape")
        .contains("ARE")
        .doesNotContain("select", "SELECT");
    assertThat(h.dsl.fetchValue("select count(*) from meta.ingested_files")).isEqualTo(0L);
    assertThat(catchThrowable(() -> h.validate.validate(ActivityHarness.ref(DAY))))
        .hasMessageContaining("key 'expectations[7].pattern'");
    assertThat(h.settings.reportFile("orders", DAY, "run-" + DAY, "json")).doesNotExist();
  }

  /** PostgreSQL's own escapes (start and end of a word) are its to judge, not Java's. */
  @Test
  void aPatternOnlyPostgresqlUnderstandsIsUsed() throws IOException {
    String wordOnly = "pattern: \"^\\\\s*\\\\m[A-Za-z]{3}\\\\M\\\\s*$\"";
    Files.writeString(config, Files.readString(config).replace(JAVA_ONLY, wordOnly));
    new OrdersGenerator(5, 50).writeDay(h.settings.dataRoot(), DAY, DAY);
    h.ingest.ingest(ActivityHarness.ref(DAY));
    assertThat(h.validate.validate(ActivityHarness.ref(DAY)).expectations()).isEqualTo(14);
    assertThat(SchemaMigration.run(h.owner, h.settings.pipelinesDir()).badConfigs()).isEmpty();
  }

  @Test
  void theSchemaMigrationReportsEveryPatternPostgresqlCannotCompile() throws IOException {
    String more =
        """
          - name: country_repeats_possessively
            type: matches
            column: country
            pattern: "^[a-z]{2}+$"
            severity: warn
          - name: channel_in_a_named_group
            type: matches
            column: channel
            pattern: "^(?<c>web|app|store)$"
            severity: warn
        """;
    String yaml = Files.readString(config);
    Files.writeString(
        config,
        yaml.replace(
                "  - name: order_id_unique_in_partition\n",
                more + "  - name: order_id_unique_in_partition\n")
            // a column's pattern rule too
            .replace(
                "country:     {type: text, case: upper}",
                "country:     {type: text, case: upper, pattern: \"^\\\\p{Lu}{2}$\"}"));

    SchemaMigration.Result r = SchemaMigration.run(h.owner, h.settings.pipelinesDir());

    assertThat(r.badConfigs()).hasSize(1);
    assertThat(r.badConfigs().get(0))
        .contains(config.toString())
        .contains("key 'expectations[7].pattern'", "key 'expectations[8].pattern'")
        .contains("key 'expectations[9].pattern'", "key 'columns.country.pattern'")
        .contains("ARE");
  }
}
