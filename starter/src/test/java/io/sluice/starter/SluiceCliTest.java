package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The CLI's contract without a server: help, and input refused before anything starts. */
class SluiceCliTest {

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void helpListsTheCommands() {
    assertThat(SluiceCli.execute("--help")).isZero();
    assertThat(console.out())
        .contains("run", "status", "sluice demo")
        .contains("backfill", "watch", "cancel", "pause", "resume", "resize")
        .contains("stale", "schedule", "runs", "rerun", "replay");
  }

  @Test
  void demoAndWorkerRunFromThisJarSayHowToRunThem() {
    assertThat(SluiceCli.execute("demo")).isEqualTo(2);
    assertThat(SluiceCli.execute("worker", "--some-worker-flag")).isEqualTo(2);
    assertThat(console.err())
        .contains("./sluice demo (it runs java -jar demo/target/sluice-demo-app.jar)")
        .contains("./sluice worker (it runs java -jar worker/target/sluice-worker-app.jar)");
  }

  @Test
  void backfillHelpDocumentsItsOptions() {
    assertThat(SluiceCli.execute("backfill", "--help")).isZero();
    assertThat(console.out())
        .contains("--parallelism", "--only-failed", "--only-missing", "--dry-run", "--no-wait")
        .contains("Ctrl-C detaches")
        .doesNotContain("--history-limit");
  }

  @Test
  void scheduleHelpListsItsSubcommands() {
    assertThat(SluiceCli.execute("schedule", "--help")).isZero();
    assertThat(console.out())
        .contains("create", "update", "describe", "list", "pause", "unpause", "trigger")
        .contains("backfill", "delete");
  }

