package io.sluice.demo;

import static io.sluice.activities.config.PipelineKeys.get;
import static io.sluice.activities.config.PipelineKeys.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.sluice.activities.config.BadConfigException;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.activities.config.PipelineKeys;
import io.sluice.starter.SluiceCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The docs held to the code: the pipeline examples and wrong values of docs/pipeline-yaml.md go
 * through the config loader, its key tables are the config's keys, every {@code sluice} command the
 * docs name exists with the options they give it, and every link between documents resolves.
 */
class DocsTest {

  static final Path ROOT = repoRoot();
  static final Path PIPELINE_YAML = ROOT.resolve("docs/pipeline-yaml.md");

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  @Nested
  class PipelineYaml {

    @TempDir Path dir;

    /**
     * {@code <!-- example: file|appended|at <key>... [fails] -->} before a yaml block: a whole
     * file, text appended to the bundled file, or a fragment spliced in at those keys; a failing
     * one is followed by a text block with its message ({@code …}: any text).
     */
    @TestFactory
    Stream<DynamicTest> everyExampleLoadsOrFailsAsDocumented() {
      Markdown doc = Markdown.read(PIPELINE_YAML);
      List<DynamicTest> tests = new ArrayList<>();
      for (int i = 0; i < doc.blocks.size(); i++) {
        Markdown.Block b = doc.blocks.get(i);
        if (!b.info().equals("yaml")) {
          continue;
        }
        Markdown.Block next = i + 1 < doc.blocks.size() ? doc.blocks.get(i + 1) : null;
        tests.add(
            DynamicTest.dynamicTest(
                "pipeline-yaml.md:" + b.line() + " " + b.marker(), () -> check(b, next)));
      }
      assertThat(tests).as("yaml examples in %s", PIPELINE_YAML).hasSizeGreaterThan(5);
      return tests.stream();
    }

    private void check(Markdown.Block b, Markdown.Block next) throws IOException {
      assertThat(b.marker())
          .as("line %d: a yaml block needs <!-- example: ... --> before it", b.line())
          .isNotNull()
          .startsWith("example:");
      List<String> words = List.of(b.marker().substring("example:".length()).strip().split("\\s+"));
      boolean fails = words.get(words.size() - 1).equals("fails");
      List<String> how = fails ? words.subList(0, words.size() - 1) : words;
      String yaml =
          switch (how.get(0)) {
            case "file" -> b.text();
            case "appended" -> bundledText() + "\n" + b.text();
            case "at" -> spliced(b.text(), how.subList(1, how.size()));
            default -> throw new AssertionError("line " + b.line() + ": unknown example " + how);
          };
      if (fails) {
        assertThat(next)
            .as("line %d: a failing example is followed by its message", b.line())
            .isNotNull();
        assertFailsWith(yaml, next.text().strip(), "line " + b.line());
      } else {
        load(yaml);
      }
    }

    /**
     * The "a wrong value" column of every key table: {@code `key: value` gets `message`}, the value
     * set at that key of the bundled file.
     */
    @TestFactory
    Stream<DynamicTest> everyWrongValueFailsWithItsMessage() {
      List<DynamicTest> tests = new ArrayList<>();
      for (Markdown.Table t : keyTables()) {
        int column = t.header().indexOf("a wrong value");
        for (Markdown.Row r : t.rows()) {
          List<String> spans = Markdown.codeSpans(r.cells().get(column));
          if (spans.isEmpty()) {
            continue;
          }
          assertThat(spans).as("line %d: `key: value` gets `message`", r.line()).hasSize(2);
          tests.add(
              DynamicTest.dynamicTest(
                  "pipeline-yaml.md:" + r.line() + " " + spans.get(0),
                  () -> {
                    int colon = spans.get(0).indexOf(": ");
                    String key = spans.get(0).substring(0, colon);
                    JsonNode value = YAML.readTree(spans.get(0).substring(colon + 2));
                    ObjectNode config = bundled();
                    set(config, key, value);
                    // the bundled file's, whatever its dataset key now says
                    assertFailsWith(
                        YAML.writeValueAsString(config),
                        "orders",
                        spans.get(1),
                        "line " + r.line());
                  }));
        }
      }
      assertThat(tests).hasSizeGreaterThan(30);
      return tests.stream();
    }

