package io.sluice.activities.config;

import java.nio.file.Path;

/**
 * A checked config, the file it came from, the SHA-256 of its canonical form (and of the SQL file
 * it names) and the text of that SQL file (null when it names none).
 */
public record LoadedConfig(PipelineConfig config, Path file, String hash, String featuresSql) {

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

  public String filesGlob() {
    String files = config.source().files();
    return files == null || files.isBlank() ? "*.{csv,csv.gz}" : files;
  }

  public boolean allowHeaderOnly() {
    return Boolean.TRUE.equals(config.source().allowHeaderOnly());
  }

  public int embargoDays() {
    Integer e = config.split().embargoDays();
    return e != null ? e : labelHorizonDays();
  }
}
