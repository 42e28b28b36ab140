package io.sluice.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
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
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.SplitActivities.SplitResult;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.StageActivities.StageResult;
import io.sluice.workflows.activity.ValidateActivities;
import io.sluice.workflows.activity.ValidateActivities.ValidateResult;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

class FeaturePipelineWorkflowTest {

  static final PipelineRequest REQUEST = new PipelineRequest("orders", "2024-01-05");

  @RegisterExtension
  static final TestWorkflowExtension TEMPORAL =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("SluiceDataset", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("SluiceStage", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute(
              "SluicePartitionDate", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
          .setDoNotStart(true)
          .build();

  IngestActivities ingest = mock(IngestActivities.class, withSettings().withoutAnnotations());
  ValidateActivities validate = mock(ValidateActivities.class, withSettings().withoutAnnotations());
  StageActivities stage = mock(StageActivities.class, withSettings().withoutAnnotations());
  FeatureActivities features = mock(FeatureActivities.class, withSettings().withoutAnnotations());
  SplitActivities split = mock(SplitActivities.class, withSettings().withoutAnnotations());
  PublishActivities publish = mock(PublishActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void happyPath() {
    when(ingest.ingest(any())).thenReturn(new IngestResult(1, 1, 1, 300, 300));
    when(validate.validate(any())).thenReturn(new ValidateResult(7, 0, 0, 300, "/r.json"));
    when(stage.stage(any())).thenReturn(new StageResult(300, 20, 275, 5));
    when(features.computeFeatures(any())).thenReturn(new FeatureResult(100, 0, 100, 1));
    when(split.split(any())).thenReturn(new SplitResult(70, 15, 15, 7));
    when(publish.publish(any())).thenReturn(new PublishResult(1, "c", "s", 100, "/v1"));
  }

  private FeaturePipelineWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    Map<String, ActivitySettings> settings = PipelineActivityOptions.defaults();
    settings.replaceAll(
        (k, s) ->
            new ActivitySettings(
                s.startToClose(),
                s.heartbeat(),
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                2.0,
                3));
    worker.registerWorkflowImplementationTypes(
        PipelineActivityOptions.implementationOptions(settings), FeaturePipelineWorkflowImpl.class);
    worker.registerActivitiesImplementations(ingest, validate, stage, features, split, publish);
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
    order.verify(features).computeFeatures(any());
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

  @Test
  void partitionIdsAreStable() {
    assertThat(Partitions.workflowId("orders", "2024-01-05")).isEqualTo("sluice/orders/2024-01-05");
  }
}
