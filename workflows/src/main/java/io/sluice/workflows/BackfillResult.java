package io.sluice.workflows;

import java.util.List;
import java.util.Map;

/**
 * What a backfill did.
 *
 * @param status {@code COMPLETED}, {@code COMPLETED_WITH_FAILURES} or {@code CANCELLED}
 * @param failed partition → failure type and message
 * @param noSource partitions of the range without files (gaps)
 * @param featuresThrough the last feature date computed ({@code null}: none)
 * @param featureDatesComputed feature dates the one set-based pass computed
 * @param blockedBy the first failed or missing partition: feature dates from it to the end of the
 *     range were not computed because they read it ({@code null}: nothing blocked)
 */
public record BackfillResult(
    String dataset,
    String from,
    String to,
    String status,
    int partitionsRun,
    int partitionsDone,
    Map<String, String> failed,
    List<String> noSource,
    long rowsStaged,
    String featuresThrough,
    long featureDatesComputed,
    String blockedBy,
    int featureSetVersion,
    String exportPath,
    long elapsedMillis,
    int continuations) {}
