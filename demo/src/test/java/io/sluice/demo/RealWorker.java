package io.sluice.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.ApplicationContext;
import io.sluice.db.TestDatabases;
import io.temporal.client.WorkflowClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A fresh database and the worker's beans in this JVM, polling a task queue of its own on the real
 * Temporal server at TEMPORAL_ADDRESS; and the {@code sluice} CLI pointed at both.
 */
final class RealWorker implements AutoCloseable {

  /** The database, as its owner (who migrates it); the worker logs in as {@link #workerRole}. */
  final HikariDataSource db = TestDatabases.fresh();

  /** A least-privilege login role, member of sluice_worker, as production workers use. */
  final HikariDataSource workerRole = TestDatabases.workerRole(db);

  final DSLContext dsl = DSL.using(db, SQLDialect.POSTGRES);
  final String queue = "sluice-test-" + UUID.randomUUID();
  final String address = System.getenv("TEMPORAL_ADDRESS");
  final Path data;
  final Path pipelines = repoPipelines();
  final ApplicationContext context;

  RealWorker(Path root) {
    this(root, Map.of());
  }

  /** With some of the worker's properties replaced ({@code sluice.db.user}, say). */
  RealWorker(Path root, Map<String, Object> overrides) {
    this.data = root.resolve("data");
    Map<String, Object> properties =
        new java.util.HashMap<>(
            Map.of(
                "sluice.db.url", db.getJdbcUrl(),
                "sluice.db.user", workerRole.getUsername(),
                "sluice.db.password", workerRole.getPassword(),
                "sluice.temporal.address", address,
                "sluice.temporal.task-queue", queue,
                "sluice.paths.data-root", data.toString(),
                "sluice.paths.pipelines-dir", pipelines.toString(),
                "sluice.paths.artifacts-dir", root.resolve("artifacts").toString(),
                "sluice.worker.enabled", "true"));
    properties.put("sluice.db.migrate-user", db.getUsername());
    properties.put("sluice.db.migrate-password", db.getPassword() == null ? "" : db.getPassword());
    properties.putAll(overrides);
    this.context = ApplicationContext.builder().properties(properties).start();
  }

  /**
   * Ends runs of these ids that an earlier, interrupted test left running on the shared server
   * (their workers are gone), so this test can start its own.
   */
  void terminateLeftovers(String... workflowIds) {
    for (String id : workflowIds) {
      try {
        client().newUntypedWorkflowStub(id).terminate("left over by an interrupted test");
      } catch (RuntimeException notRunning) {
        // nothing to end
      }
    }
  }

  WorkflowClient client() {
    return context.getBean(WorkflowClient.class);
  }

  /** What one CLI invocation printed and returned. */
  record Cli(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /**
   * Runs {@code sluice <args>} in this JVM against this worker's server, queue and database.
   * Temporal options go after the subcommand's own arguments; {@code ledger} adds the database and
   * path options.
   */
  /**
   * {@code sluice <line>} (split at spaces) with the Temporal options, and the pipelines directory
   * for the commands that check a dataset before they start runs.
   */
  Cli sluice(String line) {
    return cli(true, false, line.split(" "));
  }

  /** {@code sluice <line>} with the Temporal, database and path options. */
  Cli sluiceWithLedger(String line) {
    return cli(true, true, line.split(" "));
  }

  /** {@code sluice <line>} with the database and path options only ({@code stale}). */
  Cli sluiceLedgerOnly(String line) {
    return cli(false, true, line.split(" "));
  }

  private Cli cli(boolean temporal, boolean ledger, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (temporal) {
      all.addAll(List.of("--address", address, "--task-queue", queue));
    }
    if (!ledger && startsRuns(all)) {
      all.addAll(List.of("--pipelines-dir", pipelines.toString()));
    }
    if (ledger) {
      all.addAll(
          List.of(
              "--db-url", db.getJdbcUrl(),
              "--db-user", db.getUsername(),
              "--data-root", data.toString(),
              "--pipelines-dir", pipelines.toString()));
    }
    return capture(all.toArray(String[]::new));
  }

  /** Whether the command checks the dataset's pipeline config before it starts runs. */
  private static boolean startsRuns(List<String> args) {
    return args.get(0).equals("run")
        || args.get(0).equals("backfill")
        || args.size() > 1 && args.get(0).equals("schedule") && args.get(1).equals("create");
  }

  /** Runs {@code sluice <args>} exactly as given. */
  static synchronized Cli capture(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = io.sluice.starter.SluiceCli.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    Cli cli =
        new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println("$ sluice " + String.join(" ", args) + "\n" + cli.all() + "exit " + exit);
    return cli;
  }

  static Path repoPipelines() {
    Path dir = Path.of("").toAbsolutePath();
    while (!dir.resolve("pipelines/orders.yaml").toFile().exists()) {
      dir = dir.getParent();
    }
    return dir.resolve("pipelines");
  }

  @Override
  public void close() {
    context.close();
    workerRole.close();
    db.close();
  }
}
