package io.sluice.activities.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** A dataset's pipeline, as declared in {@code pipelines/<dataset>.yaml}. */
public record PipelineConfig(
    String dataset,
    String kind,
    Source source,
    Map<String, ColumnConfig> columns,
    List<String> primaryKey,
    String entityKey,
    String eventTime,
    Integer maxTextLength,
    Boolean allowInvisibleInKeys,
    EventTimeBounds eventTimeBounds,
    List<ExpectationConfig> expectations,
    FeaturesConfig features,
    LabelConfig label,
    SplitConfig split) {

  /**
   * Where a partition's files are: {@code path} under the data root, {date} substituted; {@code
   * files} a glob (default {@code *.{csv,csv.gz}}); whether a file with a header and no rows is a
   * valid (empty) day; how far back daily runs look for changed files and how they tell ({@code
   * change_detection}: metadata or content); how far a compressed file may inflate.
   */
  public record Source(
      String path,
      String files,
      Boolean allowHeaderOnly,
      Integer lateDays,
      String changeDetection,
      String maxDecompressedSize,
      Integer maxCompressionRatio) {}

  /** Event times outside [min, max) are quarantined: a year 10000 is a typo, not an order. */
  public record EventTimeBounds(String min, String max) {}

  /**
   * One declared column (docs/pipeline-yaml.md, "columns"): its type and the type's parameters,
   * whether files must carry it and whether it may be empty, how its text is normalised, the rules
   * its value keeps and the reasons its failures get.
   */
  public record ColumnConfig(
      String type,
      Boolean required,
      Boolean nullable,
      Boolean trim,
      @JsonProperty("case") String caseFold,
      List<String> nullValues,
      Integer precision,
      Integer scale,
      String assumeZone,
      List<String> values,
      BigDecimal min,
      BigDecimal max,
      Boolean positive,
      List<String> in,
      String pattern,
      Map<String, String> reasons) {}

  /**
   * One expectation; docs/pipeline-yaml.md#expectations describes each {@code type}. {@code mostly}
   * is the fraction of checked values that must pass (default 1.0).
   */
  public record ExpectationConfig(
      String name,
      String type,
      String column,
      String severity,
      Double mostly,
      String as,
      java.math.BigDecimal min,
      java.math.BigDecimal max,
      List<String> values,
      String pattern,
      String scope,
      Double maxLagHours,
      String metric,
      Integer lookback,
      Double tolerance) {}

  /**
   * The label: 1 when the entity has a row passing {@code filter} (a name from {@code
   * features.filters}) with event time in [T, T + horizon), as known at the end of partition d +
   * horizon; null until that partition is staged.
   */
  public record LabelConfig(String name, Integer horizonDays, String filter) {}

  /** Fractions of the labelled feature dates; the embargo defaults to the label horizon. */
  public record SplitConfig(Double train, Double val, Double test, Integer embargoDays) {}
}
