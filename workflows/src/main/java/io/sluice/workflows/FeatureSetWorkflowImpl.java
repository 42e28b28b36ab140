package io.sluice.workflows;

import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.FeatureActivities.InputsProbe;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SplitActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Waits until the datasets a feature set reads are staged for the date (probing with a growing
 * interval, a durable timer between probes), then features, split and publish; all I/O happens in
 * activities, all options come from the worker.
 */
public final class FeatureSetWorkflowImpl implements FeatureSetWorkflow {

  private static final Duration MIN_PROBE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration FIRST_PROBE_INTERVAL_MAX = Duration.ofSeconds(30);
  private static final Duration MAX_PROBE_INTERVAL = Duration.ofMinutes(10);

  private final StageRun steps = new StageRun();
  private String featureSet;
  private String partitionDate;
  private String from; // a backfill's first date

  @Override
  public PipelineResult run(FeatureSetRequest request) {
    LocalDate date =
        RunDates.of(
            request,
            "featureSet",
            request == null ? null : request.featureSet(),
            request == null ? null : request.partitionDate(),
            request == null ? null : request.unknownFields(),
            FeatureSetRequest.SHAPE);
    featureSet = request.featureSet();
    partitionDate = date.toString();
    steps.name = featureSet;
    steps.partitionDate = partitionDate;
    Duration wait;
    int parallelism = request.parallelism() == null ? 1 : request.parallelism();
    try {
      wait = Partitions.waitForData(request.waitForInputs());
      if (request.from() != null) {
        Partitions.range(request.from(), partitionDate);
        from = request.from();
      }
      if (parallelism < 1 || parallelism > BackfillRequest.MAX_PARALLELISM) {
        throw new IllegalArgumentException(
            "parallelism " + parallelism + " is outside 1.." + BackfillRequest.MAX_PARALLELISM);
      }
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.BAD_REQUEST);
    }
    Workflow.upsertTypedSearchAttributes(
        SearchAttributes.DATASET.valueSet(featureSet),
        SearchAttributes.PARTITION_DATE.valueSet(date.atStartOfDay().atOffset(ZoneOffset.UTC)),
        SearchAttributes.PARTITION.valueSet(partitionDate));
    PartitionRef ref = new PartitionRef(featureSet, partitionDate, Workflow.getInfo().getRunId());
    awaitInputs(ref, wait);
    run(
        Stage.FEATURES,
        () -> stub(FeatureActivities.class, "features").computeFeatures(ref, parallelism),
        PipelineCounts::of,
        FeaturePipelineWorkflowImpl::featureNotes);
    run(
        Stage.SPLIT,
        () -> stub(SplitActivities.class, "split").split(ref),
        PipelineCounts::of,
        r -> null);
    PublishResult p =
        run(
            Stage.PUBLISH,
            () -> stub(PublishActivities.class, "publish").publish(ref),
            PipelineCounts::of,
            PublishResult::exportPath);
    steps.done();
    return new PipelineResult(
        featureSet, partitionDate, steps.completed(), null, p.version(), p.exportPath());
  }

  @Override
  public PipelineProgress progress() {
    return steps.progress();
  }

  private <T> T stub(Class<T> type, String step) {
    return Activities.labelled(type, step + " " + featureSet + " " + partitionDate);
  }

  /**
   * Probes until every dataset the feature set reads is staged for the date, or the wait is over:
   * then a missing joined dataset is left to the features step (which says it, and whose staging
   * later makes the date stale), and a missing partition of the feature set's own dataset fails the
   * run.
   */
  private void awaitInputs(PartitionRef ref, Duration wait) {
    long deadline = Workflow.currentTimeMillis() + wait.toMillis();
    Duration interval =
        RunDates.clamp(wait.dividedBy(20), MIN_PROBE_INTERVAL, FIRST_PROBE_INTERVAL_MAX);
    while (true) {
      InputsProbe probe =
          Activities.labelled(
                  FeatureActivities.class,
                  "look for the inputs of " + featureSet + " " + partitionDate)
              .probeInputs(ref);
      if (probe.missing().isEmpty()) {
        return;
      }
      long left = deadline - Workflow.currentTimeMillis();
      String own = probe.dataset() + " " + partitionDate;
      if (left <= 0) {
        if (probe.missing().contains(own)) {
          steps.status = "LATE";
          steps.currentStage = "late";
          steps.failure =
              String.format(
                  "%s %s: its dataset %s has no staged partition %s%s; run it (%s), then this"
                      + " feature set again",
                  featureSet,
                  from == null ? partitionDate : from + ".." + partitionDate,
                  probe.dataset(),
                  partitionDate,
                  wait.isZero() ? "" : " after waiting " + wait,
                  from == null
                      ? "sluice run --dataset " + probe.dataset() + " --date " + partitionDate
                      : "sluice backfill --dataset "
                          + probe.dataset()
                          + " --from "
                          + from
                          + " --to "
                          + partitionDate);
          Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(steps.currentStage));
          throw ApplicationFailure.newNonRetryableFailure(steps.failure, FailureTypes.SOURCE_LATE);
        }
        return;
      }
      steps.currentStage = "waiting for " + String.join(", ", probe.missing());
      Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet("waiting-for-inputs"));
      Workflow.setCurrentDetails(featureSet + " " + partitionDate + ": " + steps.currentStage);
      Workflow.newTimer(
              RunDates.clamp(interval, Duration.ZERO, Duration.ofMillis(left)),
              TimerOptions.newBuilder()
                  .setSummary(
                      "wait for "
                          + String.join(", ", probe.missing())
                          + " (read by "
                          + featureSet
                          + ")")
                  .build())
          .get();
      interval = RunDates.clamp(interval.multipliedBy(2), MIN_PROBE_INTERVAL, MAX_PROBE_INTERVAL);
    }
  }

  private <R> R run(
      Stage s,
      Supplier<R> activity,
      Function<R, Map<String, Long>> counts,
      Function<R, String> detail) {
    return steps.run(
        s, "feature set " + featureSet + ", date " + partitionDate, activity, counts, detail);
  }
}