  @Test
  void aBackwardRangeIsRefusedBeforeAnythingStarts() {
    assertThat(
            SluiceCli.execute(
                "backfill", "--dataset", "orders", "--from", "2024-02-01", "--to", "2024-01-01"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--from 2024-02-01 is after --to");
  }

  @Test
  void onlyFailedAndOnlyMissingExcludeEachOther() {
    assertThat(
            SluiceCli.execute(
                "backfill",
                "--dataset",
                "orders",
                "--from",
                "2024-01-01",
                "--to",
                "2024-01-31",
                "--only-failed",
                "--only-missing"))
        .isEqualTo(2);
    assertThat(console.err()).contains("mutually exclusive");
  }

  @Test
  void aFeatureSetBackfillTakesNeitherOnlyFailedNorOnlyMissing() {
    assertThat(
            SluiceCli.execute(
                "backfill",
                "--feature-set",
                "customer_value",
                "--from",
                "2024-01-01",
                "--to",
                "2024-01-31",
                "--only-missing"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--only-failed and --only-missing go with --dataset");
  }

  @Test
  void aBackfillIsOfADatasetOrOfAFeatureSet() {
    assertThat(
            SluiceCli.execute(
                "backfill",
                "--dataset",
                "orders",
                "--feature-set",
                "customer_value",
                "--from",
                "2024-01-01",
                "--to",
                "2024-01-31"))
        .isEqualTo(2);
    assertThat(console.err()).contains("mutually exclusive");
    assertThat(SluiceCli.execute("backfill", "--from", "2024-01-01", "--to", "2024-01-31"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--dataset").contains("--feature-set");
  }

  @Test
  void statusNeedsAWorkflowIdOrADataset() {
    assertThat(SluiceCli.execute("status")).isEqualTo(2);
    assertThat(console.err()).contains("give a workflow id");
  }

  @Test
  void runHelpDocumentsItsOptions() {
    assertThat(SluiceCli.execute("run", "--help")).isZero();
    assertThat(console.out())
        .contains("--dataset", "--date", "--no-wait", "--address", "--task-queue");
  }

  @Test
  void aBadDateIsRefusedWithAnExample() {
    assertThat(SluiceCli.execute("run", "--dataset", "orders", "--date", "2024-13-01"))
        .isEqualTo(2);
    assertThat(console.err())
        .contains("invalid partition date '2024-13-01'")
        .contains("yyyy-MM-dd");
  }

  @Test
  void aPathInTheDatasetNameIsRefused() {
    assertThat(SluiceCli.execute("run", "--dataset", "../../etc", "--date", "2024-01-01"))
        .isEqualTo(2);
    assertThat(console.err()).contains("invalid dataset name");
  }

  @Test
  void aMissingOptionIsNamed() {
    assertThat(SluiceCli.execute("run", "--date", "2024-01-01")).isEqualTo(2);
    assertThat(console.err()).contains("--dataset");
  }

  /** {@code sluice <path> --help} as a user sees it. */
  private String help(List<String> path) {
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    int before = console.out().length();
    assertThat(SluiceCli.execute(args.toArray(String[]::new))).isZero();
    return console.out().substring(before);
  }

  /** The "Commands:" section of a help text: each name with its summary, wrapped lines joined. */
  private static Map<String, String> commands(String help) {
    Map<String, String> commands = new LinkedHashMap<>();
    String last = null;
    boolean in = false;
    for (String line : help.split("\\R")) {
      if (line.equals("Commands:")) {
        in = true;
      } else if (in && line.matches("  \\S.*")) {
        String[] nameAndSummary = line.strip().split("\\s+", 2);
        last = nameAndSummary[0];
        commands.put(last, nameAndSummary.length > 1 ? nameAndSummary[1] : "");
      } else if (in && line.matches(" {3,}\\S.*") && last != null) {
        commands.merge(last, line.strip(), (a, b) -> a + " " + b);
      } else if (in) {
        in = false;
      }
    }
    return commands;
  }

  /** Every command path below {@code cli}: [run], [schedule], [schedule, create], ... */
  private static List<List<String>> paths(CommandLine cli, List<String> path) {
    List<List<String>> paths = new ArrayList<>();
    cli.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                paths.add(p);
                paths.addAll(paths(sub, p));
              }
            });
    return paths;
  }

  /** Whether the option's description, as written, shows its default value. */
  private static boolean showsItsDefault(OptionSpec option) {
    return option.userObject() instanceof Field f
        && f.isAnnotationPresent(CommandLine.Option.class)
        && String.join(" ", f.getAnnotation(CommandLine.Option.class).description())
            .contains("${DEFAULT-VALUE}")
        && option.defaultValue() != null;
  }

  @Nested
  class Help {

    private final CommandLine model = new CommandLine(new SluiceCli());

    private CommandLine command(List<String> path) {
      CommandLine cmd = model;
      for (String name : path) {
        cmd = cmd.getSubcommands().get(name);
      }
      return cmd;
    }

    @Test
    void listsEveryCommandWithASummaryThatIsAWholeSentence() {
      Map<String, String> top = commands(help(List.of()));
      assertThat(top.keySet()).contains("demo", "worker", "run", "status", "backfill", "migrate");
      for (List<String> path : paths(model, List.of())) {
        String first = command(path).getCommandSpec().usageMessage().description()[0];
        String parentHelp = help(path.subList(0, path.size() - 1));
        String shown = commands(parentHelp).get(path.get(path.size() - 1));
        assertThat(shown).as("summary of sluice %s", String.join(" ", path)).isNotNull();
        assertThat(shown)
            .as("summary of sluice %s", String.join(" ", path))
            .isEqualTo(first.strip().replaceAll("\\s+", " "))
            .matches("[A-Z].*\\.");
      }
    }

    @Test
    void everyDefaultValueIsOnALineOfItsOwn() {
      int checked = 0;
      for (List<String> path : paths(model, List.of())) {
        String usage = help(path);
        for (OptionSpec option : command(path).getCommandSpec().options()) {
          if (showsItsDefault(option)) {
            // at the start of a line of its own, so that only a value wider than the column wraps
            assertThat(usage)
                .as(
                    "sluice %s --help shows the default of %s whole, on a line of its own",
                    String.join(" ", path), option.longestName())
                .containsPattern(
                    "(?m)^ +Default: " + Pattern.quote(option.defaultValue()) + "( \\(.*\\))?$");
            checked++;
          }
        }
      }
      assertThat(checked).isGreaterThan(10);
    }
  }
}
