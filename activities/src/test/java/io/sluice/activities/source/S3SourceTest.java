package io.sluice.activities.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.Sources;
import io.sluice.activities.Sources.Outcome;
import io.sluice.db.RealS3;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An {@code s3} source on the S3-compatible server scripts/dev-services starts: the day's objects
 * of a bucket, mirrored into the partition's directory, stage the same rows as the same files put
 * there; an unchanged bucket is no new version, a changed object is; a missing bucket, an empty day
 * and an unreachable endpoint are one clear failure each.
 */
@RealS3
class S3SourceTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 2;

  @TempDir Path tmp;
  final String endpoint = System.getenv("SLUICE_S3_ENDPOINT");
  final String bucket = "drops-" + UUID.randomUUID().toString().substring(0, 8);
  S3Client s3;
  Path secret;

  @BeforeEach
  void bucket() throws Exception {
    s3 =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .endpointOverride(URI.create(endpoint))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    s3.createBucket(b -> b.bucket(bucket));
    secret = tmp.resolve("s3_secret");
    Files.writeString(secret, "test");
  }

  @AfterEach
  void close() {
    s3.close();
  }

  private String source(String bucketName, String url) {
    return "  path: mirrored/{date}\n"
        + "  kind: s3\n"
        + "  files: \"*.{csv,csv.gz}\"\n"
        + "  s3:\n"
        + "    bucket: "
        + bucketName
        + "\n    prefix: \"orders/{date}/\"\n"
        + "    endpoint: "
        + url
        + "\n    region: us-east-1\n"
        + "    path_style: true\n"
        + "    access_key_env: HOME\n"
        + "    secret_key_file: "
        + secret
        + "\n";
  }

  private void put(String key, Path file) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
  }

  @Test
  void theDaysObjectsStageWhatTheSameFilesStage() throws Exception {
    Path csvRoot = tmp.resolve("csv");
    OrdersGenerator gen = new OrdersGenerator(4, 260);
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = FIRST.plusDays(i);
      put("orders/" + d + "/orders.csv", gen.writeDay(csvRoot.resolve("data"), FIRST, d));
    }
    put("orders/" + FIRST + "/README.txt", csvRoot.resolve("data/raw/" + FIRST + "/orders.csv"));
    put(
        "orders/" + FIRST + "/nested/orders.csv",
        csvRoot.resolve("data/raw/" + FIRST + "/orders.csv"));
    Outcome csv;
    try (ActivityHarness h = Sources.harness(csvRoot, null)) {
      Sources.stage(h, FIRST, DAYS);
      csv = Outcome.of(h, true);
    }
    try (ActivityHarness h = Sources.harness(tmp.resolve("s3"), source(bucket, endpoint))) {
      assertThat(h.source.probe(ActivityHarness.ref(FIRST)).ready()).as("the sensor").isTrue();
      assertThat(h.settings.dataRoot().resolve("mirrored"))
          .as("a probe mirrors nothing")
          .doesNotExist();
      Sources.stage(h, FIRST, DAYS);
      assertThat(Outcome.of(h, true)).isEqualTo(csv);
      Path mirrored = h.settings.dataRoot().resolve("mirrored/" + FIRST + "/orders.csv");
      var modified = Files.getLastModifiedTime(mirrored);

      // pulled again, unchanged: not downloaded again, no new version
      IngestResult again = h.ingest.ingest(ActivityHarness.ref(FIRST));
      assertThat(again.partitionVersion()).isEqualTo(1);
      assertThat(again.filesNew()).isZero();
      assertThat(Files.getLastModifiedTime(mirrored)).isEqualTo(modified);

      // the object is replaced: a new version, seen by the look-back too
      Path changed = tmp.resolve("changed.csv");
      Files.writeString(
          changed,
          Files.readString(csvRoot.resolve("data/raw/" + FIRST + "/orders.csv"))
              .replace(",completed,", ",refunded,"));
      put("orders/" + FIRST + "/orders.csv", changed);
      assertThat(h.source.changedPartitions(ActivityHarness.ref(FIRST.plusDays(1))))
          .containsExactly(FIRST.toString());
      IngestResult after = h.ingest.ingest(ActivityHarness.ref(FIRST));
      assertThat(after.partitionVersion()).isEqualTo(2);
      assertThat(after.rawRows()).isEqualTo(260);
    }
  }

  @Test
  void aMissingBucketIsABadConfig() throws Exception {
    try (ActivityHarness h =
        Sources.harness(tmp.resolve("nobucket"), source(bucket + "-gone", endpoint))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("the bucket " + bucket + "-gone does not exist; check source.s3.bucket")
          .doesNotContain("test");
    }
  }

  /**
   * On a store that checks credentials (a moto server of the test's own, authenticating from its
   * first request), an access key it does not know is refused, and the failure names where the key
   * was read from, never the secret.
   */
  @Test
  void refusedCredentialsAreABadConfig() throws Exception {
    String moto = System.getenv("SLUICE_MOTO_SERVER");
    assertThat(moto).as("SLUICE_MOTO_SERVER, which scripts/dev-services exports").isNotBlank();
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(moto, "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("moto-auth.log").toFile());
    pb.environment().put("INITIAL_NO_AUTH_ACTION_COUNT", "0");
    Process server = pb.start();
    try {
      String url = "http://127.0.0.1:" + port;
      for (int i = 0; i < 100 && !answers(url); i++) {
        Thread.sleep(100);
      }
      Files.writeString(secret, "not-the-secret-key");
      try (ActivityHarness h = Sources.harness(tmp.resolve("auth"), source(bucket, url))) {
        ApplicationFailure f = fails(h);
        assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
        assertThat(f.isNonRetryable()).isTrue();
        assertThat(f.getOriginalMessage())
            .contains("refused the credentials (InvalidAccessKeyId): check HOME and " + secret)
            .doesNotContain("not-the-secret-key");
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private static boolean answers(String url) {
    try {
      var c = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(200);
      c.getResponseCode();
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void aDayWithoutObjectsIsAMissingSource() throws Exception {
    try (ActivityHarness h = Sources.harness(tmp.resolve("empty"), source(bucket, endpoint))) {
      assertThat(h.source.probe(ActivityHarness.ref(FIRST)).ready()).as("the sensor").isFalse();
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.SOURCE_MISSING);
      assertThat(f.getOriginalMessage()).contains("returned no rows");
    }
  }

  @Test
  void anUnreachableEndpointIsRetried() throws Exception {
    try (ActivityHarness h =
        Sources.harness(tmp.resolve("down"), source(bucket, "http://127.0.0.1:1"))) {
      ApplicationFailure f = fails(h);
      assertThat(f.isNonRetryable()).isFalse();
      assertThat(f.getOriginalMessage())
          .contains("orders's source (s3://" + bucket + "/orders/" + FIRST + "/)")
          .contains("the pull will be retried");
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
    }
  }

  private static ApplicationFailure fails(ActivityHarness h) {
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(FIRST)));
    assertThat(t).isNotNull();
    return (ApplicationFailure) t.getCause();
  }
}
