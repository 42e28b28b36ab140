package io.sluice.activities.config;

import io.sluice.activities.dataset.DatasetSchema;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A checked config, the file it came from, the SHA-256 of its canonical form (and of the SQL file
 * it names), the text of that SQL file (null when it names none), its schema, and the configs of
 * the datasets its features join (read for their schemas).
 */
public record LoadedConfig(
    PipelineConfig config,
    Path file,
    String hash,
    String featuresSql,
    DatasetSchema schema,
    java.util.Map<String, LoadedConfig> joined,
    String name) {

  /**
   * What a run of this name reads: a dataset's pipeline file, or a feature set's file
   * (docs/pipeline-yaml.md#feature-set-files), whose config is its dataset's with the feature set's
   * features, label, split and transforms, and whose {@link #name} is the feature set's.
   */
  public LoadedConfig(
      PipelineConfig config,
      Path file,
      String hash,
      String featuresSql,
      DatasetSchema schema,
      java.util.Map<String, LoadedConfig> joined) {
    this(config, file, hash, featuresSql, schema, joined, config.dataset());
  }

  /** The dataset whose rows make the label: this one unless the label names a joined one. */
  public String labelDataset() {
    String d = config.label() == null ? null : config.label().dataset();
    return d == null ? config.dataset() : d;
  }

  /** Whether this is a feature set's file rather than a dataset's. */
  public boolean isFeatureSet() {
    return !name.equals(config.dataset());
  }

  /** The joined datasets' configs, by name (see {@link FeaturesConfig.Join}). */
  public LoadedConfig joinedConfig(String dataset) {
    LoadedConfig c = joined.get(dataset);
    if (c == null) {
      throw new IllegalStateException("no config of the joined dataset " + dataset);
    }
    return c;
  }

  /** The datasets whose staged rows the features read: this one, then the joined ones. */
  public java.util.List<String> inputs() {
    java.util.List<String> inputs = new java.util.ArrayList<>(java.util.List.of(config.dataset()));
    inputs.addAll(joined.keySet());
    return inputs;
  }

  /** The expectations, in the file's order; empty when it declares none. */
  public java.util.List<PipelineConfig.ExpectationConfig> expectations() {
    return config.expectations() == null ? java.util.List.of() : config.expectations();
  }

  /**
   * Whether the dataset declares features (with a label and a split); without them its runs ingest,
   * validate and stage, and the features, split and publish steps have nothing to do.
   */
  public boolean hasFeatures() {
    return config.features() != null;
  }

  public int labelHorizonDays() {
    return config.label().horizonDays();
  }

  /**
   * How many days back a daily run looks for partitions whose files changed after they were
   * ingested (late or corrected data); {@code source.late_days}, default 7, 0 turns it off.
   */
  public int lateDays() {
    Integer n = config.source().lateDays();
    return n == null ? 7 : n;
  }

  /** The files of a partition when neither {@code source.files} nor a format is given. */
  public static final String DEFAULT_FILES = FileFormat.CSV.defaultGlob();

  /**
   * The files of a partition: {@code source.files}, or the declared format's default ({@code
   * *.{csv,csv.gz}} without one).
   */
  public String filesGlob() {
    if (pulled() && !"s3".equals(sourceKind())) {
      return extractName();
    }
    String files = config.source().files();
    if (files != null && !files.isBlank()) {
      return files;
    }
    FileFormat format = fileFormat();
    return format == null ? DEFAULT_FILES : format.defaultGlob();
  }

  /** {@code source.kind}: {@code files} (the default), or a source Sluice pulls from. */
  public String sourceKind() {
    String k = config.source().kind();
    return k == null ? "files" : k;
  }

  /**
   * A pulled partition's file in its directory: CSV for a database's rows, JSON Lines for an API's
   * records.
   */
  public String extractName() {
    return "http".equals(sourceKind()) ? "extract.jsonl" : "extract.csv";
  }

  /** Whether each partition is pulled from a source into its extract before it is ingested. */
  public boolean pulled() {
    return !"files".equals(sourceKind());
  }

  /** {@code source.format}, or null: each file's format by its extension. */
  public FileFormat fileFormat() {
    return FileFormat.named(config.source().format());
  }

  /**
   * Whether a file without rows is a valid day: {@code source.allow_header_only}, or for a pulled
   * source {@code source.allow_empty} (an empty pull is an extract with a header only).
   */
  public boolean allowHeaderOnly() {
    return Boolean.TRUE.equals(config.source().allowHeaderOnly())
        || (pulled() && Boolean.TRUE.equals(config.source().allowEmpty()));
  }

  public int embargoDays() {
    Integer e = config.split().embargoDays();
    return e != null ? e : labelHorizonDays();
  }

  /**
   * Whether the late-data look-back hashes every file of the window ({@code
   * source.change_detection: content}) instead of trusting names, sizes and modification times.
   */
  public boolean changeDetectionByContent() {
    return "content".equals(config.source().changeDetection());
  }

  /** The most bytes a compressed file may inflate to: {@code source.max_decompressed_size}. */
  public long maxDecompressedBytes() {
    String s = config.source().maxDecompressedSize();
    return s == null ? DEFAULT_MAX_DECOMPRESSED_BYTES : bytes(s);
  }

  public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 16L << 30;

  /**
   * How many times its size a compressed file may inflate: {@code source.max_compression_ratio}.
   */
  public int maxCompressionRatio() {
    Integer r = config.source().maxCompressionRatio();
    return r == null ? 100 : r;
  }

  /** Event times before this are quarantined: {@code event_time_bounds.min}, default 1900-01-01. */
  public OffsetDateTime eventTimeMin() {
    return schema.bounds().eventMin();
  }

  /** Event times at or after this are quarantined: {@code event_time_bounds.max}, default 2100. */
  public OffsetDateTime eventTimeMax() {
    return schema.bounds().eventMax();
  }

  /**
   * What values may be, from the file's top-level limits: {@code max_text_length} (default 256
   * characters), {@code allow_invisible_in_keys} (default false), {@code event_time_bounds}
   * (default [1900-01-01, 2100-01-01)).
   *
   * @throws java.time.format.DateTimeParseException when a bound is neither a date nor an instant
   */
  public static DatasetSchema.Bounds bounds(PipelineConfig c) {
    PipelineConfig.EventTimeBounds b = c.eventTimeBounds();
    return new DatasetSchema.Bounds(
        c.maxTextLength() == null ? 256 : c.maxTextLength(),
        Boolean.TRUE.equals(c.allowInvisibleInKeys()),
        instant(b == null || b.min() == null ? "1900-01-01" : b.min()),
        instant(b == null || b.max() == null ? "2100-01-01" : b.max()));
  }

  /** A date (midnight UTC) or an instant with its zone. */
  static OffsetDateTime instant(String text) {
    return text.length() == 10
        ? LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC)
        : OffsetDateTime.parse(text);
  }

  /** A size such as {@code 16GiB}, {@code 500MB} or a number of bytes. */
  static long bytes(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    int unit = 0;
    while (unit < t.length() && Character.isDigit(t.charAt(unit))) {
      unit++;
    }
    if (unit == 0) {
      throw new NumberFormatException("not a size: " + text);
    }
    long n = Long.parseLong(t.substring(0, unit));
    long factor =
        switch (t.substring(unit).strip()) {
          case "", "B" -> 1L;
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "TB" -> 1_000_000_000_000L;
          case "KIB" -> 1L << 10;
          case "MIB" -> 1L << 20;
          case "GIB" -> 1L << 30;
          case "TIB" -> 1L << 40;
          default -> throw new NumberFormatException("unknown unit in " + text);
        };
    return Math.multiplyExact(n, factor);
  }
}
