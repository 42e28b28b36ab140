package io.sluice.workflows;

import java.util.List;
import java.util.Map;

/**
 * What a backfill hands to its next run when it continues as new: the partitions still to run and
 * the tallies so far.
 */
public record BackfillCarry(
    List<String> remaining,
    List<String> noSource,
    List<String> unstaged,
    int total,
    int done,
    long rowsStaged,
    Map<String, String> failed,
    int parallelism,
    boolean paused,
    long startedAtMillis,
    int continuations) {}
