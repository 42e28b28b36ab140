package io.sluice.workflows;

import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.ValidateActivities;
import io.sluice.workflows.activity.ValidateActivities.ValidateResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** Sequences the six stages; all I/O happens in activities, all options come from the worker. */
public final class FeaturePipelineWorkflowImpl implements FeaturePipelineWorkflow {

  private final IngestActivities ingest = Workflow.newActivityStub(IngestActivities.class);
  private final ValidateActivities validate = Workflow.newActivityStub(ValidateActivities.class);
  private final StageActivities stage = Workflow.newActivityStub(StageActivities.class);
  private final FeatureActivities features = Workflow.newActivityStub(FeatureActivities.class);
  private final SplitActivities split = Workflow.newActivityStub(SplitActivities.class);
  private final PublishActivities publish = Workflow.newActivityStub(PublishActivities.class);

  private final List<StageSummary> completed = new ArrayList<>();
  private String dataset;
  private String partitionDate;
  private String currentStage = "starting";
  private String status = "RUNNING";
  private String failure;

  @Override
  public PipelineResult run(PipelineRequest request) {
    LocalDate date = checked(request);
    dataset = request.dataset();
    partitionDate = request.partitionDate();
    Workflow.upsertTypedSearchAttributes(
        SearchAttributes.DATASET.valueSet(dataset),
        SearchAttributes.PARTITION_DATE.valueSet(date.atStartOfDay().atOffset(ZoneOffset.UTC)));
    PartitionRef ref = new PartitionRef(dataset, partitionDate, Workflow.getInfo().getRunId());

    run(Stage.INGEST, () -> ingest.ingest(ref), PipelineCounts::of, r -> null);
    ValidateResult v =
        run(
            Stage.VALIDATE,
            () -> validate.validate(ref),
            PipelineCounts::of,
            ValidateResult::reportPath);
    run(Stage.STAGE, () -> stage.stage(ref), PipelineCounts::of, r -> null);
    run(Stage.FEATURES, () -> features.computeFeatures(ref), PipelineCounts::of, r -> null);
    run(Stage.SPLIT, () -> split.split(ref), PipelineCounts::of, r -> null);
    PublishResult p =
        run(
            Stage.PUBLISH,
            () -> publish.publish(ref),
            PipelineCounts::of,
            PublishResult::exportPath);

    currentStage = "done";
    status = "COMPLETED";
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(currentStage));
    return new PipelineResult(
        dataset,
        partitionDate,
        List.copyOf(completed),
        v.reportPath(),
        p.version(),
        p.exportPath());
  }

  @Override
  public PipelineProgress progress() {
    return new PipelineProgress(
        dataset, partitionDate, currentStage, status, List.copyOf(completed), failure);
  }

  private <R> R run(
      Stage s,
      Supplier<R> activity,
      Function<R, Map<String, Long>> counts,
      Function<R, String> detail) {
    currentStage = s.label();
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(currentStage));
    long started = Workflow.currentTimeMillis();
    R result;
    try {
      result = activity.get();
    } catch (ActivityFailure e) {
      status = "FAILED";
      ApplicationFailure typed = e.getCause() instanceof ApplicationFailure a ? a : null;
      String type = typed != null ? typed.getType() : "ActivityFailed";
      String message = typed != null ? typed.getOriginalMessage() : String.valueOf(e.getCause());
      failure =
          String.format(
              "%s failed for %s partition %s: %s", s.label(), dataset, partitionDate, message);
      throw ApplicationFailure.newNonRetryableFailureWithCause(failure, type, e);
    }
    completed.add(
        new StageSummary(
            s.label(),
            new LinkedHashMap<>(counts.apply(result)),
            Workflow.currentTimeMillis() - started,
            detail.apply(result)));
    return result;
  }

  private LocalDate checked(PipelineRequest request) {
    if (request == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no input: expected {\"dataset\":\"orders\",\"partitionDate\":\"2024-01-05\"}",
          FailureTypes.BAD_REQUEST);
    }
    try {
      Partitions.requireDataset(request.dataset());
      return Partitions.requireDate(request.partitionDate());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.BAD_REQUEST);
    }
  }
}
