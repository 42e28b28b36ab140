package io.sluice.activities.support;

import io.sluice.activities.config.LoadedConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The files of one partition on disk: the dataset's glob in the partition's directory. */
public record PartitionFiles(Path directory, List<Path> files) {

  /** Lists the partition's files by name; a missing directory is an empty list. */
  public static PartitionFiles of(SluiceSettings settings, LoadedConfig config, LocalDate date) {
    Path dir = settings.sourceDir(config, date);
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, config.filesGlob())) {
        for (Path p : stream) {
          if (Files.isRegularFile(p)) {
            files.add(p);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
      }
    }
    files.sort(null);
    return new PartitionFiles(dir, List.copyOf(files));
  }

  public boolean present() {
    return !files.isEmpty();
  }

  public long bytes() {
    long sum = 0;
    for (Path p : files) {
      try {
        sum += Files.size(p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stat " + p + ": " + e.getMessage(), e);
      }
    }
    return sum;
  }
}
