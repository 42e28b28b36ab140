package io.sluice.activities.config;

import com.fasterxml.jackson.annotation.JsonInclude;
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
    SplitConfig split,
    // absent from a file without transforms, so that its config hash is the one it always had
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        List<TransformConfig> transforms) {

  /** This dataset with a feature set file's features, label, split and transforms for its own. */
  public PipelineConfig withFeatureSet(FeatureSetFile f) {
    return withFeatures(entityKey, f.features(), f.label(), f.split(), f.transforms());
  }

  /**
   * This dataset read as a join's part of another dataset's feature set: its rows keyed by {@code
   * entityKey}, with {@code features} and {@code label} (null: one nothing reads) in place of its
   * own.
   */
  public PipelineConfig asJoinedPart(String entityKey, FeaturesConfig features, LabelConfig label) {
    return withFeatures(
        entityKey,
        features,
        label == null ? new LabelConfig("label_of_a_joined_part", 1, null, null) : label,
        split,
        null);
  }

  /** This dataset's declaration of its rows with other features. */
  private PipelineConfig withFeatures(
      String entityKey,
      FeaturesConfig features,
      LabelConfig label,
      SplitConfig split,
      List<TransformConfig> transforms) {
    return new PipelineConfig(
        dataset,
        kind,
        source,
        columns,
        primaryKey,
        entityKey,
        eventTime,
        maxTextLength,
        allowInvisibleInKeys,
        eventTimeBounds,
        expectations,
        features,
        label,
        split,
        transforms);
  }

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
      Integer maxCompressionRatio,
      @JsonInclude(JsonInclude.Include.NON_NULL) String format,
      @JsonInclude(JsonInclude.Include.NON_NULL) String kind,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean allowEmpty,
      @JsonInclude(JsonInclude.Include.NON_NULL) Jdbc jdbc,
      @JsonInclude(JsonInclude.Include.NON_NULL) Http http,
      @JsonInclude(JsonInclude.Include.NON_NULL) S3 s3) {}

  /**
   * The S3-compatible object store an {@code s3} source mirrors each partition from
   * (docs/sources.md#s3): the bucket, the prefix of a day's objects, the endpoint of a store other
   * than AWS, and where its credentials are (the SDK's default chain when none is named).
   */
  public record S3(
      String bucket,
      String prefix,
      String endpoint,
      String region,
      Boolean pathStyle,
      String accessKeyEnv,
      String secretKeyEnv,
      String secretKeyFile) {}

  /**
   * A JSON API an {@code http} source pulls each partition from (docs/sources.md#http): the URL of
   * its first page, where a page holds its records, how the next page is asked for, and how hard to
   * knock.
   */
  public record Http(
      String url,
      String records,
      Map<String, String> headers,
      String tokenEnv,
      String tokenFile,
      Pagination pagination,
      Double rateLimit,
      Integer timeoutSeconds,
      Integer retries) {}

  /**
   * How an API's pages follow each other: {@code page} (a page number), {@code offset}, {@code
   * cursor} (read from each page at a JSON pointer) or {@code link} (the {@code Link} header's
   * {@code rel="next"}); none: one request.
   */
  public record Pagination(
      String kind, String param, Long start, String sizeParam, Integer size, String cursor) {}

  /**
   * A database query a {@code jdbc} source pulls each partition with (docs/sources.md#jdbc): the
   * connection (credentials only from the environment or a secret file), the query with its {@code
   * :start}/{@code :end} window, the columns that order its rows canonically, how many rows a fetch
   * brings, and how long its connection stays open for the next pull.
   */
  public record Jdbc(
      String url,
      String user,
      String userEnv,
      String passwordEnv,
      String passwordFile,
      String query,
      List<String> orderBy,
      Integer fetchSize,
      // how long a connection stays open changes no row: read from the file, left out of its hash
      @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Integer keepIdleSeconds) {}

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
      Map<String, String> reasons,
      @JsonInclude(JsonInclude.Include.NON_NULL) String jsonPointer) {}

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
   *
   * @param dataset where the label's rows are: this dataset (default), or a joined facts or events
   *     dataset, whose join's filters {@code filter} names then
   */
  public record LabelConfig(
      String name,
      Integer horizonDays,
      String filter,
      // absent from a file without it, so that its config hash is the one it always had
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          String dataset) {}

  /** Fractions of the labelled feature dates; the embargo defaults to the label horizon. */
  public record SplitConfig(Double train, Double val, Double test, Integer embargoDays) {}

  /**
   * An exported column computed from a feature by steps fitted on the training split only
   * (docs/pipeline-yaml.md#transforms).
   *
   * @param name the exported column (a one-hot encoding's columns start with it); default {@code
   *     <column>_<last step>}
   * @param column the feature it reads
   * @param steps applied in order
   */
  public record TransformConfig(String name, String column, List<StepConfig> steps) {}

  /**
   * One step of a transform: {@code op} names the kind, which reads only its own keys.
   *
   * @param strategy impute: mean, median or constant
   * @param value impute: the constant
   * @param indicator impute: also export {@code <name>_missing}, 1 where the feature is null
   * @param lower clip: the training quantile (0..1) below which values are raised to it
   * @param upper clip: the training quantile above which values are lowered to it
   * @param topK one_hot: how many of the most frequent training values get a column
   * @param unseen one_hot: what a value outside them gets: other, ignore or error
   * @param order ordinal: the values in code order (default: the training values, sorted)
   */
  public record StepConfig(
      String op,
      String strategy,
      Double value,
      Boolean indicator,
      Double lower,
      Double upper,
      Integer topK,
      String unseen,
      List<String> order) {}
}
