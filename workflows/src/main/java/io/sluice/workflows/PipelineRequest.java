package io.sluice.workflows;

/**
 * Input of {@link FeaturePipelineWorkflow}: which partition to run. JSON form, for {@code temporal
 * workflow start --input}: {@code {"dataset":"orders","partitionDate":"2024-01-05"}}.
 */
public record PipelineRequest(String dataset, String partitionDate) {}
