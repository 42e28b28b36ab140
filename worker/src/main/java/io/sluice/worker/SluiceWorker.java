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
        BackfillWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        ingest, validate, stage, features, split, publish, source, backfill);
  }

  @EventListener
  void onStartup(StartupEvent event) {
    factory.start();
    LOG.info("Sluice worker polling task queue '{}'", taskQueue);
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
