package io.sluice.starter;

import io.sluice.workflows.FeaturePipelineWorkflowImpl;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
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
      "List a dataset's runs from Temporal visibility (newest first): workflow id, status,",
      "partition, stage and counts. The same query works in the UI and `temporal workflow list`."
    })
final class RunsCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
  String dataset;

  @Option(names = "--failed", description = "Only failed runs (late data included).")
  boolean failed;

  @Option(names = "--from", description = "First partition date, yyyy-MM-dd.")
  String from;

  @Option(names = "--to", description = "Last partition date, yyyy-MM-dd.")
  String to;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many runs (default ${DEFAULT-VALUE}).")
  int limit;

  @Mixin TemporalOptions temporal;

  private static final int SCAN_LIMIT = 10_000;

  /** The visibility query for a dataset, optionally failed only and within partition dates. */
  static String query(String dataset, boolean failed, String from, String to) {
    Partitions.requireDataset(dataset);
    StringBuilder q = new StringBuilder("SluiceDataset = '").append(dataset).append("'");
    if (failed) {
      q.append(" AND ExecutionStatus = 'Failed'");
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
          List<WorkflowExecutionMetadata> runs = client.listExecutions(query).limit(limit).toList();
          System.out.printf("%d run(s) where %s%n", runs.size(), query);
          System.out.printf(
              "%-46s %-10s %-10s %-17s %-20s %s%n",
              "workflow id", "status", "partition", "stage", "started", "counts");
          for (WorkflowExecutionMetadata r : runs) {
            OffsetDateTime partition =
                r.getTypedSearchAttributes().get(SearchAttributes.PARTITION_DATE);
            String stage = r.getTypedSearchAttributes().get(SearchAttributes.STAGE);
            System.out.printf(
                "%-46s %-10s %-10s %-17s %-20s %s%n",
                r.getExecution().getWorkflowId(),
                status(r.getStatus()),
                partition == null ? "-" : partition.toLocalDate(),
                stage == null ? "-" : stage,
                r.getStartTime().toString().substring(0, 19),
                counts(r));
          }
        });
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
