package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Registers the feature set version and writes the exports. */
@ActivityInterface
public interface PublishActivities {

  @ActivityMethod(name = ActivityNames.PUBLISH)
  PublishResult publish(PartitionRef partition);

  record PublishResult(
      int version, String configHash, String sqlHash, long rowsExported, String exportPath) {}
}
