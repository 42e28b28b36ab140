package io.sluice.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One date of a feature set declared in its own file (docs/pipeline-yaml.md#feature-set-files):
 * once every dataset it reads is staged for the date (or its wait for them is over), its features,
 * split and publish. Workflow id {@code sluice/<feature set>/<date>}; the datasets are run by their
 * own pipelines.
 */
@WorkflowInterface
public interface FeatureSetWorkflow {

  /** Workflow type name, as given to {@code temporal workflow start --type}. */
  String TYPE = "FeatureSetWorkflow";

  @WorkflowMethod(name = TYPE)
  PipelineResult run(FeatureSetRequest request);

  @QueryMethod(name = "progress")
  PipelineProgress progress();
}
