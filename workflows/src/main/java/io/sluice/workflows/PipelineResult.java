package io.sluice.workflows;

import java.util.List;

/** Result of one partition's run: per-stage counts and where the outputs went. */
public record PipelineResult(
    String dataset,
    String partitionDate,
    List<StageSummary> stages,
    String reportPath,
    int featureSetVersion,
    String exportPath) {}
