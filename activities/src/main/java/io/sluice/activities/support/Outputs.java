package io.sluice.activities.support;

import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files Sluice hands to people: written under a temporary name and renamed into place, so a reader
 * never sees half a report or half an export.
 */
public final class Outputs {

  private Outputs() {}

  public static void writeAtomically(Path target, byte[] content) {
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.write(tmp, content);
      move(tmp, target);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw Failures.of(
          FailureTypes.OUTPUT_FAILED,
          "cannot write "
              + target
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "; check that the directory is writable and the disk has space",
          e);
    }
  }

  /**
   * The file error in a chain of causes: the first {@link IOException} not under a {@link
   * java.sql.SQLException} (a lost database connection is an I/O error too, but a transient one
   * that must be retried, not an output failure). Null when there is none.
   */
  public static IOException ioCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.sql.SQLException) {
        return null;
      }
      if (c instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a stray temp file is harmless and named as one
    }
  }

  /** Deletes a directory and everything in it; a missing one is fine. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  /** Best effort: what is left keeps its temporary name, so it is never taken for a result. */
  public static void deleteTreeQuietly(Path p) {
    try {
      deleteTree(p);
    } catch (IOException ignored) {
      // see above
    }
  }
}
