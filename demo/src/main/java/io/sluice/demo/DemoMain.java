package io.sluice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.sluice.db.EmbeddedDatabase;
import io.sluice.starter.PipelineRuns;
import io.sluice.workflows.BackfillRequest;
import io.sluice.workflows.BackfillResult;
import io.sluice.workflows.BackfillWorkflow;
import io.sluice.workflows.PipelineResult;
import io.sluice.workflows.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * {@code sluice demo}: the whole product on the embedded default. A real PostgreSQL from Maven
 * binaries, Temporal's in-memory service, and the worker's own beans in this process: the history
 * under {@code data/raw} as one backfill, then the last day as a daily run, then what came out.
 */
public final class DemoMain {

  static final String TASK_QUEUE = "sluice-demo";

  DemoMain() {}

  public static void main(String[] args) throws Exception {
    // The demo prints its own table; the worker's INFO lines would only bury it.
    if (System.getProperty("SLUICE_LOG_LEVEL") == null
        && System.getenv("SLUICE_LOG_LEVEL") == null) {
      System.setProperty("SLUICE_LOG_LEVEL", "WARN");
    }
    Path dataRoot = Path.of(args.length > 0 ? args[0] : "data").toAbsolutePath();
    System.exit(
        new DemoMain().run(dataRoot, Path.of("pipelines"), Path.of("artifacts"), System.out));
  }

