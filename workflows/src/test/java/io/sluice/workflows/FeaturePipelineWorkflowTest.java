package io.sluice.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SourceActivities;
import io.sluice.workflows.activity.SourceActivities.SourceProbe;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.SplitActivities.SplitResult;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.StageActivities.StageResult;
import io.sluice.workflows.activity.ValidateActivities;
import io.sluice.workflows.activity.ValidateActivities.ValidateResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

class FeaturePipelineWorkflowTest {

  static final PipelineRequest REQUEST = new PipelineRequest("orders", "2024-01-05");

  @RegisterExtension static final TestWorkflowExtension TEMPORAL = TestTemporal.extension();

  IngestActivities ingest = mock(IngestActivities.class, withSettings().withoutAnnotations());
  ValidateActivities validate = mock(ValidateActivities.class, withSettings().withoutAnnotations());
  StageActivities stage = mock(StageActivities.class, withSettings().withoutAnnotations());
  FeatureActivities features = mock(FeatureActivities.class, withSettings().withoutAnnotations());
  SplitActivities split = mock(SplitActivities.class, withSettings().withoutAnnotations());
  PublishActivities publish = mock(PublishActivities.class, withSettings().withoutAnnotations());
  SourceActivities source = mock(SourceActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void happyPath() {
    when(ingest.ingest(any())).thenReturn(new IngestResult(1, 1, 1, 300, 300));
    when(validate.validate(any())).thenReturn(new ValidateResult(7, 0, 0, 300, "/r.json"));
    when(stage.stage(any())).thenReturn(new StageResult(300, 20, 275, 5));
    when(features.computeFeatures(any(), anyInt())).thenReturn(new FeatureResult(100, 0, 100, 1));
    when(split.split(any())).thenReturn(new SplitResult(70, 15, 15, 7));
    when(publish.publish(any())).thenReturn(new PublishResult(1, "c", "s", 100, "/v1"));
  }

  private FeaturePipelineWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    Map<String, ActivitySettings> settings = TestTemporal.quickRetries(3);
    worker.registerWorkflowImplementationTypes(
        PipelineActivityOptions.implementationOptions(settings), FeaturePipelineWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        ingest, validate, stage, features, split, publish, source);
    env.start();
    return env.getWorkflowClient()
        .newWorkflowStub(
            FeaturePipelineWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Partitions.workflowId(REQUEST.dataset(), REQUEST.partitionDate()))
                .setTaskQueue(worker.getTaskQueue())
                .build());
  }

  @Test
  void runsTheSixStagesInOrderAndReportsTheirCounts(TestWorkflowEnvironment env, Worker worker) {
    PipelineResult result = start(env, worker).run(REQUEST);

    InOrder order = inOrder(ingest, validate, stage, features, split, publish);
    order.verify(ingest).ingest(any());
    order.verify(validate).validate(any());
    order.verify(stage).stage(any());
    order.verify(features).computeFeatures(any(), anyInt());
    order.verify(split).split(any());
    order.verify(publish).publish(any());
    assertThat(result.stages())
        .extracting(StageSummary::stage)
        .containsExactly("ingest", "validate", "stage", "features", "split", "publish");
    assertThat(result.stages().get(2).counts())
        .containsEntry("raw_rows", 300L)
        .containsEntry("quarantined", 20L)
        .containsEntry("staged", 275L)
        .containsEntry("duplicates", 5L);
    assertThat(result.reportPath()).isEqualTo("/r.json");
    assertThat(result.exportPath()).isEqualTo("/v1");
  }

  @Test
  void progressQueryShowsTheFinishedStages(TestWorkflowEnvironment env, Worker worker) {
    FeaturePipelineWorkflow wf = start(env, worker);
    wf.run(REQUEST);
    PipelineProgress p = wf.progress();
    assertThat(p.status()).isEqualTo("COMPLETED");
    assertThat(p.currentStage()).isEqualTo("done");
    assertThat(p.completed()).hasSize(6);
    assertThat(p.dataset()).isEqualTo("orders");
  }

  /** What a person sees in the Temporal UI: each step labelled, the partition found exactly. */
  @Test
  void theUiLabelsEachStepWithItsPartitionAndTheRunCarriesThePartition(
      TestWorkflowEnvironment env, Worker worker) {
    FeaturePipelineWorkflow wf = start(env, worker);
    wf.run(REQUEST);
    String id = Partitions.workflowId(REQUEST.dataset(), REQUEST.partitionDate());
    java.util.List<String> summaries = new java.util.ArrayList<>();
    for (io.temporal.api.history.v1.HistoryEvent e :
        env.getWorkflowClient().fetchHistory(id).getHistory().getEventsList()) {
      if (e.hasActivityTaskScheduledEventAttributes()) {
        summaries.add(
            io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                e.getUserMetadata().getSummary(), String.class, String.class));
      }
    }
    assertThat(summaries)
        .containsExactly(
            "ingest orders 2024-01-05",
            "validate orders 2024-01-05",
            "stage orders 2024-01-05",
            "look for late data before orders 2024-01-05",
            "features orders 2024-01-05",
            "split orders 2024-01-05",
            "publish orders 2024-01-05");
    var described = env.getWorkflowClient().newUntypedWorkflowStub(id).describe();
    assertThat(described.getTypedSearchAttributes().get(SearchAttributes.PARTITION))
        .isEqualTo("2024-01-05");
    assertThat(described.getMemo(FeaturePipelineWorkflowImpl.MEMO_PARTITION, String.class))
        .isEqualTo("2024-01-05");
  }

  @Nested
  class Failures {

    @Test
    void validationFailureStopsTheRunWithoutRetry(TestWorkflowEnvironment env, Worker worker) {
      when(validate.validate(any()))
          .thenThrow(
              ApplicationFailure.newNonRetryableFailure(
                  "2 expectations failed; report: /r.json", FailureTypes.VALIDATION_FAILED));
      FeaturePipelineWorkflow wf = start(env, worker);

      assertThatThrownBy(() -> wf.run(REQUEST))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(FailureTypes.VALIDATION_FAILED);
                assertThat(f.getOriginalMessage())
                    .contains("validate failed for orders partition 2024-01-05")
                    .contains("/r.json");
                assertThat(f.isNonRetryable()).isTrue();
              });
      verify(validate, times(1)).validate(any());
      verify(stage, never()).stage(any());
      PipelineProgress p = wf.progress();
      assertThat(p.status()).isEqualTo("FAILED");
      assertThat(p.currentStage()).isEqualTo("validate");
    }

    @Test
    void everyNonRetryableTypeIsConfiguredSo(TestWorkflowEnvironment env, Worker worker) {
      for (String type :
          java.util.List.of(
              FailureTypes.SOURCE_MISSING, FailureTypes.BAD_CONFIG, FailureTypes.BAD_INPUT)) {
        var options =
            PipelineActivityOptions.toOptions(PipelineActivityOptions.defaults().get("Ingest"));
        assertThat(options.getRetryOptions().getDoNotRetry()).contains(type);
      }
    }

    @Test
    void sourceMissingIsNotRetriedEvenIfThrownAsRetryable(
        TestWorkflowEnvironment env, Worker worker) {
      when(ingest.ingest(any()))
          .thenThrow(ApplicationFailure.newFailure("no directory", FailureTypes.SOURCE_MISSING));
      FeaturePipelineWorkflow wf = start(env, worker);

      assertThatThrownBy(() -> wf.run(REQUEST))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> assertThat(f.getType()).isEqualTo(FailureTypes.SOURCE_MISSING));
      verify(ingest, times(1)).ingest(any());
    }

    @Test
    void transientFailuresAreRetried(TestWorkflowEnvironment env, Worker worker) {
      when(stage.stage(any()))
          .thenThrow(new IllegalStateException("connection reset"))
          .thenThrow(new IllegalStateException("connection reset"))
          .thenReturn(new StageResult(300, 20, 275, 5));
      PipelineResult result = start(env, worker).run(REQUEST);

      verify(stage, times(3)).stage(any());
      assertThat(result.stages()).hasSize(6);
    }

    @Test
    void badRequestFailsBeforeAnyActivity(TestWorkflowEnvironment env, Worker worker) {
      FeaturePipelineWorkflow wf = start(env, worker);
      assertThatThrownBy(() -> wf.run(new PipelineRequest("../etc", "2024-01-05")))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> assertThat(f.getType()).isEqualTo(FailureTypes.BAD_REQUEST));
      verify(ingest, never()).ingest(any());
    }
  }

  @Nested
  class WaitingForData {

    static final PipelineRequest WAITING = new PipelineRequest("orders", "2024-01-05", "PT6H");
    static final SourceProbe ABSENT = new SourceProbe(false, 0, 0, "/data/raw/2024-01-05");
    static final SourceProbe PRESENT = new SourceProbe(true, 1, 1000, "/data/raw/2024-01-05");

    @Test
    void probesWithGrowingIntervalsUntilTheFilesLand(TestWorkflowEnvironment env, Worker worker) {
      java.util.List<Long> probedAt = new java.util.ArrayList<>();
      java.util.Iterator<SourceProbe> answers =
          java.util.List.of(ABSENT, ABSENT, ABSENT, PRESENT).iterator();
      when(source.probe(any()))
          .thenAnswer(
              inv -> {
                probedAt.add(env.currentTimeMillis());
                return answers.next();
              });
      FeaturePipelineWorkflow wf = start(env, worker);

      PipelineResult result = wf.run(WAITING);

      assertThat(result.stages()).hasSize(6);
      verify(source, never()).recordLate(any(), any());
      // PT6H / 20 is capped at 30 s, then doubles: durable timers of 30, 60 and 120 s
      assertThat(probedAt).hasSize(4);
      for (int i = 1; i < 4; i++) {
        long gap = probedAt.get(i) - probedAt.get(i - 1);
        assertThat(gap)
            .as("gap before probe %d", i + 1)
            .isBetween(30_000L << (i - 1), (30_000L << (i - 1)) + 2_000L);
      }
      // in the UI each wait says what it waits for
      long labelledTimers =
          env
              .getWorkflowClient()
              .fetchHistory(Partitions.workflowId(WAITING.dataset(), WAITING.partitionDate()))
              .getHistory()
              .getEventsList()
              .stream()
              .filter(e -> e.hasTimerStartedEventAttributes())
              .filter(
                  e ->
                      io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE
                          .fromPayload(e.getUserMetadata().getSummary(), String.class, String.class)
                          .equals("wait for the files of orders 2024-01-05"))
              .count();
      assertThat(labelledTimers).isEqualTo(3);
    }

    @Test
    void pastTheDeadlineTheRunEndsAsLateData(TestWorkflowEnvironment env, Worker worker) {
      when(source.probe(any())).thenReturn(ABSENT);
      FeaturePipelineWorkflow wf = start(env, worker);

      assertThatThrownBy(() -> wf.run(WAITING))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(FailureTypes.SOURCE_LATE);
                assertThat(f.getOriginalMessage())
                    .contains("late data: orders partition 2024-01-05")
                    .contains("/data/raw/2024-01-05")
                    .contains("sluice run --dataset orders --date 2024-01-05");
              });
      // 30, 60, 120, 240, 480 s, then every 10 min, the last sleep cut to end at the deadline:
      // probes at 0, 30, 90, 210, 450, 930 s, 930 + 600k s up to 21330 s, and at 21600 s
      verify(source, times(41)).probe(any());
      verify(source).recordLate(any(), org.mockito.ArgumentMatchers.contains("late data"));
      verify(ingest, never()).ingest(any());
      assertThat(wf.progress().status()).isEqualTo("LATE");
    }

    @Test
    void noWaitMeansNoProbe(TestWorkflowEnvironment env, Worker worker) {
      start(env, worker).run(REQUEST);
      verify(source, never()).probe(any());
    }

    @Test
    void aBadWaitIsABadRequest(TestWorkflowEnvironment env, Worker worker) {
      FeaturePipelineWorkflow wf = start(env, worker);
      assertThatThrownBy(() -> wf.run(new PipelineRequest("orders", "2024-01-05", "6 hours")))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(FailureTypes.BAD_REQUEST);
                assertThat(f.getOriginalMessage()).contains("PT6H");
              });
    }

    @Test
    void withoutADateAndWithoutASchedulePartitionTheRunIsRefused(
        TestWorkflowEnvironment env, Worker worker) {
      FeaturePipelineWorkflow wf = start(env, worker);
      assertThatThrownBy(() -> wf.run(new PipelineRequest("orders", null)))
          .isInstanceOf(WorkflowFailedException.class)
          .cause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> assertThat(f.getOriginalMessage()).contains("not started by a schedule"));
    }
  }

  @Test
  void changedEarlierPartitionsAreStagedAgainBeforeTheFeatures(
      TestWorkflowEnvironment env, Worker worker) {
    when(source.changedPartitions(any())).thenReturn(java.util.List.of("2024-01-02"));
    when(features.computeFeatures(any(), anyInt())).thenReturn(new FeatureResult(100, 0, 100, 4));

    PipelineResult result = start(env, worker).run(REQUEST);

    InOrder order = inOrder(stage, features);
    order
        .verify(stage)
        .stage(org.mockito.ArgumentMatchers.argThat(r -> r.partitionDate().equals("2024-01-05")));
    order
        .verify(stage)
        .stage(org.mockito.ArgumentMatchers.argThat(r -> r.partitionDate().equals("2024-01-02")));
    order.verify(features).computeFeatures(any(), anyInt());
    verify(ingest)
        .ingest(org.mockito.ArgumentMatchers.argThat(r -> r.partitionDate().equals("2024-01-02")));
    StageSummary late = result.stages().get(3);
    assertThat(late.stage()).isEqualTo("late-data");
    assertThat(late.counts()).containsEntry("partitions", 1L).containsEntry("staged", 275L);
    assertThat(late.detail()).isEqualTo("re-staged 2024-01-02");
    assertThat(result.stages().get(4).counts()).containsEntry("dates_computed", 4L);
  }

  @Test
  void featuresComputedAcrossAGapSaySo(TestWorkflowEnvironment env, Worker worker) {
    when(features.computeFeatures(any(), anyInt()))
        .thenReturn(
            new FeatureResult(
                100, 0, 0, 1, java.util.List.of("2024-01-02", "2024-01-03"), java.util.List.of()));
    StageSummary f = start(env, worker).run(REQUEST).stages().get(3);
    assertThat(f.counts()).containsEntry("gaps", 2L);
    assertThat(f.detail())
        .isEqualTo("computed without partitions 2024-01-02..2024-01-03 (not staged)");
  }

  @Test
  void theScheduledPartitionIsTheUtcDayBeforeTheScheduledTime() {
    assertThat(
            Partitions.partitionOfScheduledTime(
                java.time.OffsetDateTime.parse("2024-03-01T02:30:00+05:00")))
        .isEqualTo(java.time.LocalDate.parse("2024-02-28"));
    assertThat(
            Partitions.partitionOfScheduledTime(
                java.time.OffsetDateTime.parse("2024-03-01T06:00:00Z")))
        .isEqualTo(java.time.LocalDate.parse("2024-02-29"));
  }

  @Test
  void partitionIdsAreStable() {
    assertThat(Partitions.workflowId("orders", "2024-01-05")).isEqualTo("sluice/orders/2024-01-05");
  }
}
