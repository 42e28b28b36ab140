package io.sluice.starter;

import io.sluice.workflows.FeaturePipelineWorkflowImpl;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = {
      "List a dataset's runs from Temporal visibility, newest first.",
      "Each with its workflow id, status, partition, stage, counts and, when it did not complete,"
          + " its error (a failure that a later completed run of the same partition superseded"
          + " says so). The same query works in the UI and `temporal workflow list`."
    })
final class RunsCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
  String dataset;

  @Option(
      names = "--failed",
      description = {
        "Only failed runs (late data included), without those a later completed run of the same"
            + " partition superseded."
      })
  boolean failed;

  @Option(
      names = "--all",
      description = "With --failed: also the superseded failures, marked superseded.")
  boolean all;

  @Option(names = "--from", description = "First partition date, yyyy-MM-dd.")
  String from;

  @Option(names = "--to", description = "Last partition date, yyyy-MM-dd.")
  String to;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = {"At most this many runs.", "Default: ${DEFAULT-VALUE}"})
  int limit;

  @Mixin TemporalOptions temporal;

  static final int SCAN_LIMIT = 10_000;

  /** Errors longer than this are cut; {@code sluice status <id>} prints the whole. */
  static final int ERROR_WIDTH = 100;

  /** The visibility query for a dataset, optionally failed only and within partition dates. */
  static String query(String dataset, boolean failed, String from, String to) {
    return query(dataset, failed ? "Failed" : null, from, to);
  }

  /** The same with an ExecutionStatus ({@code Failed}, {@code Completed}; null: any). */
  static String query(String dataset, String status, String from, String to) {
    Partitions.requireDataset(dataset);
    StringBuilder q = new StringBuilder("SluiceDataset = '").append(dataset).append("'");
    if (status != null) {
      q.append(" AND ExecutionStatus = '").append(status).append("'");
    }
    if (from != null) {
      q.append(" AND SluicePartitionDate >= '")
          .append(Partitions.requireDate(from))
          .append("T00:00:00Z'");
    }
    if (to != null) {
      // "< the next day", which every visibility store evaluates alike
      q.append(" AND SluicePartitionDate < '")
          .append(Partitions.requireDate(to).plusDays(1))
          .append("T00:00:00Z'");
    }
    return q.toString();
  }

  @Override
  public Integer call() {
    String query = query(dataset, failed, from, to);
    return ControlCommands.with(
        temporal,
        (client, stubs) -> {
          // with --failed the limit applies to the failures left once superseded ones are hidden
          List<WorkflowExecutionMetadata> listed =
              client.listExecutions(query).limit(failed ? SCAN_LIMIT : limit).toList();
          Map<String, WorkflowExecutionMetadata> superseded =
              RunFailures.supersededBy(client, dataset, listed);
          boolean hide = failed && !all;
          List<WorkflowExecutionMetadata> runs =
              listed.stream()
                  .filter(r -> !hide || !superseded.containsKey(r.getExecution().getRunId()))
                  .limit(limit)
                  .toList();
          System.out.printf("%d run(s) where %s%n", runs.size(), query);
          if (hide && !superseded.isEmpty()) {
            System.out.printf(
                "%d superseded failure(s) hidden: a later run of the same partition completed"
                    + " (--all shows them)%n",
                superseded.size());
          }
          print(runs.stream().map(r -> row(client, r, superseded)).toList());
        });
  }

  /** One run's line: its error is its failure's type and message, cut to {@link #ERROR_WIDTH}. */
  private static List<String> row(
      WorkflowClient client,
      WorkflowExecutionMetadata r,
      Map<String, WorkflowExecutionMetadata> superseded) {
    OffsetDateTime partition = r.getTypedSearchAttributes().get(SearchAttributes.PARTITION_DATE);
    String stage = r.getTypedSearchAttributes().get(SearchAttributes.STAGE);
    String error = "";
    if (RunFailures.ENDED_UNCOMPLETED.contains(r.getStatus())) {
      RunFailures.Failure f = RunFailures.of(client, r.getExecution());
      error =
          (superseded.containsKey(r.getExecution().getRunId()) ? "superseded: " : "")
              + (f == null ? "" : f.toString().replaceAll("\\s+", " "));
    }
    return List.of(
        r.getExecution().getWorkflowId(),
        status(r.getStatus()),
        partition == null ? "-" : partition.toLocalDate().toString(),
        stage == null ? "-" : stage,
        r.getStartTime().toString().substring(0, 19),
        counts(r),
        error.length() > ERROR_WIDTH ? error.substring(0, ERROR_WIDTH - 3) + "..." : error);
  }

  private static void print(List<List<String>> rows) {
    int countsWidth = "counts".length();
    for (List<String> row : rows) {
      countsWidth = Math.max(countsWidth, row.get(5).length());
    }
    String format = "%-46s %-10s %-10s %-17s %-20s %-" + countsWidth + "s %s";
    System.out.println(
        String.format(
            format, "workflow id", "status", "partition", "stage", "started", "counts", "error"));
    for (List<String> row : rows) {
      System.out.println(String.format(format, row.toArray()).stripTrailing());
    }
    if (rows.stream()
        .anyMatch(row -> row.get(6).length() == ERROR_WIDTH && row.get(6).endsWith("..."))) {
      System.out.printf(
          "errors are cut to %d characters; sluice status <workflow id> prints one whole%n",
          ERROR_WIDTH);
    }
  }

  static String status(WorkflowExecutionStatus s) {
    return s.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  @SuppressWarnings("unchecked")
  private static String counts(WorkflowExecutionMetadata r) {
    Map<String, Object> counts =
        (Map<String, Object>) r.getMemo(FeaturePipelineWorkflowImpl.MEMO_COUNTS, Map.class);
    if (counts == null) {
      return "";
    }
    return counts.entrySet().stream()
        .filter(
            e ->
                List.of(
                        "ingest.raw_rows",
                        "stage.staged",
                        "stage.quarantined",
                        "features.feature_rows",
                        "publish.version")
                    .contains(e.getKey()))
        .map(e -> e.getKey().substring(e.getKey().indexOf('.') + 1) + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }
}