    @Test
    void theKeyTablesListEveryKeyOfAPipelineFileAndNoOther() {
      Set<String> documented = new TreeSet<>();
      for (Markdown.Table t : keyTables()) {
        for (Markdown.Row r : t.rows()) {
          documented.add(Markdown.codeSpans(r.cells().get(0)).get(0));
        }
      }
      PipelineKeys keys = PipelineKeys.ofPipelineFile();
      assertThat(keys.all()).as("keys of PipelineConfig").containsAll(documented);
      assertThat(documented).as("keys documented in %s", PIPELINE_YAML).containsAll(keys.leaves());
    }

    private List<Markdown.Table> keyTables() {
      return Markdown.read(PIPELINE_YAML).tables.stream()
          .filter(t -> t.header().get(0).equals("key"))
          .toList();
    }

    private void assertFailsWith(String yaml, String expected, String where) {
      assertFailsWith(yaml, null, expected, where);
    }

    /** As the file of {@code dataset}, or of the dataset it declares when that is null. */
    private void assertFailsWith(String yaml, String dataset, String expected, String where) {
      assertThatThrownBy(() -> load(yaml, dataset != null ? dataset : declared(yaml)))
          .as(where)
          .isInstanceOf(BadConfigException.class)
          .satisfies(e -> assertContainsInOrder(e.getMessage(), expected, where));
    }

    /** Loads {@code yaml} as the file of the dataset it declares (orders when it names none). */
    private void load(String yaml) throws IOException {
      load(yaml, declared(yaml));
    }

    private void load(String yaml, String dataset) throws IOException {
      Path pipelines = Files.createTempDirectory(dir, "pipelines");
      copyTree(ROOT.resolve("pipelines/sql"), pipelines.resolve("sql"));
      // the bundled datasets, which examples join
      try (Stream<Path> bundled = Files.list(ROOT.resolve("pipelines"))) {
        for (Path f : bundled.filter(f -> f.toString().endsWith(".yaml")).toList()) {
          Files.copy(f, pipelines.resolve(f.getFileName().toString()));
        }
      }
      Files.writeString(pipelines.resolve(dataset + ".yaml"), yaml);
      new PipelineConfigLoader(pipelines).load(dataset);
    }

    private static String declared(String yaml) {
      try {
        JsonNode dataset = YAML.readTree(yaml).path("dataset");
        return dataset.isTextual() ? dataset.asText() : "orders";
      } catch (IOException e) {
        return "orders"; // the loader says what is wrong with it
      }
    }

    /** The bundled file with the fragment's value at each key spliced in. */
    private String spliced(String fragment, List<String> keys) throws IOException {
      ObjectNode config = bundled();
      JsonNode part = YAML.readTree(fragment);
      for (String key : keys) {
        JsonNode value = part;
        for (String step : key.split("\\.")) {
          value = value.path(step);
        }
        assertThat(value.isMissingNode()).as("the fragment has no %s", key).isFalse();
        JsonNode there = get(config, key);
        if (there instanceof ArrayNode list && value instanceof ArrayNode items) {
          list.addAll(items);
        } else if (there instanceof ObjectNode map && value instanceof ObjectNode entries) {
          map.setAll(entries);
        } else {
          set(config, key, value);
        }
      }
      return YAML.writeValueAsString(config);
    }
  }

  @Nested
  class Commands {

    /**
     * {@code sluice <command>} (or {@code ./sluice}) where a shell command starts: at the start of
     * a line or a code span, after {@code $ }, {@code ;}, {@code &&}, {@code |} or {@code (}, and
     * after environment assignments; up to the end of the command.
     */
    private static final Pattern INVOCATION =
        Pattern.compile(
            "(?:^\\s*|[;&|(]\\s*|\\$\\s+)(?:[A-Z_]+=\\S*\\s+)*(?:\\./)?sluice\\s+([^#;&]*)");

