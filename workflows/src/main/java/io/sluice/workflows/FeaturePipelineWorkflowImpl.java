package io.sluice.workflows;

import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SourceActivities;
import io.sluice.workflows.activity.SourceActivities.SourceProbe;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.ValidateActivities;
import io.sluice.workflows.activity.ValidateActivities.ValidateResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
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

  private static final Duration MIN_PROBE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration FIRST_PROBE_INTERVAL_MAX = Duration.ofSeconds(30);
  private static final Duration MAX_PROBE_INTERVAL = Duration.ofMinutes(10);

  static final String LATE_DATA = "late-data";
  static final String LATE_DATA_CHANGE = "late-data-step";

  /** Memo key of the run's counts so far, {@code <stage>.<count>}: number. */
  public static final String MEMO_COUNTS = "counts";

  /** Memo key of the partition the run processes, {@code yyyy-MM-dd}. */
  public static final String MEMO_PARTITION = "partition";

  /** A stub of {@code type} whose calls the UI labels with their step and partition. */
  private <T> T stub(Class<T> type, String step, String partition) {
    return Activities.labelled(type, step + " " + dataset + " " + partition);
  }

  private final StageRun steps = new StageRun();
  private String dataset;
  private String partitionDate;

  @Override
  public PipelineResult run(PipelineRequest request) {
    LocalDate date =
        RunDates.of(
            request,
            "dataset",
            request == null ? null : request.dataset(),
            request == null ? null : request.partitionDate(),
            request == null ? null : request.unknownFields(),
            PipelineRequest.SHAPE);
    Duration wait = waitForData(request);
    dataset = request.dataset();
    partitionDate = date.toString();
    steps.name = dataset;
    steps.partitionDate = partitionDate;
    Workflow.upsertTypedSearchAttributes(
        SearchAttributes.DATASET.valueSet(dataset),
        SearchAttributes.PARTITION_DATE.valueSet(date.atStartOfDay().atOffset(ZoneOffset.UTC)),
        SearchAttributes.PARTITION.valueSet(partitionDate));
    PartitionRef ref = new PartitionRef(dataset, partitionDate, Workflow.getInfo().getRunId());

    if (!wait.isZero()) {
      awaitSource(ref, wait);
    }
    run(
        Stage.INGEST,
        () -> stub(IngestActivities.class, "ingest", partitionDate).ingest(ref),
        PipelineCounts::of,
        r -> null);
    ValidateResult v =
        run(
            Stage.VALIDATE,
            () -> stub(ValidateActivities.class, "validate", partitionDate).validate(ref),
            PipelineCounts::of,
            ValidateResult::reportPath);
    run(
        Stage.STAGE,
        () -> stub(StageActivities.class, "stage", partitionDate).stage(ref),
        PipelineCounts::of,
        r -> null);
    // added after runs were recorded: older histories replay without the late-data step
    if (Workflow.getVersion(LATE_DATA_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      restageLateData(ref);
    }
    run(
        Stage.FEATURES,
        () -> stub(FeatureActivities.class, "features", partitionDate).computeFeatures(ref, 1),
        PipelineCounts::of,
        FeaturePipelineWorkflowImpl::featureNotes);
    run(
        Stage.SPLIT,
        () -> stub(SplitActivities.class, "split", partitionDate).split(ref),
        PipelineCounts::of,
        r -> null);
    PublishResult p =
        run(
            Stage.PUBLISH,
            () -> stub(PublishActivities.class, "publish", partitionDate).publish(ref),
            PipelineCounts::of,
            PublishResult::exportPath);

    steps.done();
    return new PipelineResult(
        dataset, partitionDate, steps.completed(), v.reportPath(), p.version(), p.exportPath());
  }

  /**
   * Late or corrected data: partitions of the last days whose files changed since they were
   * ingested are ingested, validated and staged again here, so the features step that follows
   * recomputes every feature date from the earliest of them on, and the labels that read them.
   */
  private void restageLateData(PartitionRef ref) {
    List<String> changed =
        stub(SourceActivities.class, "look for late data before", partitionDate)
            .changedPartitions(ref);
    if (changed.isEmpty()) {
      return;
    }
    steps.currentStage = LATE_DATA;
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(steps.currentStage));
    long started = Workflow.currentTimeMillis();
    long staged = 0;
    for (String p : changed) {
      PartitionRef late = new PartitionRef(dataset, p, ref.runId());
      try {
        stub(IngestActivities.class, "late data: ingest", p).ingest(late);
        stub(ValidateActivities.class, "late data: validate", p).validate(late);
        staged += stub(StageActivities.class, "late data: stage", p).stage(late).staged();
      } catch (ActivityFailure e) {
        steps.status = "FAILED";
        steps.failure =
            String.format(
                "late data for %s partition %s (found by the run of %s) failed: %s",
                dataset, p, partitionDate, ActivityFailures.message(e));
        throw ApplicationFailure.newNonRetryableFailureWithCause(
            steps.failure, ActivityFailures.type(e), e);
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("partitions", (long) changed.size());
    counts.put("staged", staged);
    steps.record(LATE_DATA, counts, started, "re-staged " + DateRanges.ofIso(changed));
  }

  @Override
  public PipelineProgress progress() {
    return steps.progress();
  }

  private <R> R run(
      Stage s,
      Supplier<R> activity,
      Function<R, Map<String, Long>> counts,
      Function<R, String> detail) {
    return steps.run(s, dataset + " partition " + partitionDate, activity, counts, detail);
  }

  /**
   * The sensor: probes for the partition's files with a growing interval (a durable timer between
   * probes, so no worker slot is held while waiting) until they are there or the deadline passes.
   */
  private void awaitSource(PartitionRef ref, Duration wait) {
    steps.currentStage = "waiting-for-data";
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(steps.currentStage));
    long deadline = Workflow.currentTimeMillis() + wait.toMillis();
    Duration interval =
        RunDates.clamp(wait.dividedBy(20), MIN_PROBE_INTERVAL, FIRST_PROBE_INTERVAL_MAX);
    while (true) {
      SourceProbe probe =
          stub(SourceActivities.class, "look for the files of", partitionDate).probe(ref);
      if (probe.ready()) {
        return;
      }
      long left = deadline - Workflow.currentTimeMillis();
      if (left <= 0) {
        steps.status = "LATE";
        steps.currentStage = "late";
        steps.failure =
            String.format(
                "late data: %s partition %s has no files in %s after waiting %s;"
                    + " when they land, run: sluice run --dataset %s --date %s",
                dataset, partitionDate, probe.directory(), wait, dataset, partitionDate);
        stub(SourceActivities.class, "record late data of", partitionDate)
            .recordLate(ref, steps.failure);
        Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(steps.currentStage));
        throw ApplicationFailure.newNonRetryableFailure(steps.failure, FailureTypes.SOURCE_LATE);
      }
      Workflow.newTimer(
              RunDates.clamp(interval, Duration.ZERO, Duration.ofMillis(left)),
              TimerOptions.newBuilder()
                  .setSummary("wait for the files of " + dataset + " " + partitionDate)
                  .build())
          .get();
      interval = RunDates.clamp(interval.multipliedBy(2), MIN_PROBE_INTERVAL, MAX_PROBE_INTERVAL);
    }
  }

  private static Duration waitForData(PipelineRequest request) {
    try {
      return Partitions.waitForData(request.waitForData());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.BAD_REQUEST);
    }
  }

  /** What a person should know of a features step: partitions it lacked, dates it left out. */
  static String featureNotes(FeatureResult r) {
    List<String> notes = new ArrayList<>();
    if (r.gaps() != null && !r.gaps().isEmpty()) {
      notes.add("computed without partitions " + DateRanges.ofIso(r.gaps()) + " (not staged)");
    }
    if (r.missingInputs() != null && !r.missingInputs().isEmpty()) {
      notes.add(
          "computed without "
              + String.join(", ", r.missingInputs())
              + " (not staged yet; its staging makes them stale)");
    }
    if (r.failedDates() != null && !r.failedDates().isEmpty()) {
      notes.add(
          "feature dates "
              + DateRanges.ofIso(r.failedDates())
              + " failed on their data and were left out (meta.feature_date_failures)");
    }
    return notes.isEmpty() ? null : String.join("; ", notes);
  }
}
