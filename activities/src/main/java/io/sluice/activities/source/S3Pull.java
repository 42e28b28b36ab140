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
    String prefix = s.prefix().replace("{date}", date.toString());
    String where = source + " (s3://" + s.bucket() + "/" + prefix + ")";
    PathMatcher files = FileSystems.getDefault().getPathMatcher("glob:" + filesGlob);
    try (S3Client client = client(s, secrets, source)) {
      Map<String, S3Object> listed = new TreeMap<>();
      String token = null;
      do {
        var page =
            client.listObjectsV2(
                ListObjectsV2Request.builder()
                    .bucket(s.bucket())
                    .prefix(prefix)
                    .continuationToken(token)
                    .build());
        for (S3Object o : page.contents()) {
          String name = o.key().substring(prefix.length());
          if (!name.isEmpty()
              && !name.contains("/")
              && !name.startsWith(".")
              && files.matches(Path.of(name))) {
            listed.put(name, o);
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
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
    } catch (S3Exception e) {
      int status = e.statusCode();
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (status == 403 || status == 401) {
        throw Failures.of(
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
      if ("NoSuchBucket".equals(code) || status == 404 && "NoSuchBucket".equals(code)) {
        throw Failures.of(
            FailureTypes.BAD_CONFIG,
            where
                + ": the bucket "
                + s.bucket()
                + " does not exist; check source.s3.bucket; not"
                + " retried",
            e);
      }
      if (status == 412) {
        throw new IllegalStateException(
            where + ": an object changed while it was downloaded; the pull will be retried", e);
      }
      throw new IllegalStateException(
          where + ": " + status + " " + code + "; the pull will be retried", e);
    } catch (SdkClientException e) {
      throw new IllegalStateException(
          where + ": " + e.getMessage() + "; the pull will be retried", e);
    }
  }

  /** Whether the day's prefix holds an object: one listing, nothing downloaded. */
  static boolean any(String source, S3 s, Secrets secrets, LocalDate date, String filesGlob) {
    String prefix = s.prefix().replace("{date}", date.toString());
    PathMatcher files = FileSystems.getDefault().getPathMatcher("glob:" + filesGlob);
    try (S3Client client = client(s, secrets, source)) {
      return client
          .listObjectsV2Paginator(
              ListObjectsV2Request.builder().bucket(s.bucket()).prefix(prefix).build())
          .contents()
          .stream()
          .map(o -> o.key().substring(prefix.length()))
          .anyMatch(
              n ->
                  !n.isEmpty()
                      && !n.contains("/")
                      && !n.startsWith(".")
                      && files.matches(Path.of(n)));
    } catch (S3Exception | SdkClientException e) {
      throw new IllegalStateException(
          source + " (s3://" + s.bucket() + "/" + prefix + "): " + e.getMessage(), e);
    }
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
