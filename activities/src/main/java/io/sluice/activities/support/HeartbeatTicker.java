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
 * <p>The first tick comes a third of the heartbeat timeout into the attempt, not at its start:
 * Temporal times an attempt out only when no heartbeat arrived within the timeout of its start or
 * of the last one, so an activity that ends sooner needs none. A beat at the start cost each of a
 * backfill's short validate and stage attempts an RPC and a write of the workflow's state on the
 * server (docs/adr/0009-heartbeats-from-a-timer-not-at-the-start.md).
 *
 * <p>Ingest heartbeats by itself, after each committed chunk and as the rows of a file loaded in
 * one transaction go in, with its progress as details (ticking for it would overwrite them),
 * through {@link Progress}, which follows the same rule.
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
        long everyMs = interval(timeout).toMillis();
        ScheduledFuture<?> ticks =
            TIMER.scheduleAtFixedRate(() -> beat(context), everyMs, everyMs, TimeUnit.MILLISECONDS);
        try {
          return super.execute(input);
        } finally {
          ticks.cancel(false);
        }
      }
    };
  }

  /**
   * How far into an attempt its first heartbeat comes, and then the time between ticks: a third of
   * the heartbeat timeout, at least 200 ms (no timeout: 200 ms).
   */
  static Duration interval(Duration timeout) {
    return Duration.ofMillis(Math.max(200, timeout == null ? 0 : timeout.toMillis() / 3));
  }

  /**
   * The heartbeats of an activity that reports its own progress: none before {@link #interval} into
   * the attempt, then one per {@link #beat} (the SDK sends at most one per 80% of the timeout and
   * the latest details with it).
   */
  public static final class Progress {
    private final ActivityExecutionContext context;
    private final long firstNanos;

    /** Created at the start of the attempt, on its thread. */
    public Progress(ActivityExecutionContext context) {
      this.context = context;
      this.firstNanos =
          System.nanoTime() + interval(context.getInfo().getHeartbeatTimeout()).toNanos();
    }

    /** Heartbeats with {@code details}, unless the attempt is younger than the interval. */
    public void beat(Object details) {
      if (System.nanoTime() - firstNanos >= 0) {
        context.heartbeat(details);
      }
    }
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
