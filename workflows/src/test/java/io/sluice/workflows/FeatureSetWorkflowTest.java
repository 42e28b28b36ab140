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
import io.sluice.workflows.activity.FeatureActivities.InputsProbe;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.SplitActivities.SplitResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

/**
 * A feature set's run waits for the datasets it reads, says which it waits for, then computes,
 * splits and publishes; its own dataset still missing at the end of the wait fails it.
 */
class FeatureSetWorkflowTest {

  static final String DATE = "2024-01-05";

  @RegisterExtension static final TestWorkflowExtension TEMPORAL = TestTemporal.extension();

  FeatureActivities features = mock(FeatureActivities.class, withSettings().withoutAnnotations());
  SplitActivities split = mock(SplitActivities.class, withSettings().withoutAnnotations());
  PublishActivities publish = mock(PublishActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void happyPath() {
    when(features.probeInputs(any())).thenReturn(new InputsProbe("orders", List.of()));
    when(features.computeFeatures(any(), anyInt())).thenReturn(new FeatureResult(100, 0, 100, 1));
    when(split.split(any())).thenReturn(new SplitResult(70, 15, 15, 7));
    when(publish.publish(any())).thenReturn(new PublishResult(1, "c", "s", 100, "/v1"));
  }

  private FeatureSetWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerWorkflowImplementationTypes(
        PipelineActivityOptions.implementationOptions(TestTemporal.quickRetries(3)),
        FeatureSetWorkflowImpl.class);
    worker.registerActivitiesImplementations(features, split, publish);
    env.start();
    return env.getWorkflowClient()
        .newWorkflowStub(
            FeatureSetWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Partitions.workflowId("customer_value", DATE))
                .setTaskQueue(worker.getTaskQueue())
                .build());
  }

  /** One more run on the started environment. */
  private static FeatureSetWorkflow another(TestWorkflowEnvironment env, Worker worker, String id) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            FeatureSetWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(worker.getTaskQueue())
                .build());
  }

  @Test
  void computesSplitsAndPublishesOnceItsInputsAreStaged(
      TestWorkflowEnvironment env, Worker worker) {
    when(features.probeInputs(any()))
        .thenReturn(new InputsProbe("orders", List.of("customers " + DATE)))
        .thenReturn(new InputsProbe("orders", List.of("customers " + DATE)))
        .thenReturn(new InputsProbe("orders", List.of()));
    FeatureSetWorkflow wf = start(env, worker);
    PipelineResult r = wf.run(new FeatureSetRequest("customer_value", DATE, "PT2H"));
    verify(features, times(3)).probeInputs(any());
    InOrder order = inOrder(features, split, publish);
    order.verify(features).computeFeatures(any(), anyInt());
    order.verify(split).split(any());
    order.verify(publish).publish(any());
    assertThat(r.dataset()).isEqualTo("customer_value");
    assertThat(r.stages())
        .extracting(StageSummary::stage)
        .containsExactly("features", "split", "publish");
    assertThat(r.exportPath()).isEqualTo("/v1");
    assertThat(wf.progress().status()).isEqualTo("COMPLETED");
  }

  @Test
  void pastItsWaitAJoinedDatasetStillMissingIsLeftToTheFeaturesStep(
      TestWorkflowEnvironment env, Worker worker) {
    when(features.probeInputs(any()))
        .thenReturn(new InputsProbe("orders", List.of("customers " + DATE)));
    when(features.computeFeatures(any(), anyInt()))
        .thenReturn(
            new FeatureResult(100, 0, 0, 1, List.of(), List.of(), List.of("customers " + DATE)));
    PipelineResult r = start(env, worker).run(new FeatureSetRequest("customer_value", DATE, null));
    verify(features, times(1)).probeInputs(any());
    assertThat(r.stages().get(0).detail())
        .isEqualTo(
            "computed without customers "
                + DATE
                + " (not staged yet; its staging makes them stale)");
  }

  @Test
  void itsOwnDatasetMissingAtTheEndOfTheWaitFailsTheRunAsLate(
      TestWorkflowEnvironment env, Worker worker) {
    when(features.probeInputs(any()))
        .thenReturn(new InputsProbe("orders", List.of("orders " + DATE, "customers " + DATE)));
    FeatureSetWorkflow wf = start(env, worker);
    assertThatThrownBy(() -> wf.run(new FeatureSetRequest("customer_value", DATE, "PT1H")))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.SOURCE_LATE);
              assertThat(f.getOriginalMessage())
                  .contains("its dataset orders has no staged partition " + DATE)
                  .contains("after waiting PT1H")
                  .contains("sluice run --dataset orders --date " + DATE);
            });
    verify(features, never()).computeFeatures(any(), anyInt());
    assertThat(wf.progress().status()).isEqualTo("LATE");
  }

  @Test
  void aBackfillComputesTheRangeAtItsParallelismAndNamesTheDatasetsBackfillWhenItIsMissing(
      TestWorkflowEnvironment env, Worker worker) {
    FeatureSetWorkflow wf = start(env, worker);
    PipelineResult r =
        wf.run(FeatureSetRequest.backfill("customer_value", "2024-01-01", DATE, 3, null));
    verify(features).computeFeatures(any(), org.mockito.ArgumentMatchers.eq(3));
    assertThat(r.partitionDate()).isEqualTo(DATE);

    when(features.probeInputs(any()))
        .thenReturn(new InputsProbe("orders", List.of("orders " + DATE)));
    FeatureSetWorkflow again = another(env, worker, "backfill-late");
    assertThatThrownBy(
            () ->
                again.run(
                    FeatureSetRequest.backfill("customer_value", "2024-01-01", DATE, 2, "PT1H")))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f ->
                assertThat(f.getOriginalMessage())
                    .contains("customer_value 2024-01-01.." + DATE)
                    .contains("after waiting PT1H")
                    .contains("sluice backfill --dataset orders --from 2024-01-01 --to " + DATE));
  }

  @Test
  void aBackwardRangeOrABadParallelismIsABadRequest(TestWorkflowEnvironment env, Worker worker) {
    FeatureSetWorkflow wf = start(env, worker);
    assertThatThrownBy(
            () -> wf.run(FeatureSetRequest.backfill("customer_value", "2024-02-01", DATE, 2, null)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(FailureTypes.BAD_REQUEST);
              assertThat(f.getOriginalMessage()).contains("is after");
            });
    FeatureSetWorkflow other = another(env, worker, "bad-parallelism");
    assertThatThrownBy(
            () ->
                other.run(
                    FeatureSetRequest.backfill("customer_value", "2024-01-01", DATE, 0, null)))
        .rootCause()
        .hasMessageContaining("parallelism 0 is outside 1..64");
    verify(features, never()).computeFeatures(any(), anyInt());
  }
}
