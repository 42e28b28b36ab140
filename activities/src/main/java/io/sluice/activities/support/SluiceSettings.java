package io.sluice.activities.support;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Sluice reads and writes on disk. Every path an activity builds from a dataset name or a
 * date goes through here and is checked to stay under its root: as written when it is built, and by
 * its real path (symbolic links followed) before it is read or written. A real path may also lie
 * under one of {@code allowedRoots}, directories an operator allows on purpose (a mounted disk).
 * Reports link to their run in {@code temporalUi}.
 */
public record SluiceSettings(
    Path dataRoot,
    Path pipelinesDir,
    Path artifactsDir,
    String codeVersion,
    List<Path> allowedRoots,
    TemporalUi temporalUi) {

  public SluiceSettings {
    dataRoot = dataRoot.toAbsolutePath().normalize();
    pipelinesDir = pipelinesDir.toAbsolutePath().normalize();
    artifactsDir = artifactsDir.toAbsolutePath().normalize();
    allowedRoots = allowedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    temporalUi = temporalUi == null ? TemporalUi.DEFAULT : temporalUi;
  }

  public SluiceSettings(
      Path dataRoot,
      Path pipelinesDir,
      Path artifactsDir,
      String codeVersion,
      List<Path> allowedRoots) {
    this(dataRoot, pipelinesDir, artifactsDir, codeVersion, allowedRoots, TemporalUi.DEFAULT);
  }

  public SluiceSettings(Path dataRoot, Path pipelinesDir, Path artifactsDir, String codeVersion) {
    this(dataRoot, pipelinesDir, artifactsDir, codeVersion, List.of());
  }

  /**
   * The directories of {@code list}, absolute and separated by ':' (as in {@code
   * SLUICE_ALLOWED_ROOTS}); empty entries are skipped.
   */
  public static List<Path> roots(String list) {
    List<Path> roots = new ArrayList<>();
    for (String entry : list == null ? new String[0] : list.split(":")) {
      if (entry.isBlank()) {
        continue;
      }
      Path p = Path.of(entry.strip());
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException(
            "SLUICE_ALLOWED_ROOTS: '"
                + entry
                + "' is not an absolute directory; give absolute directories separated by ':'");
      }
      roots.add(p);
    }
    return List.copyOf(roots);
  }

  public LoadedConfig config(String dataset) {
    return new PipelineConfigLoader(pipelinesDir).load(dataset);
  }

  public Path sourceDir(LoadedConfig config, LocalDate date) {
    String rel = config.config().source().path().replace("{date}", date.toString());
    return within(dataRoot, dataRoot.resolve(rel));
  }

  /** The real path to write a report to, or an {@code OutputFailed} failure. */
  public Path reportFile(String dataset, LocalDate date, String runId, String extension) {
    return writable(
        artifactsDir,
        within(
            artifactsDir,
            artifactsDir
                .resolve("reports")
                .resolve(dataset)
                .resolve(date.toString())
                .resolve(safeName(runId) + "." + extension)));
  }

  /** The real path to write an export to, or an {@code OutputFailed} failure. */
  public Path exportDir(String dataset, int version) {
    return writable(
        dataRoot,
        within(dataRoot, dataRoot.resolve("features").resolve(dataset).resolve("v" + version)));
  }

  private Path writable(Path root, Path path) {
    try {
      return realPath(root, path);
    } catch (Outside e) {
      throw Failures.of(FailureTypes.OUTPUT_FAILED, "not written: " + e.getMessage(), e);
    } catch (IOException e) {
      throw Failures.of(
          FailureTypes.OUTPUT_FAILED, "cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The real path of {@code path} (see {@link RealPaths#of}), under the real path of {@code root}
   * or of an allowed root.
   *
   * @throws Outside when it is under none of them
   */
  public Path realPath(Path root, Path path) throws IOException {
    Path real = RealPaths.of(path);
    Path realRoot = RealPaths.of(root);
    if (real.startsWith(realRoot)) {
      return real;
    }
    for (Path allowed : allowedRoots) {
      if (real.startsWith(RealPaths.of(allowed))) {
        return real;
      }
    }
    throw new Outside(
        path
            + " leads through a symbolic link to "
            + real
            + ", outside "
            + realRoot
            + (allowedRoots.isEmpty() ? "" : " and the allowed roots " + allowedRoots)
            + "; move what the link points to under "
            + root
            + " (or replace the link with it), or allow that directory in SLUICE_ALLOWED_ROOTS"
            + " (absolute directories separated by ':')");
  }

  /** A path whose real path is outside its root and every allowed root. */
  public static final class Outside extends IOException {
    Outside(String message) {
      super(message);
    }
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
