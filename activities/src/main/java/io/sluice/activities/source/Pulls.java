package io.sluice.activities.source;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfig;
import io.sluice.activities.support.Failures;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sources Sluice pulls from (docs/sources.md): each partition's rows are pulled into one extract
 * file in the partition's directory ({@code source.path}), or its objects mirrored there, which
 * ingest then reads as any files. They are the partition's copy of what the source said: their
 * SHA-256 is the content's identity, so a re-pull of unchanged data is no new version and a changed
 * one is.
 */
public final class Pulls {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Pulls.class);

  /** The kinds of {@code source.kind}. */
  public static final List<String> KINDS = List.of("files", "jdbc", "http", "s3");

  /**
   * Where a pull stands, for its heartbeat: the rows pulled so far, and for an API the state a
   * retried attempt resumes from (JSON; null when a pull has none).
   */
  public record Progress(long rows, String resume) {}

  /**
   * What a pull left: its rows (a mirror: its objects), and the extract's name and SHA-256 (null
   * for a mirror), so its bytes need not be read again to be known.
   */
  public record Pulled(long rows, String extract, String sha256) {}

  private Pulls() {}

  /** Problems with a pulled source's declaration, as the config loader reports them. */
  public static void check(PipelineConfig.Source s, List<String> problems) {
    String kind = s.kind() == null ? "files" : s.kind();
    if (!KINDS.contains(kind)) {
      problems.add("key 'source.kind': one of " + KINDS + ", got '" + kind + "'");
      return;
    }
    if (!"jdbc".equals(kind) && s.jdbc() != null) {
      problems.add("key 'source.jdbc': only with source.kind: jdbc");
      JdbcPull.check(s.jdbc(), problems);
    }
    if (!"http".equals(kind) && s.http() != null) {
      problems.add("key 'source.http': only with source.kind: http");
      HttpPull.check(s.http(), problems);
    }
    if (!"s3".equals(kind) && s.s3() != null) {
      problems.add("key 'source.s3': only with source.kind: s3");
      S3Pull.check(s.s3(), problems);
    }
    if (kind.equals("files")) {
      if (s.allowEmpty() != null) {
        problems.add(
            "key 'source.allow_empty': for a pulled source; files use source.allow_header_only");
      }
      return;
    }
    if ("s3".equals(kind)) {
      S3Pull.check(s.s3(), problems);
      return; // its objects are files: source.files and source.format apply
    }
    if (s.files() != null || s.format() != null) {
      problems.add(
          "key 'source."
              + (s.files() != null ? "files" : "format")
              + "': a pulled source's partition is its extract");
    }
    if ("jdbc".equals(kind)) {
      JdbcPull.check(s.jdbc(), problems);
    }
    if ("http".equals(kind)) {
      HttpPull.check(s.http(), problems);
    }
  }

  /**
   * Pulls the partition of {@code date} into its extract, from {@code resume} (the last heartbeat's
   * state of an earlier attempt, or null); {@code progress} hears where the pull stands. An empty
   * pull is {@code SourceMissing} unless {@code source.allow_empty}; a failed or empty pull leaves
   * the extract as it was.
   */
  public static Pulled pull(
      SluiceSettings settings,
      LoadedConfig config,
      LocalDate date,
      String resume,
      Consumer<Progress> progress) {
    return pull(settings, config, date, resume, progress, null);
  }

  /** Reads a pull's extract (CSV, header first) while it is written; see {@link #pullReading}. */
  @FunctionalInterface
  public interface ExtractReader<R> {
    /**
     * Reads the extract's bytes as they come; it may stop early, and a read fails when the pull
     * stops before the extract is whole.
     */
    R read(InputStream extract) throws Exception;
  }

  /**
   * A pull whose extract was read as it was written: the pull, and what the reader made of the
   * extract, or the exception it failed with (then {@code result} is null).
   */
  public record Read<R>(Pulled pulled, R result, Exception failure) {}

  /**
   * Whether this source's extract may be read while it is pulled ({@link #pullReading}): a {@code
   * jdbc} source's, which is always pulled whole (an API's pull resumes from a page instead).
   */
  public static boolean readableWhilePulled(LoadedConfig config) {
    return "jdbc".equals(config.sourceKind());
  }

  /**
   * Pulls the partition of {@code date} as {@link #pull} does, from its first row, on a thread of
   * its own, while {@code reader} reads the extract's bytes on the calling thread as they are
   * written. Returns once both are done: the extract is then in place as {@link #pull} leaves it.
   *
   * @throws RuntimeException the pull's failure, as {@link #pull} throws it (the reader has stopped
   *     by then)
   */
  public static <R> Read<R> pullReading(
      SluiceSettings settings,
      LoadedConfig config,
      LocalDate date,
      Consumer<Progress> progress,
      ExtractReader<R> reader) {
    ExtractStream stream = new ExtractStream();
    Pulled[] pulled = new Pulled[1];
    RuntimeException[] failed = new RuntimeException[1];
    Thread pulling =
        new Thread(
            () -> {
              try {
                pulled[0] = pull(settings, config, date, null, progress, stream);
                // a no-op once the extract was handed over whole, as every jdbc pull does
                stream.abort("the pull ended without handing its extract over");
              } catch (RuntimeException e) {
                failed[0] = e;
                stream.abort("the pull failed: " + e.getMessage());
              } catch (Error e) {
                failed[0] = new IllegalStateException("the pull failed: " + e, e);
                stream.abort("the pull failed: " + e);
                throw e;
              }
            },
            "sluice-pull-" + config.config().dataset() + "-" + date);
    pulling.setDaemon(true);
    pulling.start();
    R result = null;
    Exception readFailure = null;
    boolean interrupted = false;
    try {
      result = reader.read(stream);
    } catch (Exception e) {
      readFailure = e;
    } finally {
      // whatever the reader did (an Error too), the pull is over before this returns
      stream.close();
      try {
        pulling.join();
      } catch (InterruptedException e) {
        pulling.interrupt();
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          config.config().dataset() + "/" + date + ": interrupted while pulling");
    }
    if (failed[0] != null) {
      if (readFailure != null && readFailure != failed[0]) {
        failed[0].addSuppressed(readFailure);
      }
      throw failed[0];
    }
    return new Read<>(pulled[0], result, readFailure);
  }

  private static Pulled pull(
      SluiceSettings settings,
      LoadedConfig config,
      LocalDate date,
      String resume,
      Consumer<Progress> progress,
      ExtractStream tap) {
    PipelineConfig.Source s = config.config().source();
    String source = config.config().dataset() + "'s source";
    Path extract = settings.sourceDir(config, date).resolve(config.extractName());
    boolean allowEmpty = Boolean.TRUE.equals(s.allowEmpty());
    long started = System.nanoTime();
    try {
      Extract.Pulled pulled =
          switch (config.sourceKind()) {
            case "jdbc" ->
                JdbcPull.pull(
                    source,
                    s.jdbc(),
                    Secrets.ofEnvironment(),
                    date,
                    extract,
                    allowEmpty,
                    rows -> progress.accept(new Progress(rows, null)),
                    tap);
            case "s3" -> {
              long objects =
                  S3Pull.pull(
                      source,
                      s.s3(),
                      Secrets.ofEnvironment(),
                      date,
                      settings.sourceDir(config, date),
                      config.filesGlob(),
                      allowEmpty,
                      n -> progress.accept(new Progress(n, null)));
              yield new Extract.Pulled(objects, null, false, null);
            }
            case "http" ->
                HttpPull.pull(
                    source,
                    s.http(),
                    Secrets.ofEnvironment(),
                    date,
                    extract,
                    allowEmpty,
                    state(resume),
                    st -> progress.accept(new Progress(st.rows(), json(st))));
            default ->
                throw new IllegalStateException("not a pulled source: " + config.sourceKind());
          };
      if (pulled.rows() == 0 && !allowEmpty) {
        throw Failures.of(
            FailureTypes.SOURCE_MISSING,
            "partition "
                + config.config().dataset()
                + "/"
                + date
                + ": "
                + source
                + " returned no rows (set source.allow_empty: true if that is a valid day)");
      }
      LOG.info(
          "{}/{}: pulled {} {} from the {} source in {} ms{}",
          config.config().dataset(),
          date,
          pulled.rows(),
          "s3".equals(config.sourceKind()) ? "objects" : "rows",
          config.sourceKind(),
          (System.nanoTime() - started) / 1_000_000,
          pulled.file() == null || pulled.changed() ? "" : " (unchanged)");
      return new Pulled(
          pulled.rows(),
          pulled.file() == null ? null : pulled.file().getFileName().toString(),
          pulled.sha256());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the extract " + extract + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether the source has rows (objects) for {@code date}, asked cheaply: one row, the first page,
   * one listing; nothing is pulled (the sensor asks this at each probe).
   */
  public static boolean present(SluiceSettings settings, LoadedConfig config, LocalDate date) {
    PipelineConfig.Source s = config.config().source();
    String source = config.config().dataset() + "'s source";
    try {
      return switch (config.sourceKind()) {
        case "jdbc" -> JdbcPull.any(source, s.jdbc(), Secrets.ofEnvironment(), date);
        case "http" -> HttpPull.any(source, s.http(), Secrets.ofEnvironment(), date);
        case "s3" -> S3Pull.any(source, s.s3(), Secrets.ofEnvironment(), date, config.filesGlob());
        default -> throw new IllegalStateException("not a pulled source: " + config.sourceKind());
      };
    } catch (IOException e) {
      throw new UncheckedIOException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * Pulls the partition again, as the late-data look-back does: the extract changes when the
   * source's data changed; a pull that finds no rows leaves it as it was.
   */
  public static void refresh(SluiceSettings settings, LoadedConfig config, LocalDate date) {
    try {
      pull(settings, config, date, null, p -> {});
    } catch (io.temporal.failure.ApplicationFailure f) {
      if (!FailureTypes.SOURCE_MISSING.equals(f.getType())) {
        throw f;
      }
    }
  }

  private static String json(HttpPull.State st) {
    try {
      return HttpPull.JSON.writeValueAsString(st);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpPull.State state(String resume) {
    if (resume == null) {
      return null;
    }
    try {
      return HttpPull.JSON.readValue(resume, HttpPull.State.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null; // not a state this version wrote: from the first page
    }
  }
}
