package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.Header;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * An activity busy in one long call for longer than its heartbeat timeout: with the ticker it
 * completes, without it Temporal times it out (so the test can tell the ticker works). And when the
 * heartbeats come: none in the first third of the timeout.
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

  /** A heartbeat seen by the fake context: when (ms into the attempt) and with what details. */
  private record Beat(long atMs, Object details) {}

  /** An attempt's context that records its heartbeats, with this heartbeat timeout and type. */
  private static ActivityExecutionContext context(
      Duration heartbeatTimeout, String type, List<Beat> beats) {
    long start = System.nanoTime();
    ActivityInfo info =
        fake(
            ActivityInfo.class,
            Map.of(
                "getHeartbeatTimeout", args -> heartbeatTimeout, "getActivityType", args -> type));
    return fake(
        ActivityExecutionContext.class,
        Map.of(
            "getInfo",
            args -> info,
            "heartbeat",
            args -> {
              beats.add(new Beat((System.nanoTime() - start) / 1_000_000, args[0]));
              return null;
            }));
  }

  /** An implementation of {@code type} answering only the methods named in {@code answers}. */
  private static <T> T fake(Class<T> type, Map<String, Function<Object[], Object>> answers) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              Function<Object[], Object> answer = answers.get(method.getName());
              if (answer == null) {
                throw new UnsupportedOperationException(method.getName());
              }
              return answer.apply(args);
            }));
  }

  /** Runs one attempt of {@code millis} through the ticker; the heartbeats it sent. */
  private static List<Beat> tick(Duration heartbeatTimeout, long millis) {
    List<Beat> beats = new CopyOnWriteArrayList<>();
    ActivityInboundCallsInterceptor attempt =
        new HeartbeatTicker()
            .interceptActivity(
                new ActivityInboundCallsInterceptorBase(null) {
                  @Override
                  public void init(ActivityExecutionContext context) {}

                  @Override
                  public ActivityOutput execute(ActivityInput input) {
                    try {
                      Thread.sleep(millis);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    return new ActivityOutput("done");
                  }
                });
    attempt.init(context(heartbeatTimeout, "Stage", beats));
    attempt.execute(
        new ActivityInboundCallsInterceptor.ActivityInput(Header.empty(), new Object[0]));
    return beats;
  }

  @Test
  void anAttemptShorterThanAThirdOfItsTimeoutSendsNoHeartbeat() {
    assertThat(tick(Duration.ofSeconds(3), 300)).isEmpty();
  }

  @Test
  void aLongerAttemptHeartbeatsEveryThirdOfItsTimeoutFromAThirdIn() {
    List<Beat> beats = tick(Duration.ofMillis(900), 1_100);
    assertThat(beats).hasSizeBetween(2, 4);
    assertThat(beats.get(0).atMs()).isBetween(290L, 800L);
    assertThat(beats).allSatisfy(b -> assertThat(b.details()).isNull());
  }

  @Test
  void progressBeatsOnlyOnceTheAttemptIsAThirdOfItsTimeoutOld() throws InterruptedException {
    List<Beat> beats = new CopyOnWriteArrayList<>();
    HeartbeatTicker.Progress progress =
        new HeartbeatTicker.Progress(context(Duration.ofMillis(600), "Ingest", beats));
    progress.beat("chunk 1");
    assertThat(beats).isEmpty();
    Thread.sleep(250);
    progress.beat("chunk 2");
    assertThat(beats).extracting(Beat::details).containsExactly("chunk 2");
  }
}
