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
  public static final String PROBE_SOURCE = "ProbeSource";
  public static final String RECORD_LATE = "RecordLate";
  public static final String PLAN_BACKFILL = "PlanBackfill";
  public static final String FIND_CHANGED = "FindChangedPartitions";
  public static final String PROBE_INPUTS = "ProbeFeatureInputs";

  /** The pipeline stages' activities, in {@link io.sluice.workflows.Stage} order. */
  public static final List<String> STAGES =
      List.of(INGEST, VALIDATE, STAGE, COMPUTE_FEATURES, SPLIT, PUBLISH);

  /** Every activity a worker runs; each has its own timeouts and retries. */
  public static final List<String> ALL =
      List.of(
          INGEST,
          VALIDATE,
          STAGE,
          COMPUTE_FEATURES,
          SPLIT,
          PUBLISH,
          PROBE_SOURCE,
          RECORD_LATE,
          PLAN_BACKFILL,
          FIND_CHANGED,
          PROBE_INPUTS);

  private ActivityNames() {}
}
