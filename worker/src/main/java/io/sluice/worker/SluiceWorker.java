package io.sluice.worker;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.sluice.activities.features.FeatureActivitiesImpl;
import io.sluice.activities.ingest.IngestActivitiesImpl;
import io.sluice.activities.ops.BackfillActivitiesImpl;
import io.sluice.activities.ops.SourceActivitiesImpl;
import io.sluice.activities.publish.PublishActivitiesImpl;
import io.sluice.activities.split.SplitActivitiesImpl;
import io.sluice.activities.stage.StageActivitiesImpl;
import io.sluice.activities.validate.ValidateActivitiesImpl;
import io.sluice.workflows.BackfillWorkflowImpl;
import io.sluice.workflows.FeaturePipelineWorkflowImpl;
import io.sluice.workflows.PipelineActivityOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts polling the task queue when the application starts; drains and stops on shutdown. */
@Singleton
@Requires(property = "sluice.worker.enabled", value = "true")
public class SluiceWorker {

  private static final Logger LOG = LoggerFactory.getLogger(SluiceWorker.class);

  private final WorkerFactory factory;
  private final String taskQueue;
  private final Duration grace;

  public SluiceWorker(
      WorkerFactory factory,
      SluiceFactory.ActivitySettingsMap activitySettings,
      @Value("${sluice.temporal.task-queue}") String taskQueue,
      @Value("${sluice.worker.max-concurrent-activities}") int maxActivities,
      @Value("${sluice.worker.shutdown-grace}") Duration grace,
      IngestActivitiesImpl ingest,
      ValidateActivitiesImpl validate,
      StageActivitiesImpl stage,
      FeatureActivitiesImpl features,
      SplitActivitiesImpl split,
      PublishActivitiesImpl publish,
      SourceActivitiesImpl source,
      BackfillActivitiesImpl backfill) {
    this.factory = factory;
    this.taskQueue = taskQueue;
    this.grace = grace;
    Worker worker =
        factory.newWorker(
            taskQueue,
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(maxActivities)
                .build());
    worker.registerWorkflowImplementationTypes(
        PipelineActivityOptions.implementationOptions(activitySettings.byActivity()),
        FeaturePipelineWorkflowImpl.class,
        BackfillWorkflowImpl.class,
        io.sluice.workflows.FeatureSetWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        ingest, validate, stage, features, split, publish, source, backfill);
  }

  /** How long a starting worker waits for a Temporal server that is not answering yet. */
  static final Duration START_PATIENCE = Duration.ofMinutes(2);

  @EventListener
  void onStartup(StartupEvent event) {
    startWithin(factory::start, START_PATIENCE);
    LOG.info("Sluice worker polling task queue '{}'", taskQueue);
  }

  /**
   * Starts polling. A server that is unavailable (restarting, or briefly unable to read its
   * database) is asked again with a growing pause, for up to {@code patience}; anything else, or a
   * server still unavailable by then, fails the start.
   */
  static void startWithin(Runnable start, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    long pauseMs = 500;
    while (true) {
      try {
        start.run();
        return;
      } catch (io.grpc.StatusRuntimeException e) {
        boolean unavailable = e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE;
        if (!unavailable || System.nanoTime() + pauseMs * 1_000_000 > deadline) {
          throw e;
        }
        LOG.warn(
            "the Temporal server is not available yet ({}); trying again in {} ms",
            e.getStatus().getDescription(),
            pauseMs);
        try {
          Thread.sleep(pauseMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pauseMs = Math.min(pauseMs * 2, 10_000);
      }
    }
  }

  @EventListener
  void onShutdown(ShutdownEvent event) {
    LOG.info("Sluice worker shutting down: finishing running tasks (up to {})", grace);
    factory.shutdown();
    factory.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      LOG.warn(
          "tasks still running after {}; stopping now (Temporal retries them elsewhere)", grace);
      factory.shutdownNow();
    }
  }
}