  int run(Path dataRoot, Path pipelines, Path artifacts, PrintStream out) throws Exception {
    List<String> dates = partitions(dataRoot);
    if (dates.isEmpty()) {
      out.println("no partitions under " + dataRoot.resolve("raw") + "; nothing to run");
      return 2;
    }
    long started = System.nanoTime();
    out.printf(
        "Sluice demo: %d partitions of orders from %s%n", dates.size(), dataRoot.resolve("raw"));
    out.println("starting embedded PostgreSQL and in-memory Temporal ...");
    try (EmbeddedDatabase db = EmbeddedDatabase.start()) {
      createDatabase(db);
      TestWorkflowEnvironment temporal = TestWorkflowEnvironment.newInstance();
      temporal.registerSearchAttribute(
          SearchAttributes.DATASET.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      temporal.registerSearchAttribute(
          SearchAttributes.STAGE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      temporal.registerSearchAttribute(
          SearchAttributes.PARTITION_DATE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
      temporal.registerSearchAttribute(
          SearchAttributes.PARTITION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      var settings = db.settings("sluice", 4);
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("sluice.db.url", settings.url());
      props.put("sluice.db.user", settings.user());
      props.put("sluice.db.password", settings.password());
      props.put("sluice.paths.data-root", dataRoot.toString());
      props.put("sluice.paths.pipelines-dir", pipelines.toAbsolutePath().toString());
      props.put("sluice.paths.artifacts-dir", artifacts.toAbsolutePath().toString());
      props.put("sluice.temporal.task-queue", TASK_QUEUE);
      // the in-memory Temporal has no UI for reports to link to
      props.put("sluice.temporal.ui-url", "");
      props.put("sluice.worker.enabled", "true");
      try (ApplicationContext worker =
          ApplicationContext.builder()
              .properties(props)
              .singletons(temporal.getWorkflowClient())
              .start()) {
        WorkflowClient client = temporal.getWorkflowClient();
        int failed = 0;
        String lastDate = dates.get(dates.size() - 1);
        if (dates.size() > 1) {
          failed += backfill(client, dates.get(0), dates.get(dates.size() - 2), out);
        }
        long daily = System.nanoTime();
        out.printf("the daily run of %s ...", lastDate);
        PipelineResult last = null;
        try {
          last =
              WorkflowStub.fromTyped(
                      PipelineRuns.start(
                          client, TASK_QUEUE, PipelineRuns.request("orders", lastDate)))
                  .getResult(PipelineResult.class);
          out.printf(" done in %.1f s%n", (System.nanoTime() - daily) / 1e9);
        } catch (WorkflowFailedException e) {
          failed++;
          out.printf(
              " FAILED: %s%n", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
        DSLContext dsl = worker.getBean(DSLContext.class);
        printTable(out, dsl);
        out.println();
        out.println(
            "reports:  "
                + artifacts.toAbsolutePath().resolve("reports/orders")
                + "/<date>/<run-id>.{json,html}");
        out.println("features: the table feats.orders_features (one row per customer and date)");
        if (last != null && last.exportPath() != null) {
          Path export = Path.of(last.exportPath());
          out.println(
              "export:   "
                  + export.resolveSibling("latest")
                  + " -> "
                  + export.getFileName()
                  + " ({train,val,test}.{parquet,csv}, metadata.json)");
          printSplits(out, export);
          out.println("snapshots: sluice exports list --dataset orders --data-root " + dataRoot);
        }
        out.printf(
            "done in %.1f s%s%n",
            (System.nanoTime() - started) / 1e9,
            failed > 0 ? ", " + failed + " partition(s) failed" : "");
        return failed > 0 ? 1 : 0;
      } finally {
        temporal.close();
      }
    }
  }

  /** The history but its last day, as one backfill; returns how many partitions failed. */
  private static int backfill(WorkflowClient client, String from, String to, PrintStream out) {
    long started = System.nanoTime();
    out.printf(
        "backfill %s..%s (ingest, validate, stage in parallel; features in one pass) ...",
        from, to);
    BackfillWorkflow wf =
        client.newWorkflowStub(
            BackfillWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(BackfillWorkflow.workflowId("orders", from, to))
                .setTaskQueue(TASK_QUEUE)
                .setStaticSummary("backfill orders " + from + ".." + to)
                .build());
    BackfillResult r =
        wf.run(new BackfillRequest("orders", from, to, BackfillRequest.DEFAULT_PARALLELISM, "all"));
    out.printf(
        " %s in %.1f s%n",
        r.status().toLowerCase(Locale.ROOT), (System.nanoTime() - started) / 1e9);
    return r.failed().size();
  }

  /** The rows of each split of the export and how many have the label 1. */
  private static void printSplits(PrintStream out, Path export) throws IOException {
    JsonNode splits =
        new ObjectMapper().readTree(export.resolve("metadata.json").toFile()).path("splits");
    for (String name : List.of("train", "val", "test")) {
      JsonNode s = splits.path(name);
      long rows = s.path("rows").asLong();
      long positive = s.path("positive_labels").asLong();
      out.printf(
          "  %-5s %7d rows, %s..%s, label 1 in %d (%.1f%%), 0 in %d%n",
          name,
          rows,
          s.path("from_date").asText("-"),
          s.path("to_date").asText("-"),
          positive,
          rows == 0 ? 0.0 : 100.0 * positive / rows,
          rows - positive);
    }
  }

  /** Totals over every partition, and the last week day by day. */
  private static void printTable(PrintStream out, DSLContext dsl) {
    out.println();
    Record t =
        dsl.fetchOne(
            "select count(*), sum(raw_rows), sum(quarantined_rows), sum(staged_rows),"
                + " sum(duplicate_rows) from meta.stage_reconciliation where dataset = 'orders'");
    out.printf(
        "%d partitions: %d raw rows = %d quarantined + %d staged + %d duplicates%n",
        t.get(0, Long.class),
        t.get(1, Long.class),
        t.get(2, Long.class),
        t.get(3, Long.class),
        t.get(4, Long.class));
    out.println();
    out.printf(
        "%-10s %6s %11s %6s %10s %8s %8s%n",
        "date", "raw", "quarantined", "staged", "duplicates", "features", "labelled");
    for (Record r :
        dsl.fetch(
            "select * from (select r.partition_date, r.raw_rows, r.quarantined_rows, r.staged_rows,"
                + " r.duplicate_rows,"
                + " (select count(*) from feats.orders_features f where f.feature_date = r.partition_date) as features,"
                + " (select count(*) from feats.orders_features f where f.feature_date = r.partition_date"
                + "   and f.ordered_next_7d is not null) as labelled"
                + " from meta.stage_reconciliation r where r.dataset = 'orders'"
                + " order by r.partition_date desc limit 10) last order by 1")) {
      out.printf(
          "%-10s %6d %11d %6d %10d %8d %8d%n",
          r.get(0),
          r.get(1, Long.class),
          r.get(2, Long.class),
          r.get(3, Long.class),
          r.get(4, Long.class),
          r.get(5, Long.class),
          r.get(6, Long.class));
    }
  }

  private static void createDatabase(EmbeddedDatabase db) throws SQLException {
    var admin = db.settings("postgres", 1);
    try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password())) {
      c.createStatement().execute("CREATE DATABASE sluice");
    }
  }

  static List<String> partitions(Path dataRoot) throws IOException {
    Path raw = dataRoot.resolve("raw");
    if (!Files.isDirectory(raw)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(raw)) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d{4}-\\d{2}-\\d{2}"))
          .sorted()
          .toList();
    }
  }
}
