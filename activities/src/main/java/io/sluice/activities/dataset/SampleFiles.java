package io.sluice.activities.dataset;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.support.RealPaths;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files {@code sluice infer} samples and how a pipeline file finds files like them: its path (a
 * CSV file, a partition directory, or a dataset directory of {@code yyyy-MM-dd} partitions)
 * resolved to the files read, the partitions found, and the {@code source.path} and {@code
 * source.files} to declare (docs/getting-started.md#your-own-dataset).
 *
 * @param files the files to read, in order
 * @param partitions every partition date found (for a dataset directory: all of its partitions)
 * @param sampledPartitions how many of those the files come from
 * @param sourcePath {@code source.path} to declare, relative to the data root, with {@code {date}}
 * @param sourceFiles {@code source.files} to declare, or null for the default
 * @param note what the user must do for the pipeline to find the files, or null
 */
public record SampleFiles(
    List<Path> files,
    List<LocalDate> partitions,
    int sampledPartitions,
    String sourcePath,
    String sourceFiles,
    String note) {

  /** A dataset directory's first partitions are sampled: enough to see its headers vary. */
  static final int PARTITIONS_SAMPLED = 3;

  private static final PathMatcher DEFAULT_FILES =
      FileSystems.getDefault().getPathMatcher("glob:" + LoadedConfig.DEFAULT_FILES);

  /** Where {@code path}'s files are, for a dataset {@code dataset} under {@code dataRoot}. */
  public static SampleFiles locate(Path path, String dataset, Path dataRoot) {
    Path p = path.toAbsolutePath().normalize();
    List<Path> files = new ArrayList<>();
    List<LocalDate> partitions = new ArrayList<>();
    int sampled = 0;
    Path datasetDir;
    try {
      if (Files.isRegularFile(p)) {
        files.add(p);
        datasetDir = addPartition(p.getParent(), partitions);
        sampled = partitions.size();
      } else if (Files.isDirectory(p)) {
        TreeMap<LocalDate, Path> dated = datedSubdirectories(p);
        if (dated.isEmpty()) {
          files.addAll(filesIn(p));
          datasetDir = addPartition(p, partitions);
          sampled = partitions.size();
        } else {
          partitions.addAll(dated.keySet());
          datasetDir = p;
          for (Path d : dated.values()) {
            List<Path> in = filesIn(d);
            if (!in.isEmpty() && sampled < PARTITIONS_SAMPLED) {
              files.addAll(in);
              sampled++;
            }
          }
        }
      } else {
        throw new SchemaInference.Refused("no such file or directory: " + path);
      }
    } catch (IOException e) {
      throw new SchemaInference.Refused("cannot list " + path + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new SchemaInference.Refused(
          "no files to sample in "
              + path
              + " (a CSV file, a partition directory holding files, or a dataset directory"
              + " holding yyyy-MM-dd directories)");
    }
    String prefix = datasetDir == null ? null : underRoot(datasetDir, dataRoot);
    String note = null;
    if (prefix == null) {
      prefix = dataset;
      note =
          "the files are not under the data root "
              + dataRoot.toAbsolutePath().normalize()
              + " as <directory>/<yyyy-MM-dd>/<file>: put each day's files under "
              + dataRoot.resolve(dataset).resolve("<yyyy-MM-dd>")
              + "/ for the workers to find them";
    }
    return new SampleFiles(
        List.copyOf(files),
        List.copyOf(partitions),
        sampled,
        prefix.isEmpty() ? "{date}" : prefix + "/{date}",
        filesGlob(files),
        note);
  }

  /**
   * Adds {@code dir}'s date when it is a partition directory; returns the directory above it (the
   * dataset's), or null when {@code dir} is not named as a date.
   */
  private static Path addPartition(Path dir, List<LocalDate> partitions) {
    LocalDate date = date(dir);
    if (date == null) {
      return null;
    }
    partitions.add(date);
    return dir.getParent();
  }

  private static TreeMap<LocalDate, Path> datedSubdirectories(Path dir) throws IOException {
    TreeMap<LocalDate, Path> dated = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path d : s.filter(Files::isDirectory).toList()) {
        LocalDate date = date(d);
        if (date != null) {
          dated.put(date, d);
        }
      }
    }
    return dated;
  }

  private static LocalDate date(Path dir) {
    String name = dir == null || dir.getFileName() == null ? "" : dir.getFileName().toString();
    if (!name.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return null;
    }
    try {
      return LocalDate.parse(name);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * A partition directory's files as the default {@code source.files} finds them; when it finds
   * none, every file that is not hidden (and {@link #filesGlob} says what to declare).
   */
  private static List<Path> filesIn(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all =
          s.filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
    }
    List<Path> matching = all.stream().filter(f -> DEFAULT_FILES.matches(f.getFileName())).toList();
    return matching.isEmpty() ? all : matching;
  }

  /** The glob that finds files named like these, or null when the default finds them. */
  static String filesGlob(List<Path> files) {
    TreeSet<String> extensions = new TreeSet<>();
    boolean allDefault = true;
    for (Path f : files) {
      allDefault &= DEFAULT_FILES.matches(f.getFileName());
      String name = f.getFileName().toString();
      String gz = name.endsWith(".gz") ? ".gz" : "";
      String base = name.substring(0, name.length() - gz.length());
      int dot = base.lastIndexOf('.');
      String extension = dot <= 0 ? "" : base.substring(dot + 1) + gz;
      if (!extension.matches("[A-Za-z0-9_]+(\\.gz)?")) {
        return "*";
      }
      extensions.add(extension);
    }
    if (allDefault) {
      return null;
    }
    return extensions.size() == 1
        ? "*." + extensions.first()
        : "*.{" + String.join(",", extensions) + "}";
  }

  /**
   * {@code dir} relative to the data root, '/'-separated ("" for the root itself), or null when it
   * is not inside it.
   */
  private static String underRoot(Path dir, Path dataRoot) {
    try {
      Path root = RealPaths.of(dataRoot);
      Path real = RealPaths.of(dir);
      if (!real.startsWith(root)) {
        return null;
      }
      List<String> parts = new ArrayList<>();
      root.relativize(real).forEach(part -> parts.add(part.toString()));
      return String.join("/", parts);
    } catch (IOException e) {
      return null;
    }
  }
}
