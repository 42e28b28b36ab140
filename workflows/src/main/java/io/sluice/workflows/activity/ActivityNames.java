package io.sluice.workflows.activity;

import java.util.List;

/** Activity type names as Temporal and the UI show them; keys of the per-activity options. */
public final class ActivityNames {

  public static final String INGEST = "Ingest";
  public static final String VALIDATE = "Validate";
  public static final String STAGE = "Stage";
  public static final String COMPUTE_FEATURES = "ComputeFeatures";
  public static final String SPLIT = "Split";
  public static final String PUBLISH = "Publish";

  public static final List<String> ALL =
      List.of(INGEST, VALIDATE, STAGE, COMPUTE_FEATURES, SPLIT, PUBLISH);

  private ActivityNames() {}
}
