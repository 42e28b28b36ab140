package io.sluice.starter;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code sluice demo} and {@code sluice worker}, listed and described with the other commands. The
 * {@code sluice} launcher script runs their own jars before this CLI starts; run from this jar,
 * they say how to run them.
 */
final class LauncherCommands {

  private LauncherCommands() {}

  /** A command the launcher runs from a jar of its own. */
  abstract static class Launched implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Unmatched List<String> args;

    abstract String jar();

    @Override
    public Integer call() {
      String name = spec.name();
      System.err.printf(
          "sluice: %s is run by the sluice launcher at the repository root, not by this jar:"
              + " ./sluice %s (it runs java -jar %s)%n",
          name, name, jar());
      return 2;
    }
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = {
        "Run everything embedded (PostgreSQL, Temporal, a worker) on the bundled sample data.",
        "It backfills the history under data/raw, runs the last day as a daily run and prints the"
            + " counts and the export's splits. Run it with the launcher: ./sluice demo (it runs"
            + " demo/target/sluice-demo-app.jar)."
      })
  static final class Demo extends Launched {
    @Override
    String jar() {
      return "demo/target/sluice-demo-app.jar";
    }
  }

  @Command(
      name = "worker",
      mixinStandardHelpOptions = true,
      description = {
        "Start a worker that runs the pipelines' workflows and activities from the task queue.",
        "Configured by worker/src/main/resources/application.yml and the environment (README,"
            + " Configuration). Run it with the launcher: ./sluice worker (it runs"
            + " worker/target/sluice-worker-app.jar)."
      })
  static final class Worker extends Launched {
    @Override
    String jar() {
      return "worker/target/sluice-worker-app.jar";
    }
  }
}
