package io.sluice.activities.support;

import io.sluice.workflows.activity.ActivityNames;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats for activities that spend their time inside one long SQL statement (validate, stage,
 * features, split, publish), from a timer thread while the statement runs. With a heartbeat timeout
 * set, a worker that dies mid-activity ({@code kill -9}, a lost machine) is noticed within that
 * timeout and the attempt retried elsewhere, instead of after the hour-long start-to-close timeout.
 *
 * <p>Ingest heartbeats by itself, with its resume point as details; ticking for it would overwrite
 * them, so it is left alone.
 */
public final class HeartbeatTicker extends WorkerInterceptorBase {

  static final Set<String> SELF_HEARTBEATING = Set.of(ActivityNames.INGEST);

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sluice-heartbeat");
            t.setDaemon(true);
            return t;
          });

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ContextInterceptor(next) {
      @Override
      public ActivityOutput execute(ActivityInput input) {
        Duration timeout = context.getInfo().getHeartbeatTimeout();
        if (timeout == null
            || timeout.isZero()
            || SELF_HEARTBEATING.contains(context.getInfo().getActivityType())) {
          return super.execute(input);
        }
        long everyMs = Math.max(200, timeout.toMillis() / 3);
        ScheduledFuture<?> ticks =
            TIMER.scheduleAtFixedRate(() -> beat(context), 0, everyMs, TimeUnit.MILLISECONDS);
        try {
          return super.execute(input);
        } finally {
          ticks.cancel(false);
        }
      }
    };
  }

  private static void beat(ActivityExecutionContext context) {
    try {
      context.heartbeat(null);
    } catch (ActivityCompletionException ended) {
      // cancelled or timed out: the statement ends on its own, its result is then refused
    } catch (RuntimeException e) {
      // a failed heartbeat (server briefly unreachable) is retried at the next tick
    }
  }
}
