package io.sluice.workflows;

import java.util.List;
import java.util.Map;

/**
 * Answer of the backfill's progress query.
 *
 * @param phase {@code planning}, {@code partitions}, {@code features}, {@code split}, {@code
 *     publish}, {@code done} or {@code cancelled}
 * @param total partitions to ingest/validate/stage
 * @param failed partition → failure type and message
 * @param noSource partitions of the range without files (gaps)
 * @param elapsedMillis since the backfill started, as of the workflow's last task (a query does not
 *     move workflow time, so this stands still during a long activity)
 * @param continuations how many times the backfill continued as new
 * @param startedAtMillis workflow time (epoch millis) the backfill started; a watcher measures
 *     elapsed time from it
 */
public record BackfillProgress(
    String dataset,
    String from,
    String to,
    String phase,
    int total,
    int done,
    int running,
    Map<String, String> failed,
    List<String> noSource,
    long rowsStaged,
    int parallelism,
    boolean paused,
    long elapsedMillis,
    int continuations,
    long startedAtMillis) {}
