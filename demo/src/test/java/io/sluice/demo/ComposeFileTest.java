package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.workflows.SearchAttributes;
import io.sluice.workflows.TemporalConnection;
import io.temporal.common.SearchAttributeKey;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of docker-compose.yml without a container runtime (CI has none; it also runs
 * {@code docker-compose config -q}): every image pinned and none deprecated, Temporal's schema job
 * before the server and its setup job after, the worker's environment the worker's own
 * configuration keys, no secret in the file, and the search attributes it registers the ones the
 * workflows set (and scripts/dev-services registers).
 */
class ComposeFileTest {

  static final Path ROOT = DocsTest.ROOT;

  /** Images that no longer get updates or security fixes. */
  static final Set<String> DEPRECATED = Set.of("temporalio/auto-setup", "temporalio/tctl");

  static final Pattern PINNED = Pattern.compile("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*");

  private static JsonNode compose() throws IOException {
    return new ObjectMapper(new YAMLFactory())
        .readTree(ROOT.resolve("docker-compose.yml").toFile());
  }

  @Test
  void everyImageIsPinnedAndNoneIsDeprecated() throws IOException {
    Map<String, String> images = new TreeMap<>();
    compose()
        .path("services")
        .fields()
        .forEachRemaining(e -> images.put(e.getKey(), e.getValue().path("image").asText()));
    assertThat(images).isNotEmpty();
    images.forEach(
        (service, image) -> {
          assertThat(image).as("%s's image has a version tag", service).matches(PINNED);
          assertThat(DEPRECATED)
              .as("%s's image", service)
              .doesNotContain(image.substring(0, image.indexOf(':')));
        });
    assertThat(images.values())
        .anyMatch(i -> i.startsWith("temporalio/server:"))
        .anyMatch(i -> i.startsWith("temporalio/admin-tools:"));
    String server = images.get("temporal");
    assertThat(images.get("temporal-schema"))
        .as("the schema tools are the server's version")
        .isEqualTo(server.replace("temporalio/server", "temporalio/admin-tools"));
  }

  @Test
  void theStackComesUpInOrder() throws IOException {
    JsonNode s = compose().path("services");
    assertThat(condition(s, "temporal-schema", "postgres")).isEqualTo("service_healthy");
    assertThat(condition(s, "temporal", "temporal-schema"))
        .as("the schema job ends before the server starts")
        .isEqualTo("service_completed_successfully");
    assertThat(condition(s, "temporal-setup", "temporal")).isEqualTo("service_healthy");
    assertThat(condition(s, "temporal-ui", "temporal")).isEqualTo("service_healthy");
    assertThat(condition(s, "worker", "postgres")).isEqualTo("service_healthy");
    assertThat(condition(s, "worker", "temporal-setup"))
        .isEqualTo("service_completed_successfully");
    for (String waitedFor : List.of("postgres", "temporal")) {
      assertThat(s.path(waitedFor).path("healthcheck").path("test").isMissingNode())
          .as("%s has a health check", waitedFor)
          .isFalse();
    }
    String schema = Files.readString(ROOT.resolve("scripts/compose-temporal-schema.sh"));
    assertThat(schema)
        .contains("update-schema")
        .contains("temporal temporal_visibility")
        .contains("/run/secrets/postgres_password");
  }

  private static String condition(JsonNode services, String service, String on) {
    return services.path(service).path("depends_on").path(on).path("condition").asText(null);
  }

  @Test
  void theWorkersEnvironmentIsWhatTheWorkerReads() throws IOException {
    Set<String> reads = new TreeSet<>(TemporalConnection.VARIABLES);
    Matcher m =
        Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)")
            .matcher(Files.readString(ROOT.resolve("worker/src/main/resources/application.yml")));
    while (m.find()) {
      reads.add(m.group(1));
    }
    assertThat(reads).contains("SLUICE_DB_URL", "TEMPORAL_ADDRESS", "SLUICE_DB_PASSWORD_FILE");
    List<String> set = new ArrayList<>();
    compose()
        .path("services")
        .path("worker")
        .path("environment")
        .fieldNames()
        .forEachRemaining(set::add);
    assertThat(set).isNotEmpty();
    assertThat(reads).as("variables the worker reads").containsAll(set);
  }

  @Test
  void noSecretIsInTheFileOrItsSettings() throws IOException {
    Pattern secret = Pattern.compile("(?i).*(password|pwd|secret|token|api_key).*");
    compose()
        .path("services")
        .fields()
        .forEachRemaining(
            svc ->
                svc.getValue()
                    .path("environment")
                    .fields()
                    .forEachRemaining(
                        e -> {
                          if (secret.matcher(e.getKey()).matches()) {
                            assertThat(e.getKey())
                                .as("%s: a secret is named by its file", svc.getKey())
                                .endsWith("_FILE");
                            assertThat(e.getValue().asText()).startsWith("/run/secrets/");
                          }
                        }));
    compose()
        .path("secrets")
        .fields()
        .forEachRemaining(
            e -> assertThat(e.getValue().path("file").asText()).startsWith("./secrets/"));
    for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
      if (!line.startsWith("#") && line.contains("=")) {
        assertThat(line.substring(0, line.indexOf('='))).doesNotMatch(secret);
      }
    }
    assertThat(Files.readString(ROOT.resolve(".gitignore")))
        .contains("\n.env\n")
        .contains("secrets/");
  }

  @Test
  void theSearchAttributesRegisteredAreTheOnesTheWorkflowsSet() throws Exception {
    Set<String> workflows = new HashSet<>();
    for (Field f : SearchAttributes.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == SearchAttributeKey.class) {
        SearchAttributeKey<?> key = (SearchAttributeKey<?>) f.get(null);
        if (key.getName().startsWith("Sluice")) {
          workflows.add(key.getName() + "=" + type(key));
        }
      }
    }
    assertThat(workflows).hasSize(4);
    assertThat(
            registered(
                ROOT.resolve("scripts/compose-temporal-setup.sh"), "for attribute in (.*); do"))
        .as("the compose stack's setup job")
        .isEqualTo(workflows);
    assertThat(registered(ROOT.resolve("scripts/dev-services"), "SEARCH_ATTRIBUTES=\\((.*)\\)"))
        .as("scripts/dev-services")
        .isEqualTo(workflows);
  }

  private static String type(SearchAttributeKey<?> key) {
    return switch (key.getValueType()) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      default -> key.getValueType().name();
    };
  }

  private static Set<String> registered(Path file, String pattern) throws IOException {
    Matcher m = Pattern.compile(pattern).matcher(Files.readString(file));
    assertThat(m.find()).as("%s lists the search attributes", file).isTrue();
    return new HashSet<>(List.of(m.group(1).trim().split("\\s+")));
  }
}
