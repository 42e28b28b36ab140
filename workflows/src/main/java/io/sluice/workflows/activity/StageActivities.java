package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Normalises, quarantines and versions a raw partition into staging. */
@ActivityInterface
public interface StageActivities {

  @ActivityMethod(name = ActivityNames.STAGE)
  StageResult stage(PartitionRef partition);

  /** {@code rawRows == quarantined + staged + duplicates}, always. */
  record StageResult(long rawRows, long quarantined, long staged, long duplicates) {}
}
