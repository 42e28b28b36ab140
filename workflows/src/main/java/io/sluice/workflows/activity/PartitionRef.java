package io.sluice.workflows.activity;

/** The partition an activity works on and the workflow run it works for. */
public record PartitionRef(String dataset, String partitionDate, String runId) {}
