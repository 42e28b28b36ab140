package io.sluice.activities.source;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.activities.config.PipelineConfig.S3;
import io.sluice.activities.support.Failures;
import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Mirrors a partition's objects from S3-compatible storage into its directory: the objects right
 * under the day's prefix whose names match the source's files, each identified by its key, size and
 * ETag. An object already mirrored with the same size and ETag is not downloaded again; a new or
 * changed one is downloaded aside and put in place whole; a file whose object is gone is removed.
 * The mirrored files are then ingested as any files (their SHA-256 is their identity). The mirror's
 * record of what it holds is {@value #MANIFEST} in the directory.
 */
final class S3Pull {

  static final String MANIFEST = ".s3-objects.json";

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private S3Pull() {}

  /** An object as the mirror holds it. */
  record Mirrored(String key, long size, String etag) {}

  /** Problems with the declaration, as the config loader reports them. */
  static void check(S3 s, List<String> problems) {
    if (s == null) {
      problems.add("key 'source.s3': required with source.kind: s3");
      return;
    }
    if (s.bucket() == null || !BUCKET.matcher(s.bucket()).matches()) {
      problems.add(
          "key 'source.s3.bucket': a bucket name such as shop-drops, got '" + s.bucket() + "'");
    }
    if (s.prefix() == null || !s.prefix().contains("{date}") || s.prefix().startsWith("/")) {
      problems.add(
          "key 'source.s3.prefix': the day's prefix with {date}, such as orders/{date}/, got '"
              + s.prefix()
              + "'");
    }
    if (s.endpoint() != null
        && !(s.endpoint().startsWith("http://") || s.endpoint().startsWith("https://"))) {
      problems.add(
          "key 'source.s3.endpoint': an http:// or https:// URL, got '" + s.endpoint() + "'");
    }
    if (s.region() != null && !s.region().matches("[a-z0-9-]{2,40}")) {
      problems.add("key 'source.s3.region': a region such as eu-west-1, got '" + s.region() + "'");
    }
    if ((s.accessKeyEnv() == null) != (s.secretKeyEnv() == null && s.secretKeyFile() == null)) {
      problems.add(
          "key 'source.s3': access_key_env with one of secret_key_env or secret_key_file, or none"
              + " (the SDK's default credentials)");
    }
    if (s.secretKeyEnv() != null && s.secretKeyFile() != null) {
      problems.add("key 'source.s3': one of secret_key_env or secret_key_file");
    }
  }

  /**
   * Mirrors the objects of {@code date} into {@code dir}; returns how many objects there are.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code BadConfig} for a bucket that does not
   *     exist or credentials refused, {@code SourceMissing} for a day without objects (unless
   *     {@code allowEmpty}); a network error is retried
   */
  static long pull(
      String source,
      S3 s,
      Secrets secrets,
      LocalDate date,
      Path dir,
      String filesGlob,
      boolean allowEmpty,
      LongConsumer progress)
      throws IOException {
    String prefix = prefix(s, date);
    try (S3Client client = client(s, secrets, source)) {
      Map<String, S3Object> listed = new TreeMap<>();
      dayObjects(client, s, prefix, filesGlob).forEach(o -> listed.put(name(o, prefix), o));
      if (listed.isEmpty() && !allowEmpty) {
        return 0; // the directory stays as it was
      }
      Files.createDirectories(dir); // with allow_empty, a day without objects is an empty one
      Map<String, Mirrored> had = manifest(dir);
      Map<String, Mirrored> now = new TreeMap<>();
      long done = 0;
      for (Map.Entry<String, S3Object> e : listed.entrySet()) {
        S3Object o = e.getValue();
        Mirrored m = new Mirrored(o.key(), o.size(), o.eTag());
        Path file = dir.resolve(e.getKey());
        if (!m.equals(had.get(e.getKey()))
            || !Files.isRegularFile(file)
            || Files.size(file) != o.size()) {
          Path aside = dir.resolve("." + e.getKey() + ".pulling");
          try (InputStream in =
              client.getObject(
                  GetObjectRequest.builder()
                      .bucket(s.bucket())
                      .key(o.key())
                      .ifMatch(o.eTag())
                      .build())) {
            Files.copy(in, aside, StandardCopyOption.REPLACE_EXISTING);
          }
          Files.move(
              aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        now.put(e.getKey(), m);
        progress.accept(++done);
      }
      for (String gone : had.keySet()) {
        if (!now.containsKey(gone)) {
          Files.deleteIfExists(dir.resolve(gone));
        }
      }
      writeManifest(dir, now);
      return listed.size();
    } catch (S3Exception | SdkClientException e) {
      throw failure(source, s, prefix, e);
    }
  }

  /** Whether the day's prefix holds an object: one listing, nothing downloaded. */
  static boolean any(String source, S3 s, Secrets secrets, LocalDate date, String filesGlob) {
    String prefix = prefix(s, date);
    try (S3Client client = client(s, secrets, source)) {
      return dayObjects(client, s, prefix, filesGlob).findAny().isPresent();
    } catch (S3Exception | SdkClientException e) {
      throw failure(source, s, prefix, e);
    }
  }

  private static String prefix(S3 s, LocalDate date) {
    return s.prefix().replace("{date}", date.toString());
  }

  private static String name(S3Object o, String prefix) {
    return o.key().substring(prefix.length());
  }

  /**
   * The day's objects: right under its prefix (a deeper key is not the day's), not hidden, their
   * names matching the source's files.
   */
  private static java.util.stream.Stream<S3Object> dayObjects(
      S3Client client, S3 s, String prefix, String filesGlob) {
    PathMatcher files = FileSystems.getDefault().getPathMatcher("glob:" + filesGlob);
    return client
        .listObjectsV2Paginator(
            ListObjectsV2Request.builder().bucket(s.bucket()).prefix(prefix).build())
        .contents()
        .stream()
        .filter(
            o -> {
              String n = name(o, prefix);
              return !n.isEmpty()
                  && !n.contains("/")
                  && !n.startsWith(".")
                  && files.matches(Path.of(n));
            });
  }

  /**
   * A failed listing or download as Temporal should treat it: refused credentials and a bucket that
   * does not exist are {@code BadConfig}; the rest is retried. Names the bucket and prefix, and
   * where the credentials were read from, never their values.
   */
  private static RuntimeException failure(String source, S3 s, String prefix, RuntimeException e) {
    String where = source + " (s3://" + s.bucket() + "/" + prefix + ")";
    if (!(e instanceof S3Exception s3)) {
      return new IllegalStateException(
          where + ": " + e.getMessage() + "; the pull will be retried", e);
    }
    int status = s3.statusCode();
    String code = s3.awsErrorDetails() == null ? "" : s3.awsErrorDetails().errorCode();
    if (status == 403 || status == 401) {
      return Failures.of(
          FailureTypes.BAD_CONFIG,
          where
              + " refused the credentials ("
              + code
              + "): check "
              + (s.accessKeyEnv() != null
                  ? s.accessKeyEnv()
                      + " and "
                      + (s.secretKeyEnv() != null ? s.secretKeyEnv() : s.secretKeyFile())
                  : "the SDK's default credentials (AWS_ACCESS_KEY_ID, ~/.aws/credentials)")
              + "; not retried",
          e);
    }
    if ("NoSuchBucket".equals(code)) {
      return Failures.of(
          FailureTypes.BAD_CONFIG,
          where
              + ": the bucket "
              + s.bucket()
              + " does not exist; check source.s3.bucket; not retried",
          e);
    }
    if (status == 412) {
      return new IllegalStateException(
          where + ": an object changed while it was downloaded; the pull will be retried", e);
    }
    return new IllegalStateException(
        where + ": " + status + " " + code + "; the pull will be retried", e);
  }

  private static S3Client client(S3 s, Secrets secrets, String source) {
    AwsCredentialsProvider credentials =
        s.accessKeyEnv() == null
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    secrets.read(s.accessKeyEnv(), null, source + " access key"),
                    secrets.read(s.secretKeyEnv(), s.secretKeyFile(), source + " secret key")));
    var b =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(credentials)
            .region(Region.of(s.region() == null ? "us-east-1" : s.region()))
            .forcePathStyle(Boolean.TRUE.equals(s.pathStyle()));
    if (s.endpoint() != null) {
      b.endpointOverride(URI.create(s.endpoint()));
    }
    return b.build();
  }

  private static Map<String, Mirrored> manifest(Path dir) throws IOException {
    Path m = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(m)) {
      return Map.of();
    }
    return HttpPull.JSON.readValue(m.toFile(), new TypeReference<TreeMap<String, Mirrored>>() {});
  }

  private static void writeManifest(Path dir, Map<String, Mirrored> now) throws IOException {
    Path aside = dir.resolve(MANIFEST + ".pulling");
    HttpPull.JSON.writerWithDefaultPrettyPrinter().writeValue(aside.toFile(), now);
    Files.move(
        aside,
        dir.resolve(MANIFEST),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
