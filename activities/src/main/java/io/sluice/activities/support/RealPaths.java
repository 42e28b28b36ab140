package io.sluice.activities.support;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where a path leads once every symbolic link in it is followed, also for a path that does not
 * exist yet (an output about to be written): a root check on the path as written would let a link
 * inside the root lead anywhere.
 */
public final class RealPaths {

  /** As many links as Linux follows in one path before it gives up. */
  private static final int MAX_LINKS = 40;

  private RealPaths() {}

  /**
   * The real path of {@code path}'s deepest existing part, followed by the rest of {@code path},
   * which does not exist and so holds no link. A link to something that does not exist yet leads
   * where it points.
   */
  public static Path of(Path path) throws IOException {
    Path p = path.toAbsolutePath();
    for (int links = 0; links <= MAX_LINKS; links++) {
      Path existing = p;
      while (Files.notExists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      Path rest = existing.relativize(p);
      if (!Files.isSymbolicLink(existing) || Files.exists(existing)) {
        return existing.toRealPath().resolve(rest).normalize();
      }
      p = existing.resolveSibling(Files.readSymbolicLink(existing)).resolve(rest);
    }
    throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
  }
}