    /** Run by the launcher script, not the CLI. */
    private static final Set<String> LAUNCHER = Set.of("demo", "worker");

    @TestFactory
    Stream<DynamicTest> everySluiceCommandInTheDocsExistsWithItsOptions() {
      CommandLine cli = new CommandLine(new SluiceCli());
      List<DynamicTest> tests = new ArrayList<>();
      for (Path file : documents()) {
        Markdown doc = Markdown.read(file);
        for (Markdown.Block b : doc.blocks) {
          String[] lines = b.text().replace("\\\n", " ").split("\n");
          for (int i = 0; i < lines.length; i++) {
            addInvocations(tests, cli, file, b.line() + 1 + i, lines[i]);
          }
        }
        for (Markdown.Code c : doc.code) {
          addInvocations(tests, cli, file, c.line(), c.text());
        }
      }
      assertThat(tests).hasSizeGreaterThan(40);
      return tests.stream();
    }

    private void addInvocations(
        List<DynamicTest> tests, CommandLine cli, Path file, int line, String text) {
      Matcher m = INVOCATION.matcher(text.replace("\\|", "|"));
      while (m.find()) {
        // up to a pipe or a redirection
        String words = m.group(1).replaceAll("\\s(\\||\\d?>).*", "").strip();
        if (words.isEmpty()) {
          continue;
        }
        String where = ROOT.relativize(file) + ":" + line;
        tests.add(
            DynamicTest.dynamicTest(
                where + " sluice " + words, () -> checkInvocation(cli, words, where)));
      }
    }

    private void checkInvocation(CommandLine cli, String words, String where) {
      CommandLine command = cli;
      boolean named = false;
      for (String word : words.split("\\s+")) {
        String w = word.replaceAll("^\\[+|[\\],]+$", "");
        if (w.startsWith("--")) {
          String name = w.replaceAll("=.*", "").replace("--[no-]", "--");
          assertThat(hasOption(command, name))
              .as("%s: `%s` has no option %s", where, command.getCommandName(), name)
              .isTrue();
        } else if (!named && w.matches("[a-z][a-z|-]*") && !command.getSubcommands().isEmpty()) {
          for (String alternative : w.split("\\|")) {
            if (command == cli && LAUNCHER.contains(alternative)) {
              return;
            }
            assertThat(command.getSubcommands())
                .as("%s: `%s` has no command %s", where, command.getCommandName(), alternative)
                .containsKey(alternative);
          }
          CommandLine sub = command.getSubcommands().get(w.split("\\|")[0]);
          named = sub.getSubcommands().isEmpty();
          command = sub;
        } else if (command == cli && !w.startsWith("-")) {
          return; // a placeholder such as <command> or ...
        }
      }
    }

    private boolean hasOption(CommandLine command, String name) {
      CommandLine.Model.CommandSpec spec = command.getCommandSpec();
      if (spec.findOption(name) != null) {
        return true;
      }
      CommandLine.Model.OptionSpec positive =
          name.startsWith("--no-") ? spec.findOption("--" + name.substring(5)) : null;
      return positive != null && positive.negatable();
    }
  }

  @Nested
  class Links {

    @Test
    void everyLinkBetweenDocumentsResolves() {
      List<String> broken = new ArrayList<>();
      for (Path file : documents()) {
        Markdown doc = Markdown.read(file);
        for (Markdown.Link l : doc.links) {
          if (l.target().matches("[a-z]+:.*")) {
            continue; // http:, https:, mailto:
          }
          String where = ROOT.relativize(file) + ":" + l.line() + " -> " + l.target();
          String[] parts = l.target().split("#", 2);
          Path target = parts[0].isEmpty() ? file : file.getParent().resolve(parts[0]).normalize();
          if (!Files.exists(target)) {
            broken.add(where + " (no such file)");
          } else if (parts.length == 2
              && target.toString().endsWith(".md")
              && !Markdown.read(target).anchors.contains(parts[1])) {
            broken.add(where + " (no such anchor)");
          }
        }
      }
      assertThat(broken).isEmpty();
    }

