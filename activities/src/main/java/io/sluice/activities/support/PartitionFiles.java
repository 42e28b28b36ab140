package io.sluice.activities.support;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The files of one partition on disk: the dataset's glob in the partition's directory. */
public record PartitionFiles(Path directory, List<Listed> files) {

  /** A file by its name in the partition's directory, and the real path it is read through. */
  public record Listed(String name, Path path) {}

  /**
   * Lists the partition's files by name, hidden ones (a name starting with a dot) left out; a
   * missing directory is an empty list. A directory or file whose real path is outside the data
   * root (and every allowed root) is refused with a {@code BadInput} failure before anything in it
   * is read.
   */
  public static PartitionFiles of(SluiceSettings settings, LoadedConfig config, LocalDate date) {
    Path dir = settings.sourceDir(config, date);
    List<Listed> files = new ArrayList<>();
    try {
      Path real = settings.realPath(settings.dataRoot(), dir);
      if (Files.isDirectory(real)) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(real, config.filesGlob())) {
          for (Path p : stream) {
            Path file = settings.realPath(settings.dataRoot(), p);
            // a hidden file is none of the partition's: a partial upload, an editor's or a
            // mirror's own (docs/sources.md#file-formats)
            if (Files.isRegularFile(file) && !p.getFileName().toString().startsWith(".")) {
              files.add(new Listed(p.getFileName().toString(), file));
            }
          }
        }
      }
    } catch (SluiceSettings.Outside e) {
      throw Failures.of(
          FailureTypes.BAD_INPUT,
          "partition "
              + config.config().dataset()
              + "/"
              + date
              + ": "
              + e.getMessage()
              + "; no file of the partition was read",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    files.sort(Comparator.comparing(Listed::name));
    return new PartitionFiles(dir, List.copyOf(files));
  }

  public boolean present() {
    return !files.isEmpty();
  }

  public long bytes() {
    long sum = 0;
    for (Listed f : files) {
      try {
        sum += Files.size(f.path());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stat " + f.path() + ": " + e.getMessage(), e);
      }
    }
    return sum;
  }
}
