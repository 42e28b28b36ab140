package io.sluice.activities.support;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Where Sluice reads and writes on disk. Every path an activity builds from a dataset name or a
 * date goes through here and is checked to stay under its root.
 */
public record SluiceSettings(
    Path dataRoot, Path pipelinesDir, Path artifactsDir, String codeVersion) {

  public SluiceSettings {
    dataRoot = dataRoot.toAbsolutePath().normalize();
    pipelinesDir = pipelinesDir.toAbsolutePath().normalize();
    artifactsDir = artifactsDir.toAbsolutePath().normalize();
  }

  public LoadedConfig config(String dataset) {
    return new PipelineConfigLoader(pipelinesDir).load(dataset);
  }

  public Path sourceDir(LoadedConfig config, LocalDate date) {
    String rel = config.config().source().path().replace("{date}", date.toString());
    return within(dataRoot, dataRoot.resolve(rel));
  }

  public Path reportFile(String dataset, LocalDate date, String runId, String extension) {
    return within(
        artifactsDir,
        artifactsDir
            .resolve("reports")
            .resolve(dataset)
            .resolve(date.toString())
            .resolve(safeName(runId) + "." + extension));
  }

  public Path exportDir(String dataset, int version) {
    return within(dataRoot, dataRoot.resolve("features").resolve(dataset).resolve("v" + version));
  }

  /** Resolves to an absolute path and refuses anything outside {@code root}. */
  public static Path within(Path root, Path candidate) {
    Path p = candidate.toAbsolutePath().normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("path " + p + " escapes " + root);
    }
    return p;
  }

  private static String safeName(String runId) {
    if (runId == null || !runId.matches("[A-Za-z0-9_.-]{1,100}")) {
      throw new IllegalArgumentException("run id '" + runId + "' is not a safe file name");
    }
    return runId;
  }
}
