package io.sluice.workflows.activity;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Assigns labelled feature dates to train / val / test with an embargo between them. */
@ActivityInterface
public interface SplitActivities {

  @ActivityMethod(name = ActivityNames.SPLIT)
  SplitResult split(PartitionRef partition);

  record SplitResult(long trainRows, long valRows, long testRows, int embargoDays) {}
}
