package io.sluice.starter;

import io.sluice.starter.PipelineRuns.AlreadyRunning;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code sluice} command line: starts and inspects runs on a Temporal server. */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = SluiceCli.Version.class,
    description = {
      "Raw data drops to validated, point-in-time-correct feature sets, run by Temporal.",
      "",
      "  sluice demo                      everything embedded: PostgreSQL, Temporal, a worker",
      "  sluice worker                    start a worker (config: worker application.yml + env)",
      "  sluice run --dataset orders --date 2024-01-05",
      "  sluice status sluice/orders/2024-01-05",
      "  sluice status --dataset orders --from 2024-01-01 --to 2024-03-31",
      "  sluice backfill --dataset orders --from 2024-01-01 --to 2024-03-31 --parallelism 4",
      "  sluice schedule create --dataset orders --at 06:00",
      "  sluice runs --dataset orders --failed",
      "  sluice rerun sluice/orders/2024-01-05",
      "  sluice report --dataset orders --date 2024-01-05",
      "  sluice exports list --dataset orders",
      "  sluice migrate                   schema and feature tables, as the owner role",
    },
    subcommands = {
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
      MigrateCommand.class,
      HelpCommand.class
    })
public final class SluiceCli implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI in this JVM and returns its exit code (tests and the demo call this). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new SluiceCli());
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
    new CommandLine(this).usage(System.out);
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
