package io.sluice.starter;

import io.sluice.starter.PipelineRuns.AlreadyRunning;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code sluice} command line: starts and inspects runs on a Temporal server. */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = SluiceCli.Version.class,
    description = {
      "Raw data drops to validated, point-in-time-correct feature sets, run by Temporal.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  sluice demo",
      "  sluice worker",
      "  sluice run --dataset orders --date 2024-01-05",
      "  sluice status sluice/orders/2024-01-05",
      "  sluice status --dataset orders --from 2024-01-01 --to 2024-03-31",
      "  sluice backfill --dataset orders --from 2024-01-01 --to 2024-03-31 --parallelism 4",
      "  sluice schedule create --dataset orders --at 06:00",
      "  sluice runs --dataset orders --failed",
      "  sluice rerun --failed --dataset orders --from 2024-01-01 --to 2024-01-31",
      "  sluice report --dataset orders --date 2024-01-05",
      "  sluice exports list --dataset orders",
      "  sluice infer data/my_events --dataset my_events",
      "  sluice migrate",
      "",
      "sluice <command> --help tells more of each."
    },
    subcommands = {
      LauncherCommands.Demo.class,
      LauncherCommands.Worker.class,
      RunCommand.class,
      StatusCommand.class,
      BackfillCommand.class,
      ControlCommands.Watch.class,
      ControlCommands.Cancel.class,
      ControlCommands.Pause.class,
      ControlCommands.Resume.class,
      ControlCommands.Resize.class,
      StaleCommand.class,
      ScheduleCommand.class,
      RunsCommand.class,
      RecoveryCommands.Rerun.class,
      RecoveryCommands.Replay.class,
      ReportCommand.class,
      ExportsCommand.class,
      InferCommand.class,
      MigrateCommand.class,
      HelpCommand.class
    })
public final class SluiceCli implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Help is this wide: at 80 columns the description column was too narrow for a default such as a
   * JDBC URL, and every default is on a line of its own (Default: ...) so that it wraps only when
   * it is wider than the whole column.
   */
  static final int USAGE_WIDTH = 100;

  @Spec CommandSpec spec;

  /** Runs the CLI in this JVM and returns its exit code (tests and the demo call this). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new SluiceCli()).setUsageHelpWidth(USAGE_WIDTH);
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException || e instanceof AlreadyRunning) {
            cmd.getErr().println("sluice: " + e.getMessage());
            return 2;
          }
          cmd.getErr()
              .println(
                  "sluice: "
                      + (e instanceof IllegalStateException ? e.getMessage() : rootMessage(e)));
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** What a failed run says: the workflow's own message (it names stage, partition, report). */
  static String failureMessage(io.temporal.client.WorkflowFailedException e) {
    if (e.getCause() instanceof io.temporal.failure.ApplicationFailure a) {
      return a.getOriginalMessage() + " [" + a.getType() + "]";
    }
    return rootMessage(e);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    String message = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message;
  }

  /** This build's version (the jar's Implementation-Version), or {@code dev}. */
  static String version() {
    String v = SluiceCli.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sluice " + version()};
    }
  }
}
