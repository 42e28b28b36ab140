package io.sluice.demo;

import static io.sluice.db.jooq.meta.Tables.STAGE_RECONCILIATION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * {@code sluice demo}: the whole product on the embedded default. A real PostgreSQL from Maven
 * binaries, Temporal's in-memory service, and the worker's own beans in this process. For every
 * dataset of the pipelines directory with data under the data root (the bundled orders and app
 * events): its history as one backfill, then its last day as a daily run, then what came out.
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

  /** A bundled dataset with data to run: its config and its partitions, in date order. */
  record Dataset(LoadedConfig config, Path dir, List<String> dates) {
    String name() {
      return config.config().dataset();
    }
  }

  int run(Path dataRoot, Path pipelines, Path artifacts, PrintStream out) throws Exception {
    List<Dataset> datasets = datasets(dataRoot, pipelines, out);
    if (datasets.isEmpty()) {
      out.println(
          "no partitions under "
              + dataRoot
              + " for any dataset in "
              + pipelines
              + "; nothing to run");
      return 2;
    }
    long started = System.nanoTime();
    for (Dataset d : datasets) {
      out.printf(
          "Sluice demo: %d partitions of %s (%s) from %s%n",
          d.dates().size(),
          d.name(),
          d.config().schema().kind().name().toLowerCase(Locale.ROOT),
          d.dir());
    }
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
        DSLContext dsl = worker.getBean(DSLContext.class);
        int failed = 0;
        for (Dataset d : datasets) {
          failed += run(client, dsl, d, dataRoot, artifacts, out);
        }
        PipelineConfigLoader loader = new PipelineConfigLoader(pipelines);
        for (String name : loader.featureSets()) {
          failed += runFeatureSet(client, loader, name, datasets, dataRoot, out);
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

  /**
   * A feature set file's run on the last date of its dataset, after every dataset ran: one range
   * pass computes its whole history, then its split and its export with the transforms' spec.
   */
  private static int runFeatureSet(
      WorkflowClient client,
      PipelineConfigLoader loader,
      String name,
      List<Dataset> datasets,
      Path dataRoot,
      PrintStream out) {
    out.println();
    LoadedConfig config;
    try {
      config = loader.load(name);
    } catch (RuntimeException e) {
      out.println("== " + name + ": skipped, " + e.getMessage());
      return 0;
    }
    String anchor = config.config().dataset();
    out.printf(
        "== %s (a feature set over %s%s)%n",
        name,
        anchor,
        config.joined().isEmpty()
            ? ""
            : ", joined with " + String.join(", ", config.joined().keySet()));
    Dataset of = datasets.stream().filter(d -> d.name().equals(anchor)).findFirst().orElse(null);
    if (of == null) {
      out.println("skipped: no partitions of " + anchor + " ran");
      return 0;
    }
    String lastDate = of.dates().get(of.dates().size() - 1);
    long started = System.nanoTime();
    out.printf("features, split and publish as of %s ...", lastDate);
    PipelineResult r;
    try {
      r =
          WorkflowStub.fromTyped(
                  PipelineRuns.startFeatureSet(client, TASK_QUEUE, name, lastDate, null))
              .getResult(PipelineResult.class);
    } catch (WorkflowFailedException e) {
      out.printf(
          " FAILED: %s%n", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      return 1;
    }
    out.printf(" done in %.1f s%n", (System.nanoTime() - started) / 1e9);
    r.stages().stream()
        .filter(s -> s.stage().equals("features"))
        .findFirst()
        .ifPresent(
            s ->
                out.printf(
                    "features: %d feature dates in the table feats.%s_features%s%n",
                    s.counts().getOrDefault("dates_computed", 0L),
                    name,
                    s.detail() == null ? "" : " (" + s.detail() + ")"));
    if (r.exportPath() != null) {
      Path export = Path.of(r.exportPath());
      out.println(
          "export:   "
              + export
              + " ({train,val,test}.{parquet,csv}, metadata.json with the transforms' spec)");
      try {
        printSplits(out, export);
        JsonNode spec =
            new ObjectMapper()
                .readTree(export.resolve("metadata.json").toFile())
                .path("transforms");
        if (!spec.isMissingNode()) {
          out.printf(
              "  %d transformed columns, fitted on the %d training rows; check them with:%n"
                  + "  python clients/python/sluice_transforms.py check %s%n",
              spec.path("columns").size(), spec.path("fitted_on").path("rows").asLong(), export);
        }
      } catch (IOException e) {
        out.println("  (metadata.json cannot be read: " + e.getMessage() + ")");
      }
      out.printf("snapshots: sluice exports list --dataset %s --data-root %s%n", name, dataRoot);
    }
    return 0;
  }

  /** One dataset: its history as a backfill, its last day as a daily run, what came out. */
  private static int run(
      WorkflowClient client,
      DSLContext dsl,
      Dataset d,
      Path dataRoot,
      Path artifacts,
      PrintStream out) {
    out.println();
    out.println("== " + d.name());
    int failed = 0;
    List<String> dates = d.dates();
    String lastDate = dates.get(dates.size() - 1);
    if (dates.size() > 1) {
      failed += backfill(client, d.name(), dates.get(0), dates.get(dates.size() - 2), out);
    }
    long daily = System.nanoTime();
    out.printf("the daily run of %s ...", lastDate);
    PipelineResult last = null;
    try {
      last =
          WorkflowStub.fromTyped(
                  PipelineRuns.start(client, TASK_QUEUE, PipelineRuns.request(d.name(), lastDate)))
              .getResult(PipelineResult.class);
      out.printf(" done in %.1f s%n", (System.nanoTime() - daily) / 1e9);
    } catch (WorkflowFailedException e) {
      failed++;
      out.printf(
          " FAILED: %s%n", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    }
    printTable(out, dsl, d);
    out.println();
    out.println(
        "reports:  "
            + artifacts.toAbsolutePath().resolve("reports").resolve(d.name())
            + "/<date>/<run-id>.{json,html}");
    if (d.config().hasFeatures()) {
      out.printf(
          "features: the table feats.%s_features (one row per %s and date)%n",
          d.name(), d.config().config().entityKey());
    }
    if (last != null && last.exportPath() != null) {
      Path export = Path.of(last.exportPath());
      out.println(
          "export:   "
              + export.resolveSibling("latest")
              + " -> "
              + export.getFileName()
              + " ({train,val,test}.{parquet,csv}, metadata.json)");
      try {
        printSplits(out, export);
      } catch (IOException e) {
        out.println("  (metadata.json cannot be read: " + e.getMessage() + ")");
      }
      out.printf(
          "snapshots: sluice exports list --dataset %s --data-root %s%n", d.name(), dataRoot);
    }
    return failed;
  }

  /**
   * The datasets of the pipelines directory with partitions under the data root: the directory of
   * each is its {@code source.path} up to {@code {date}}.
   */
  static List<Dataset> datasets(Path dataRoot, Path pipelines, PrintStream out) throws IOException {
    List<Dataset> found = new ArrayList<>();
    if (!Files.isDirectory(pipelines)) {
      return found;
    }
    PipelineConfigLoader loader = new PipelineConfigLoader(pipelines);
    List<String> names;
    try (Stream<Path> s = Files.list(pipelines)) {
      names =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .map(n -> n.substring(0, n.length() - ".yaml".length()))
              .sorted(Comparator.comparing((String n) -> !n.equals("orders")).thenComparing(n -> n))
              .toList();
    }
    for (String name : names) {
      LoadedConfig config;
      try {
        config = loader.load(name);
      } catch (RuntimeException e) {
        out.println("skipped " + name + ": " + e.getMessage());
        continue;
      }
      String path = config.config().source().path();
      if (!path.endsWith("/{date}")) {
        continue; // a layout the demo does not list
      }
      Path dir = dataRoot.resolve(path.substring(0, path.length() - "/{date}".length()));
      List<String> dates = partitions(dir);
      if (!dates.isEmpty()) {
        found.add(new Dataset(config, dir, dates));
      }
    }
    return found;
  }

  /** The history but its last day, as one backfill; returns how many partitions failed. */
  private static int backfill(
      WorkflowClient client, String dataset, String from, String to, PrintStream out) {
    long started = System.nanoTime();
    out.printf(
        "backfill %s..%s (ingest, validate, stage in parallel; features in one pass) ...",
        from, to);
    BackfillWorkflow wf =
        client.newWorkflowStub(
            BackfillWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(BackfillWorkflow.workflowId(dataset, from, to))
                .setTaskQueue(TASK_QUEUE)
                .setStaticSummary("backfill " + dataset + " " + from + ".." + to)
                .build());
    BackfillResult r =
        wf.run(new BackfillRequest(dataset, from, to, BackfillRequest.DEFAULT_PARALLELISM, "all"));
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

  /** Totals over every partition, and the last ten days day by day. */
  private static void printTable(PrintStream out, DSLContext dsl, Dataset d) {
    out.println();
    Record t =
        dsl.select(
                DSL.count(),
                DSL.sum(STAGE_RECONCILIATION.RAW_ROWS),
                DSL.sum(STAGE_RECONCILIATION.QUARANTINED_ROWS),
                DSL.sum(STAGE_RECONCILIATION.STAGED_ROWS),
                DSL.sum(STAGE_RECONCILIATION.DUPLICATE_ROWS))
            .from(STAGE_RECONCILIATION)
            .where(STAGE_RECONCILIATION.DATASET.eq(d.name()))
            .fetchOne();
    out.printf(
        "%d partitions: %d raw rows = %d quarantined + %d staged + %d duplicates%n",
        t.get(0, Long.class),
        t.get(1, Long.class),
        t.get(2, Long.class),
        t.get(3, Long.class),
        t.get(4, Long.class));
    out.println();
    boolean features = d.config().hasFeatures();
    out.printf(
        "%-10s %6s %11s %6s %10s" + (features ? " %8s %8s" : "") + "%n",
        "date",
        "raw",
        "quarantined",
        "staged",
        "duplicates",
        "features",
        "labelled");
    Table<?> f = DSL.table(DSL.name("feats", d.name() + "_features"));
    Field<LocalDate> fd = DSL.field(DSL.name("feature_date"), LocalDate.class);
    Field<LocalDate> date = STAGE_RECONCILIATION.PARTITION_DATE;
    List<Field<?>> select =
        new ArrayList<>(
            List.of(
                date,
                STAGE_RECONCILIATION.RAW_ROWS,
                STAGE_RECONCILIATION.QUARANTINED_ROWS,
                STAGE_RECONCILIATION.STAGED_ROWS,
                STAGE_RECONCILIATION.DUPLICATE_ROWS));
    if (features) {
      Field<Object> label = DSL.field(DSL.name(d.config().config().label().name()));
      select.add(DSL.field(DSL.selectCount().from(f).where(fd.eq(date))));
      select.add(DSL.field(DSL.selectCount().from(f).where(fd.eq(date)).and(label.isNotNull())));
    }
    List<? extends Record> rows =
        dsl.select(select)
            .from(STAGE_RECONCILIATION)
            .where(STAGE_RECONCILIATION.DATASET.eq(d.name()))
            .orderBy(date.desc())
            .limit(10)
            .fetch();
    for (int i = rows.size() - 1; i >= 0; i--) {
      Record r = rows.get(i);
      out.printf(
          "%-10s %6d %11d %6d %10d",
          r.get(0),
          r.get(1, Long.class),
          r.get(2, Long.class),
          r.get(3, Long.class),
          r.get(4, Long.class));
      if (features) {
        out.printf(" %8d %8d", r.get(5, Long.class), r.get(6, Long.class));
      }
      out.println();
    }
  }

  private static void createDatabase(EmbeddedDatabase db) throws SQLException {
    var admin = db.settings("postgres", 1);
    try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password())) {
      c.createStatement().execute("CREATE DATABASE sluice");
    }
  }

  /** The partitions under {@code dir}: its yyyy-MM-dd subdirectories, sorted. */
  static List<String> partitions(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d{4}-\\d{2}-\\d{2}"))
          .sorted()
          .toList();
    }
  }
}
