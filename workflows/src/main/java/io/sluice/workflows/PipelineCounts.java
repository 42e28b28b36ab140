package io.sluice.workflows;

import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SplitActivities.SplitResult;
import io.sluice.workflows.activity.StageActivities.StageResult;
import io.sluice.workflows.activity.ValidateActivities.ValidateResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** The counts each stage reports in progress and results, in a stable order. */
final class PipelineCounts {

  private PipelineCounts() {}

  static Map<String, Long> of(IngestResult r) {
    return counts(
        "version", r.partitionVersion(),
        "files", r.filesSeen(),
        "new_files", r.filesNew(),
        "rows_loaded", r.rowsLoaded(),
        "raw_rows", r.rawRows());
  }

  static Map<String, Long> of(ValidateResult r) {
    return counts(
        "expectations", r.expectations(),
        "errors", r.errorFailures(),
        "warnings", r.warnFailures(),
        "rows", r.rowsChecked());
  }

  static Map<String, Long> of(StageResult r) {
    return counts(
        "raw_rows", r.rawRows(),
        "quarantined", r.quarantined(),
        "staged", r.staged(),
        "duplicates", r.duplicates());
  }

  static Map<String, Long> of(FeatureResult r) {
    return counts(
        "feature_rows", r.featureRows(),
        "labelled_rows", r.labelledRows(),
        "labels_filled", r.labelsFilled(),
        "dates_computed", r.datesComputed(),
        "gaps", r.gaps() == null ? 0 : r.gaps().size(),
        "failed_dates", r.failedDates() == null ? 0 : r.failedDates().size());
  }

  static Map<String, Long> of(SplitResult r) {
    return counts(
        "train", r.trainRows(),
        "val", r.valRows(),
        "test", r.testRows(),
        "embargo_days", r.embargoDays());
  }

  static Map<String, Long> of(PublishResult r) {
    return counts("version", r.version(), "rows_exported", r.rowsExported());
  }

  private static Map<String, Long> counts(Object... pairs) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
    }
    return m;
  }
}
