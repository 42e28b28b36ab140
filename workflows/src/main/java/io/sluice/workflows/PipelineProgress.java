package io.sluice.workflows;

import java.util.List;

/** Answer of the progress query: the stage running now and what finished before it. */
public record PipelineProgress(
    String dataset,
    String partitionDate,
    String currentStage,
    String status,
    List<StageSummary> completed,
    String failure) {}
