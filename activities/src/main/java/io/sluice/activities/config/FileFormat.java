package io.sluice.activities.config;

import java.util.Locale;

/**
 * How a partition file's bytes hold its records (docs/sources.md#file-formats): {@code
 * source.format} when the pipeline declares one, otherwise the file name's extension.
 */
public enum FileFormat {
  CSV("csv", "*.{csv,csv.gz}"),
  JSONL("jsonl", "*.{jsonl,jsonl.gz,ndjson,ndjson.gz}"),
  PARQUET("parquet", "*.parquet");

  private final String label;
  private final String defaultGlob;

  FileFormat(String label, String defaultGlob) {
    this.label = label;
    this.defaultGlob = defaultGlob;
  }

  /** As {@code source.format} names it. */
  public String label() {
    return label;
  }

  /** The files of a partition when {@code source.files} is not given. */
  public String defaultGlob() {
    return defaultGlob;
  }

  /** The format {@code source.format} names, or null when it names none. */
  public static FileFormat named(String declared) {
    if (declared == null) {
      return null;
    }
    for (FileFormat f : values()) {
      if (f.label.equals(declared)) {
        return f;
      }
    }
    return null;
  }

  /**
   * The format of the file {@code name}: the declared one when given, otherwise by its extension
   * ({@code .jsonl}, {@code .ndjson} and their {@code .gz}: JSON Lines; {@code .parquet}: Parquet;
   * anything else: CSV).
   */
  public static FileFormat of(String name, FileFormat declared) {
    if (declared != null) {
      return declared;
    }
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
      return JSONL;
    }
    if (n.endsWith(".parquet")) {
      return PARQUET;
    }
    return CSV;
  }
}
