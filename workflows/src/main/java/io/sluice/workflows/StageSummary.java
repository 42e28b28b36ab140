package io.sluice.workflows;

import java.util.Map;

/** What one stage did: its counts (rows, files, ...) and how long it took in workflow time. */
public record StageSummary(String stage, Map<String, Long> counts, long millis, String detail) {}
