package io.sluice.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigLoaderTest {

  @TempDir Path dir;

  private String bundled() throws IOException {
    return Files.readString(ActivityHarness.repoFile("pipelines/orders.yaml"));
  }

  private LoadedConfig load(String yaml) throws IOException {
    Files.writeString(dir.resolve("orders.yaml"), yaml);
    return loadAgain();
  }

  /** Loads orders.yaml as it is now, through a new loader (the cache is the class's). */
  private LoadedConfig loadAgain() {
    return new PipelineConfigLoader(dir).load("orders");
  }

  /** The bundled config with another split (still summing to 1). */
  private String changedSplit() throws IOException {
    return bundled().replace("train: 0.7", "train: 0.6").replace("val: 0.15", "val: 0.25");
  }

  @Test
  void theBundledConfigLoadsWithAStableHash() throws IOException {
    LoadedConfig a = load(bundled());
    LoadedConfig b = load(bundled() + "\n# a comment changes nothing\n");
    assertThat(a.config().expectations()).hasSize(14);
    assertThat(a.embargoDays()).isEqualTo(7);
    assertThat(a.hash()).hasSize(64).isEqualTo(b.hash());
  }

  /** The bundled orders pulled from a database: {@code extra} lines end its jdbc block. */
  private String jdbc(String extra) throws IOException {
    String yaml = bundled();
    int start = yaml.indexOf("\nsource:\n") + 1;
    int end = yaml.indexOf("\nkind: ", start) + 1;
    return yaml.substring(0, start)
        + "source:\n  path: pulled/{date}\n  kind: jdbc\n  jdbc:\n"
        + "    url: jdbc:postgresql://db.internal:5432/shop\n    user: reporting\n"
        + "    password_env: SHOP_DB_PASSWORD\n"
        + "    query: \"SELECT * FROM orders WHERE updated_at >= :start AND updated_at < :end\"\n"
        + "    order_by: [order_id]\n"
        + extra
        + yaml.substring(end);
  }

  @Test
  void howLongASourceConnectionIsKeptIsNoPartOfTheHash() throws IOException {
    LoadedConfig plain = load(jdbc(""));
    LoadedConfig keeping = load(jdbc("    keep_idle_seconds: 5\n"));
    assertThat(keeping.config().source().jdbc().keepIdleSeconds()).isEqualTo(5);
    // a file without the key hashes as it did before there was one; setting it changes no row
    assertThat(keeping.hash()).isEqualTo(plain.hash());
    assertThat(load(jdbc("    fetch_size: 500\n")).hash()).isNotEqualTo(plain.hash());
  }

  @Test
  void aFileThatReadsTheSameIsNotLoadedAgainAndAnEditAppliesToTheNextLoad() throws IOException {
    LoadedConfig first = load(bundled());
    assertThat(loadAgain()).isSameAs(first);
    LoadedConfig edited = load(changedSplit());
    assertThat(edited).isNotSameAs(first);
    assertThat(edited.config().split().train()).isEqualTo(0.6);
    assertThat(load(bundled()).hash()).isEqualTo(first.hash());
    Files.writeString(dir.resolve("orders.yaml"), "dataset: [");
    assertThatThrownBy(this::loadAgain)
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'dataset'");
  }

  @Test
  void aSqlFileGoneAfterALoadFailsTheNextLoad() throws IOException {
    LoadedConfig withSql =
        load(
            withSql(
                "sql/orders_weekend.sql",
                "weekend_orders_30d: integer, largest_order_30d: numeric"));
    assertThat(loadAgain()).isSameAs(withSql);
    Files.delete(dir.resolve("sql/orders_weekend.sql"));
    assertThatThrownBy(this::loadAgain)
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void twoFilesDeclaringTheSameDatasetAreNamed() throws IOException {
    load(bundled());
    Files.writeString(dir.resolve("orders_copy.yaml"), bundled());
    assertThatThrownBy(() -> new PipelineConfigLoader(dir).load("orders_copy"))
        .isInstanceOf(BadConfigException.class)
        .hasMessageStartingWith(dir.resolve("orders_copy.yaml") + ": ")
        .hasMessageContaining(
            "key 'dataset': two files declare dataset 'orders', this one and "
                + dir.resolve("orders.yaml"));
    Files.delete(dir.resolve("orders.yaml"));
    Files.writeString(dir.resolve("sales.yaml"), bundled());
    assertThatThrownBy(() -> new PipelineConfigLoader(dir).load("sales"))
        .hasMessageContaining("key 'dataset': is 'orders' but the file is for 'sales'");
  }

  @Test
  void aChangedValueChangesTheHash() throws IOException {
    assertThat(load(changedSplit()).hash()).isNotEqualTo(load(bundled()).hash());
  }

  @Test
  void anUnknownKeyIsNamed() {
    assertThatThrownBy(() -> load(bundled().replace("split:", "splitt:")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("orders.yaml")
        .hasMessageContaining("unknown key 'splitt'");
  }

  @Test
  void anUnknownColumnIsNamedWithItsKey() {
    assertThatThrownBy(() -> load(bundled().replace("column: amount", "column: amout")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'expectations[4].column': unknown column 'amout'");
  }

  @Test
  void aBadValueIsNamedWithItsKey() {
    assertThatThrownBy(() -> load(bundled().replace("mostly: 0.90", "mostly: lots")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("expectations[3].mostly");
  }

  @Test
  void anEmbargoShorterThanTheLabelHorizonIsRefused() {
    assertThatThrownBy(
            () ->
                load(
                    bundled()
                        .replace(
                            "  # embargo_days defaults to the label horizon", "  embargo_days: 3")))
        .hasMessageContaining("split.embargo_days");
  }

  @Test
  void aMissingFileSaysWhereItLooked() {
    assertThatThrownBy(this::loadAgain)
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("no pipeline config for dataset 'orders'");
  }

  @Test
  void aDatasetNameCannotEscapeThePipelinesDirectory() {
    assertThatThrownBy(() -> new PipelineConfigLoader(dir).load("../orders"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid dataset name");
  }

  @Test
  void theBundledFeaturesAreDeclared() throws IOException {
    FeaturesConfig f = load(bundled()).config().features();
    assertThat(f.aggregates())
        .extracting(FeaturesConfig.Aggregate::name)
        .contains(
            "orders_7d",
            "orders_30d",
            "revenue_7d",
            "revenue_30d",
            "avg_order_value_30d",
            "distinct_categories_30d",
            "days_since_last_order",
            "refund_rate_90d");
  }

  @Test
  void aFeatureColumnThatCarriesSqlIsRefused() {
    assertThatThrownBy(
            () ->
                load(
                    bundled()
                        .replace(
                            "agg: sum, column: amount, filter: completed, window: 7d",
                            "agg: sum, column: \"amount); drop table stg.orders; --\", filter: completed, window: 7d")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'features.aggregates[2].column': one of the declared columns")
        .hasMessageContaining("drop table");
  }

  @Test
  void aFilterNameOrFeatureNameThatIsNotAnIdentifierIsRefused() {
    assertThatThrownBy(
            () -> load(bundled().replace("name: orders_7d,", "name: \"orders_7d\\\" text, x\",")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'features.aggregates[0].name': a lower-case identifier");
    assertThatThrownBy(
            () ->
                load(
                    bundled()
                        .replace("refunded: {column: status", "\"re funded\": {column: status")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining(
            "key 'features.filters.re funded': filter names are lower-case identifiers");
  }

  @Test
  void featureReferencesAndWindowsAreChecked() {
    assertThatThrownBy(
            () -> load(bundled().replace("denominator: orders_30d", "denominator: orders_31d")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining(
            "key 'features.aggregates[4].denominator': the name of an aggregate declared above, got 'orders_31d'");
    assertThatThrownBy(
            () ->
                load(
                    bundled()
                        .replace(
                            "filter: completed, window: 7d}",
                            "filter: completed, window: 7 days}")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'features.aggregates[0].window': a number of days such as 7d");
    assertThatThrownBy(
            () ->
                load(
                    bundled()
                        .replace("agg: count, filter: refunded", "agg: median, filter: refunded")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'features.aggregates[7].agg': one of");
    assertThatThrownBy(
            () ->
                load(
                    bundled()
                        .replace(
                            "column: category, filter: completed",
                            "column: categry, filter: completed")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("got 'categry'");
    assertThatThrownBy(
            () ->
                load(
                    bundled().replace("filter: completed         #", "filter: complete         #")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'label.filter'");
  }

  /** The bundled config with the example SQL features file enabled, as file {@code sqlFile}. */
  private String withSql(String sqlFile, String columns) throws IOException {
    Files.createDirectories(dir.resolve("sql"));
    Files.copy(
        ActivityHarness.repoFile("pipelines/sql/orders_weekend.sql"),
        dir.resolve("sql/orders_weekend.sql"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return bundled()
        .replace(
            "\nlabel:",
            "  sql: {file: " + sqlFile + ", window: 30d, columns: {" + columns + "}}\n\nlabel:");
  }

  @Test
  void handWrittenSqlFeaturesAreReadCheckedAndHashed() throws IOException {
    String columns = "weekend_orders_30d: integer, largest_order_30d: numeric";
    LoadedConfig plain = load(bundled());
    LoadedConfig withSql = load(withSql("sql/orders_weekend.sql", columns));
    assertThat(withSql.featuresSql()).contains("FROM known").doesNotContain("--");
    assertThat(withSql.config().features().sql().columns())
        .containsKeys("weekend_orders_30d", "largest_order_30d");
    assertThat(withSql.hash()).isNotEqualTo(plain.hash());
    Files.writeString(
        dir.resolve("sql/orders_weekend.sql"), withSql.featuresSql().replace(">= 6", ">= 7"));
    assertThat(loadAgain().hash())
        .as("a change to the SQL file is a change to the config")
        .isNotEqualTo(withSql.hash());
  }

  @Test
  void aSqlFileLinkedOutsideThePipelinesDirectoryIsRefusedAndOneLinkedInsideIsRead()
      throws IOException {
    String columns = "weekend_orders_30d: integer, largest_order_30d: numeric";
    String yaml = withSql("sql/linked.sql", columns);
    Path outside = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-outside"));
    Files.copy(dir.resolve("sql/orders_weekend.sql"), outside.resolve("weekend.sql"));
    Files.createSymbolicLink(dir.resolve("sql/linked.sql"), outside.resolve("weekend.sql"));
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'features.sql.file': a .sql file inside")
        .hasMessageContaining(outside.toRealPath().resolve("weekend.sql").toString());

    Files.delete(dir.resolve("sql/linked.sql"));
    Files.createSymbolicLink(dir.resolve("sql/linked.sql"), dir.resolve("sql/orders_weekend.sql"));
    assertThat(load(yaml).featuresSql()).contains("FROM known");
  }

  @Test
  void sqlFeaturesOutsideThePipelinesDirectoryOrWithTwoStatementsAreRefused() throws IOException {
    String columns = "weekend_orders_30d: integer";
    assertThatThrownBy(() -> load(withSql("../../etc/passwd.sql", columns)))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'features.sql.file': a .sql file inside");
    assertThatThrownBy(() -> load(withSql("sql/missing.sql", columns)))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("missing.sql does not exist");
    String yaml = withSql("sql/orders_weekend.sql", columns);
    Files.writeString(dir.resolve("sql/orders_weekend.sql"), "SELECT 1; DROP TABLE stg.orders;");
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("must hold one statement");
    Files.writeString(dir.resolve("sql/orders_weekend.sql"), "DELETE FROM stg.orders");
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("must hold one SELECT");
    assertThatThrownBy(() -> load(withSql("sql/orders_weekend.sql", "orders_7d: integer")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining(
            "key 'features.sql.columns.orders_7d': 'orders_7d' is already a column");
    assertThatThrownBy(
            () -> load(withSql("sql/orders_weekend.sql", "weekend_orders_30d: int4); drop")))
        .isInstanceOf(BadConfigException.class)
        .hasMessageContaining("key 'features.sql.columns.weekend_orders_30d': one of");
  }

  /** "line N, column M" of the first {@code text} in {@code yaml}, counted from 1 as YAML does. */
  private static String lineOf(String yaml, String text) {
    int at = yaml.indexOf(text);
    assertThat(at).as("'%s' in the config", text).isNotNegative();
    long line = 1 + yaml.substring(0, at).chars().filter(c -> c == '\n').count();
    return "line " + line + ", column " + (at - yaml.lastIndexOf('\n', at - 1));
  }

  /** YAML that Jackson would read as something other than what is written. */
  @Nested
  class ValuesMustBeSpelledOut {

    /** {@code yaml} is refused for {@code what}, located where {@code written} stands. */
    private void assertRefused(String yaml, String what, String written) {
      assertThatThrownBy(() -> load(yaml))
          .isInstanceOf(BadConfigException.class)
          .hasMessageContaining("orders.yaml: " + what + " (" + lineOf(yaml, written) + ")")
          .hasMessageContaining("pipeline files must spell values out");
    }

    @Test
    void anAnchorIsRefusedAtItsLine() throws IOException {
      // the alias would read as the anchor's name, order_id, not as the anchored customer_id
      String yaml =
          bundled()
              .replace("entity_key: customer_id", "entity_key: &order_id customer_id")
              .replace(
                  "type: not_null\n    column: customer_id",
                  "type: not_null\n    column: *order_id");
      assertRefused(yaml, "anchor '&order_id'", "&order_id");
    }

    @Test
    void aSecondDocumentIsRefusedRatherThanIgnored() throws IOException {
      String yaml = bundled() + "---\nsplit: {train: 1.0, val: 0.0, test: 0.0}\n";
      assertThatThrownBy(() -> load(yaml))
          .isInstanceOf(BadConfigException.class)
          .hasMessageContaining("orders.yaml: a second YAML document (" + lineOf(yaml, "---") + ")")
          .hasMessageContaining("would be ignored");
    }

    @Test
    void anAliasIsRefusedAtItsLine() throws IOException {
      String yaml =
          bundled()
              .replace(
                  "type: not_null\n    column: order_id", "type: not_null\n    column: *order_id");
      assertRefused(yaml, "alias '*order_id'", "*order_id");
    }

    @Test
    void aMergeKeyIsRefusedAtItsLine() throws IOException {
      String yaml =
          bundled().replace("settled: {column: status, in:", "settled: {<<: {column: status}, in:");
      assertRefused(yaml, "merge key '<<'", "<<");
    }
  }

  /** A repeated key would silently keep its last value. */
  @Nested
  class RepeatedKeys {

    @Test
    void atTheTopLevel() throws IOException {
      String yaml =
          bundled()
              .replace(
                  "entity_key: customer_id\n", "entity_key: customer_id\nentity_key: order_id\n");
      assertThatThrownBy(() -> load(yaml))
          .isInstanceOf(BadConfigException.class)
          .hasMessageContaining(
              "orders.yaml: key 'entity_key' is repeated ("
                  + lineOf(yaml, "entity_key: order_id")
                  + "; first at "
                  + lineOf(yaml, "entity_key: customer_id")
                  + ")");
    }

    @Test
    void inAListItem() throws IOException {
      String yaml = bundled().replace("    mostly: 0.90\n", "    mostly: 0.90\n    mostly: 0.5\n");
      assertThatThrownBy(() -> load(yaml))
          .isInstanceOf(BadConfigException.class)
          .hasMessageContaining(
              "key 'expectations[3].mostly' is repeated ("
                  + lineOf(yaml, "mostly: 0.5")
                  + "; first at "
                  + lineOf(yaml, "mostly: 0.90")
                  + ")");
    }

    @Test
    void inAFlowMapping() throws IOException {
      String yaml =
          bundled()
              .replace(
                  "{name: orders_30d, agg: count,", "{name: orders_30d, agg: count, agg: sum,");
      assertThatThrownBy(() -> load(yaml))
          .isInstanceOf(BadConfigException.class)
          .hasMessageContaining(
              "key 'features.aggregates[1].agg' is repeated (" + lineOf(yaml, "agg: sum,") + ";");
    }
  }

  /** An unknown key is reported where it is written, not where its mapping ends. */
  @Nested
  class UnknownKeyLines {

    @Test
    void atTheTopLevel() throws IOException {
      String yaml = bundled().replace("split:", "splitt:");
      assertThatThrownBy(() -> load(yaml))
          .hasMessageContaining(
              "unknown key 'splitt' (" + lineOf(yaml, "splitt:") + "); known keys here: [");
    }

    @Test
    void inAListItem() throws IOException {
      String yaml = bundled().replace("    as: instant\n", "    as: instant\n    bogus: 1\n");
      assertThatThrownBy(() -> load(yaml))
          .hasMessageContaining(
              "orders.yaml: unknown key 'expectations[3].bogus' ("
                  + lineOf(yaml, "bogus: 1")
                  + "); known keys here: [");
    }

    @Test
    void inAFlowMappingInAList() throws IOException {
      String yaml =
          bundled()
              .replace("{name: revenue_7d, agg: sum,", "{name: revenue_7d, bogus: 1, agg: sum,");
      assertThatThrownBy(() -> load(yaml))
          .hasMessageContaining(
              "unknown key 'features.aggregates[2].bogus' (" + lineOf(yaml, "bogus: 1") + ")");
    }

    @Test
    void inAFlowMappingInAMapping() throws IOException {
      String yaml =
          bundled().replace("completed: {column: status,", "completed: {column: status, bogus: 1,");
      assertThatThrownBy(() -> load(yaml))
          .hasMessageContaining(
              "unknown key 'features.filters.completed.bogus' (" + lineOf(yaml, "bogus: 1") + ")");
    }
  }
}
