package io.sluice.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.sluice.workflows.activity.BackfillActivities;
import io.sluice.workflows.activity.BackfillActivities.BackfillPlan;
import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.SplitActivities.SplitResult;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.StageActivities.StageResult;
import io.sluice.workflows.activity.ValidateActivities;
import io.sluice.workflows.activity.ValidateActivities.ValidateResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The backfill's dependency rules, bounds, signals and continue-as-new, on mocked activities. */
class BackfillWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension TEMPORAL = TestTemporal.extension();

  IngestActivities ingest = mock(IngestActivities.class, withSettings().withoutAnnotations());
  ValidateActivities validate = mock(ValidateActivities.class, withSettings().withoutAnnotations());
  StageActivities stage = mock(StageActivities.class, withSettings().withoutAnnotations());
  FeatureActivities features = mock(FeatureActivities.class, withSettings().withoutAnnotations());
  SplitActivities split = mock(SplitActivities.class, withSettings().withoutAnnotations());
  PublishActivities publish = mock(PublishActivities.class, withSettings().withoutAnnotations());
  BackfillActivities planner = mock(BackfillActivities.class, withSettings().withoutAnnotations());

  final AtomicInteger inStage = new AtomicInteger();
  final AtomicInteger maxInStage = new AtomicInteger();

  @BeforeEach
  void happyPath() {
    when(ingest.ingest(any())).thenReturn(new IngestResult(1, 1, 1, 100, 100));
    when(validate.validate(any())).thenReturn(new ValidateResult(7, 0, 0, 100, "/r.json"));
    when(stage.stage(any()))
        .thenAnswer(
            inv -> {
              maxInStage.accumulateAndGet(inStage.incrementAndGet(), Math::max);
              Thread.sleep(30);
              inStage.decrementAndGet();
              return new StageResult(100, 5, 90, 5);
            });
    when(features.computeFeatures(any(), anyInt())).thenReturn(new FeatureResult(80, 0, 0, 9));
    when(split.split(any())).thenReturn(new SplitResult(50, 10, 10, 7));
    when(publish.publish(any())).thenReturn(new PublishResult(3, "c", "s", 70, "/v3"));
  }

  static List<String> days(String from, int n) {
    return LocalDate.parse(from)
        .datesUntil(LocalDate.parse(from).plusDays(n))
        .map(String::valueOf)
        .toList();
  }

  private WorkflowStub start(TestWorkflowEnvironment env, Worker worker, BackfillRequest request) {
    Map<String, ActivitySettings> settings = TestTemporal.quickRetries(2);
    worker.registerWorkflowImplementationTypes(
        PipelineActivityOptions.implementationOptions(settings), BackfillWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        ingest, validate, stage, features, split, publish, planner);
    env.start();
    BackfillWorkflow wf =
        env.getWorkflowClient()
            .newWorkflowStub(
                BackfillWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(
                        BackfillWorkflow.workflowId(
                            request.dataset(), request.from(), request.to()))
                    .setTaskQueue(worker.getTaskQueue())
                    .build());
    WorkflowClient.start(wf::run, request);
    return WorkflowStub.fromTyped(wf);
  }

  private static BackfillWorkflow typed(TestWorkflowEnvironment env, WorkflowStub stub) {
    return env.getWorkflowClient()
        .newWorkflowStub(BackfillWorkflow.class, stub.getExecution().getWorkflowId());
  }

  @Test
  void stagesEveryPartitionBoundedThenOneFeaturePassSplitAndPublish(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> dates = days("2024-01-01", 8);
    when(planner.plan(any())).thenReturn(new BackfillPlan(dates, List.of(), List.of(), List.of()));

    BackfillResult r =
        start(env, worker, new BackfillRequest("orders", "2024-01-01", "2024-01-08", 2, null))
            .getResult(BackfillResult.class);

    assertThat(r.status()).isEqualTo("COMPLETED");
    assertThat(r.partitionsDone()).isEqualTo(8);
    assertThat(r.rowsStaged()).isEqualTo(8 * 90);
    assertThat(r.featuresThrough()).isEqualTo("2024-01-08");
    assertThat(r.featureDatesComputed()).isEqualTo(9);
    assertThat(r.featureSetVersion()).isEqualTo(3);
    assertThat(maxInStage.get()).isBetween(1, 2);
    verify(stage, times(8)).stage(any());
    // the range of feature dates is computed at the backfill's parallelism too
    verify(features, times(1))
        .computeFeatures(argThat(ref -> ref.partitionDate().equals("2024-01-08")), eq(2));
    verify(split, times(1)).split(any());
    verify(publish, times(1)).publish(any());
  }

  @Test
  void aFailedPartitionBlocksOnlyTheFeatureDatesThatReadIt(
      TestWorkflowEnvironment env, Worker worker) {
    List<String> dates = days("2024-01-01", 6);
    when(planner.plan(any())).thenReturn(new BackfillPlan(dates, List.of(), List.of(), List.of()));
    when(validate.validate(argThat((PartitionRef ref) -> ref.partitionDate().equals("2024-01-04"))))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "1 error-level expectation failed; report: /x.html",
                FailureTypes.VALIDATION_FAILED));

    BackfillResult r =
        start(env, worker, new BackfillRequest("orders", "2024-01-01", "2024-01-06", 3, null))
            .getResult(BackfillResult.class);

    assertThat(r.status()).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(r.failed()).containsOnlyKeys("2024-01-04");
    assertThat(r.failed().get("2024-01-04")).startsWith("ValidationFailed: ").contains("/x.html");
    assertThat(r.partitionsDone()).isEqualTo(5);
    assertThat(r.blockedBy()).isEqualTo("2024-01-04");
    assertThat(r.featuresThrough()).isEqualTo("2024-01-03");
    verify(stage, times(5)).stage(any());
    verify(features)
        .computeFeatures(argThat(ref -> ref.partitionDate().equals("2024-01-03")), anyInt());
  }

  @Test
  void aGapInTheRangeIsReportedAndBlocksTheFeaturesAfterIt(
      TestWorkflowEnvironment env, Worker worker) {
    when(planner.plan(any()))
        .thenReturn(
            new BackfillPlan(
                List.of("2024-01-01", "2024-01-02", "2024-01-04"),
                List.of("2024-01-03"),
                List.of(),
                List.of()));

    BackfillResult r =
        start(env, worker, new BackfillRequest("orders", "2024-01-01", "2024-01-04", 2, null))
            .getResult(BackfillResult.class);

    assertThat(r.status()).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(r.noSource()).containsExactly("2024-01-03");
    assertThat(r.blockedBy()).isEqualTo("2024-01-03");
    assertThat(r.featuresThrough()).isEqualTo("2024-01-02");
  }

  @Test
  void aPartitionLeftAloneButNotStagedBlocksTheFeaturesFromIt(
      TestWorkflowEnvironment env, Worker worker) {
    // --only-failed over 01-01..01-05: 01-02 is re-run, 01-05 never arrived and is left alone
    when(planner.plan(any()))
        .thenReturn(
            new BackfillPlan(
                List.of("2024-01-02"),
                List.of(),
                List.of("2024-01-01", "2024-01-03", "2024-01-04", "2024-01-05"),
                List.of("2024-01-05")));

    BackfillResult r =
        start(env, worker, new BackfillRequest("orders", "2024-01-01", "2024-01-05", 2, "failed"))
            .getResult(BackfillResult.class);

    assertThat(r.partitionsDone()).isEqualTo(1);
    assertThat(r.blockedBy()).isEqualTo("2024-01-05");
    assertThat(r.featuresThrough()).isEqualTo("2024-01-04");
    verify(features)
        .computeFeatures(argThat(ref -> ref.partitionDate().equals("2024-01-04")), anyInt());
  }

  @Test
  void aLongRangeContinuesAsNewAndKeepsItsTallies(TestWorkflowEnvironment env, Worker worker) {
    List<String> dates = days("2024-01-01", 30);
    when(planner.plan(any())).thenReturn(new BackfillPlan(dates, List.of(), List.of(), List.of()));
    when(validate.validate(argThat((PartitionRef ref) -> ref.partitionDate().equals("2024-01-29"))))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure("bad", FailureTypes.VALIDATION_FAILED));

    BackfillResult r =
        start(
                env,
                worker,
                new BackfillRequest("orders", "2024-01-01", "2024-01-30", 2, "all", 100, null))
            .getResult(BackfillResult.class);

    assertThat(r.continuations()).isGreaterThanOrEqualTo(2);
    assertThat(r.partitionsRun()).isEqualTo(30);
    assertThat(r.partitionsDone()).isEqualTo(29);
    assertThat(r.failed()).containsOnlyKeys("2024-01-29");
    assertThat(r.rowsStaged()).isEqualTo(29 * 90);
    assertThat(r.featuresThrough()).isEqualTo("2024-01-28");
    verify(planner, times(1)).plan(any());
    verify(ingest, times(30)).ingest(any());
    verify(features, times(1)).computeFeatures(any(), anyInt());
  }

  @Test
  void aTwoYearBackfillKeepsEveryRunsHistoryShort(TestWorkflowEnvironment env, Worker worker) {
    when(stage.stage(any())).thenReturn(new StageResult(100, 5, 90, 5));
    List<String> dates = days("2023-01-01", 731);
    when(planner.plan(any())).thenReturn(new BackfillPlan(dates, List.of(), List.of(), List.of()));

    WorkflowStub stub =
        start(env, worker, new BackfillRequest("orders", "2023-01-01", "2024-12-31", 8, null));
    BackfillResult r = stub.getResult(BackfillResult.class);

    assertThat(r.status()).isEqualTo("COMPLETED");
    assertThat(r.partitionsDone()).isEqualTo(731);
    assertThat(r.featuresThrough()).isEqualTo("2024-12-31");
    // every run stopped at the default limit of 2000 events (plus what was in flight)
    assertThat(r.continuations()).isBetween(3, 12);
    // walk the chain of runs from the first one
    String id = stub.getExecution().getWorkflowId();
    String runId = stub.getExecution().getRunId();
    int runs = 0;
    while (!runId.isEmpty()) {
      var events = env.getWorkflowClient().fetchHistory(id, runId).getEvents();
      assertThat(events.size()).as("history of run %s", runId).isLessThan(2300);
      var last = events.get(events.size() - 1);
      runId =
          last.hasWorkflowExecutionContinuedAsNewEventAttributes()
              ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : "";
      runs++;
    }
    assertThat(runs).isEqualTo(r.continuations() + 1);
    verify(features, times(1)).computeFeatures(any(), anyInt());
  }

  @Test
  void pauseResizeAndResumeSteerARunningBackfill(TestWorkflowEnvironment env, Worker worker)
      throws Exception {
    CountDownLatch planned = planAfter(days("2024-01-01", 6));
    WorkflowStub stub =
        start(env, worker, new BackfillRequest("orders", "2024-01-01", "2024-01-06", 1, null));
    BackfillWorkflow wf = typed(env, stub);
    wf.pause();
    planned.countDown();
    waitFor(() -> "partitions".equals(wf.progress().phase()));
    Thread.sleep(300);
    BackfillProgress p = wf.progress();
    assertThat(p.paused()).isTrue();
    assertThat(p.done()).isZero();
    verify(ingest, never()).ingest(any());

    wf.resize(3);
    wf.resume();
    BackfillResult r = stub.getResult(BackfillResult.class);
    assertThat(r.partitionsDone()).isEqualTo(6);
    assertThat(wf.progress().parallelism()).isEqualTo(3);
    assertThat(wf.progress().paused()).isFalse();
  }

  @Test
  void cancelLetsRunningPartitionsFinishAndComputesNoFeatures(
      TestWorkflowEnvironment env, Worker worker) throws Exception {
    CountDownLatch planned = planAfter(days("2024-01-01", 6));
    WorkflowStub stub =
        start(env, worker, new BackfillRequest("orders", "2024-01-01", "2024-01-06", 1, null));
    typed(env, stub).cancel();
    planned.countDown();

    BackfillResult r = stub.getResult(BackfillResult.class);
    assertThat(r.status()).isEqualTo("CANCELLED");
    verify(ingest, never()).ingest(any());
    verify(features, never()).computeFeatures(any(), anyInt());
  }

  /** The plan returns {@code dates} once the test counts the latch down. */
  private CountDownLatch planAfter(List<String> dates) {
    CountDownLatch planned = new CountDownLatch(1);
    when(planner.plan(any()))
        .thenAnswer(
            inv -> {
              planned.await(10, TimeUnit.SECONDS);
              return new BackfillPlan(dates, List.of(), List.of(), List.of());
            });
    return planned;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
