package io.sluice.starter;

import io.sluice.activities.config.BadConfigException;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.workflows.Partitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * Where the pipeline configs are ({@code <dir>/<dataset>.yaml}), as the workers read them. A
 * command that starts runs checks the dataset's config here first, so that a mistyped dataset is
 * refused at once instead of being started and failed by the worker.
 */
final class PipelinesOptions {

  @Option(
      names = "--pipelines-dir",
      defaultValue = "${env:SLUICE_PIPELINES_DIR:-pipelines}",
      description = {
        "Where the pipeline configs, <dataset>.yaml, are (env SLUICE_PIPELINES_DIR).",
        "Default: ${DEFAULT-VALUE}"
      })
  Path dir;

  /**
   * Refuses, with an {@link IllegalArgumentException} (exit 2), a dataset whose config is missing
   * or does not load: the message names the file looked for and the datasets that are there.
   */
  void requireDataset(String dataset) {
    Partitions.requireDataset(dataset);
    Path file = dir.resolve(dataset + ".yaml").toAbsolutePath().normalize();
    if (!Files.isRegularFile(file) && isFeatureSet(dataset)) {
      throw new IllegalArgumentException(
          "'"
              + dataset
              + "' is a feature set ("
              + dir.resolve(PipelineConfigLoader.FEATURE_SETS_DIR)
                  .resolve(dataset + ".yaml")
                  .toAbsolutePath()
                  .normalize()
              + "), not a dataset: run it with sluice run --feature-set "
              + dataset
              + " --date <yyyy-MM-dd>, which computes every missing or stale date up to that one,"
              + " or sluice backfill --feature-set "
              + dataset
              + " --from <yyyy-MM-dd> --to <yyyy-MM-dd>");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "unknown dataset '"
              + dataset
              + "': there is no pipeline config "
              + file
              + " ("
              + datasets()
              + "); point --pipelines-dir or SLUICE_PIPELINES_DIR at the directory the workers"
              + " read");
    }
    try {
      new PipelineConfigLoader(dir).load(dataset);
    } catch (BadConfigException e) {
      throw new IllegalArgumentException(
          "the pipeline config of dataset '" + dataset + "' does not load: " + e.getMessage(), e);
    }
  }

  /** Whether {@code name} is a feature set file's (and no dataset's). */
  boolean isFeatureSet(String name) {
    Partitions.requireDataset(name);
    return !Files.exists(dir.resolve(name + ".yaml"))
        && Files.exists(dir.resolve(PipelineConfigLoader.FEATURE_SETS_DIR).resolve(name + ".yaml"));
  }

  /**
   * Refuses, with an {@link IllegalArgumentException} (exit 2), a feature set whose file ({@code
   * features/<name>.yaml}) is missing or does not load.
   */
  void requireFeatureSet(String name) {
    Partitions.requireDataset(name);
    Path file =
        dir.resolve(PipelineConfigLoader.FEATURE_SETS_DIR)
            .resolve(name + ".yaml")
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "unknown feature set '"
              + name
              + "': there is no feature set file "
              + file
              + " (feature sets there: "
              + String.join(", ", new PipelineConfigLoader(dir).featureSets())
              + "); point --pipelines-dir or SLUICE_PIPELINES_DIR at the directory the workers"
              + " read");
    }
    try {
      new PipelineConfigLoader(dir).load(name);
    } catch (BadConfigException e) {
      throw new IllegalArgumentException(
          "the feature set file of '" + name + "' does not load: " + e.getMessage(), e);
    }
  }

  /** What the directory holds, said for a person. */
  private String datasets() {
    if (!Files.isDirectory(dir)) {
      return dir.toAbsolutePath().normalize() + " does not exist";
    }
    try (Stream<Path> files = Files.list(dir)) {
      String names =
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .map(n -> n.substring(0, n.length() - ".yaml".length()))
              .sorted()
              .collect(Collectors.joining(", "));
      return names.isEmpty() ? "no datasets there" : "datasets there: " + names;
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize() + " cannot be listed: " + e.getMessage();
    }
  }
}
