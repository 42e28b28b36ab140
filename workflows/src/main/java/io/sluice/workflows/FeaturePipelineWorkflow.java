package io.sluice.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One partition of one dataset, end to end: ingest, validate, stage, features, split, publish.
 * Workflow id {@code sluice/<dataset>/<date>}; one live run per partition.
 */
@WorkflowInterface
public interface FeaturePipelineWorkflow {

  /** Workflow type name, as given to {@code temporal workflow start --type}. */
  String TYPE = "FeaturePipelineWorkflow";

  @WorkflowMethod(name = TYPE)
  PipelineResult run(PipelineRequest request);

  @QueryMethod(name = "progress")
  PipelineProgress progress();
}
