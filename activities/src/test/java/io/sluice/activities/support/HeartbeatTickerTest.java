package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An activity busy in one long call for longer than its heartbeat timeout: with the ticker it
 * completes, without it Temporal times it out (so the test can tell the ticker works).
 */
class HeartbeatTickerTest {

  @ActivityInterface
  public interface Slow {
    @ActivityMethod(name = "Stage")
    String work();
  }

  public static class SlowImpl implements Slow {
    @Override
    public String work() {
      try {
        Thread.sleep(3_000); // a long SQL statement, never heartbeating by itself
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "done";
    }
  }

  @WorkflowInterface
  public interface Calls {
    @WorkflowMethod
    String run();
  }

  public static class CallsImpl implements Calls {
    @Override
    public String run() {
      return Workflow.newActivityStub(
              Slow.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .setHeartbeatTimeout(Duration.ofSeconds(1))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build())
          .work();
    }
  }

  private static String runWith(WorkerFactoryOptions factory) {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkerFactoryOptions(factory)
                .build());
    try {
      Worker w = env.newWorker("q");
      w.registerWorkflowImplementationTypes(CallsImpl.class);
      w.registerActivitiesImplementations(new SlowImpl());
      env.start();
      return env.getWorkflowClient()
          .newWorkflowStub(Calls.class, WorkflowOptions.newBuilder().setTaskQueue("q").build())
          .run();
    } finally {
      env.close();
    }
  }

  @Test
  void aLongCallOutlivesItsHeartbeatTimeoutWithTheTicker() {
    assertThat(
            runWith(
                WorkerFactoryOptions.newBuilder()
                    .setWorkerInterceptors(new HeartbeatTicker())
                    .build()))
        .isEqualTo("done");
  }

  @Test
  void withoutTheTickerTheSameCallTimesOut() {
    assertThatThrownBy(() -> runWith(WorkerFactoryOptions.newBuilder().build()))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            TimeoutFailure.class,
            t -> assertThat(t.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT));
  }
}