    /** A test a document names as the one that holds a claim is a test of the build. */
    @Test
    void everyTestTheDocumentsNameExists() throws IOException {
      Set<String> tests = new TreeSet<>();
      for (Path f : sources()) {
        String name = f.getFileName().toString();
        if (name.endsWith("Test.java") && f.toString().contains("/src/test/java/")) {
          tests.add(name.substring(0, name.length() - ".java".length()));
        }
      }
      Pattern named = Pattern.compile("\\b[A-Z][A-Za-z]+Test\\b");
      List<String> missing = new ArrayList<>();
      for (Path file : documents()) {
        Matcher m = named.matcher(Files.readString(file));
        while (m.find()) {
          if (!tests.contains(m.group())) {
            missing.add(ROOT.relativize(file) + " names " + m.group());
          }
        }
      }
      assertThat(tests).hasSizeGreaterThan(20);
      assertThat(missing).isEmpty();
    }

    /** Code, scripts and configs name documents of the repository only, by their sections. */
    @Test
    void sourcesPointOnlyToDocumentsInTheRepository() throws IOException {
      Pattern docRef = Pattern.compile("docs/[\\w/-]+\\.md(#[\\w-]+)?");
      Pattern outside = Pattern.compile("\\b(DESIGN|STYLE)\\.md\\b");
      List<String> broken = new ArrayList<>();
      for (Path file : sources()) {
        String text = Files.readString(file);
        String where = ROOT.relativize(file).toString();
        if (outside.matcher(text).find()) {
          broken.add(where + " names a document outside the repository");
        }
        Matcher m = docRef.matcher(text);
        while (m.find()) {
          String[] parts = m.group().split("#", 2);
          Path doc = ROOT.resolve(parts[0]);
          if (!Files.exists(doc)) {
            broken.add(where + " -> " + m.group() + " (no such file)");
          } else if (parts.length == 2 && !Markdown.read(doc).anchors.contains(parts[1])) {
            broken.add(where + " -> " + m.group() + " (no such anchor)");
          }
        }
      }
      assertThat(broken).isEmpty();
    }
  }

  // -----------------------------------------------------------------------------------------------

  /** README.md and every page under docs/. */
  static List<Path> documents() {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    docs.addAll(walk(ROOT.resolve("docs"), p -> p.toString().endsWith(".md")));
    return docs;
  }

  /** The repository's code, scripts and configs (not build output, data or recorded histories). */
  static List<Path> sources() {
    Set<String> skip = Set.of(".git", "target", "data", "artifacts", "histories", "docs");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(ROOT)) {
      s.filter(Files::isRegularFile)
          .filter(
              p ->
                  Arrays.stream(ROOT.relativize(p).toString().split("/")).noneMatch(skip::contains))
          .filter(p -> p.getFileName().toString().matches("[^.]*|.*\\.(java|sql|ya?ml|xml|sh)"))
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static List<Path> walk(Path dir, java.util.function.Predicate<Path> keep) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(keep).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertContainsInOrder(String message, String expected, String where) {
    int at = 0;
    for (String part : expected.split("…")) {
      int found = message.indexOf(part, at);
      if (found < 0) {
        fail(
            "%s: expected the message to contain, in order, %s%nbut it was: %s",
            where, expected, message);
      }
      at = found + part.length();
    }
  }

  private static String bundledText() throws IOException {
    return Files.readString(ROOT.resolve("pipelines/orders.yaml"));
  }

  private static ObjectNode bundled() throws IOException {
    return (ObjectNode) YAML.readTree(bundledText());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (Path f : walk(from, p -> true)) {
      Path target = to.resolve(from.relativize(f).toString());
      Files.createDirectories(target.getParent());
      Files.copy(f, target);
    }
  }

  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("pipelines/orders.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
