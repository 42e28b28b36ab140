package io.sluice.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection to Temporal as the environment describes it: plain, TLS, mTLS or an API key. */
class TemporalConnectionTest {

  @TempDir Path tmp;

  @Test
  void plainByDefault() {
    WorkflowServiceStubsOptions o = TemporalConnection.options("127.0.0.1:7233", Map.of());
    assertThat(o.getTarget()).isEqualTo("127.0.0.1:7233");
    assertThat(o.getEnableHttps()).isFalse();
    assertThat(o.getSslContext()).isNull();
  }

  @Test
  void tlsWithTheSystemsCertificateAuthorities() {
    assertThat(
            TemporalConnection.options("x:7233", Map.of("TEMPORAL_TLS", "true")).getEnableHttps())
        .isTrue();
  }

  @Test
  void anApiKeyFromItsFileTurnsTlsOnAndIsSentAsABearerToken() throws Exception {
    Path key = tmp.resolve("api-key");
    Files.writeString(key, "key-123\n");
    WorkflowServiceStubsOptions o =
        TemporalConnection.options(
            "ns.acct.tmprl.cloud:7233", Map.of("TEMPORAL_API_KEY_FILE", key.toString()));
    assertThat(o.getEnableHttps()).isTrue();
    assertThat(o.getGrpcMetadataProviders()).hasSize(1);
    GrpcMetadataProvider p = o.getGrpcMetadataProviders().iterator().next();
    assertThat(
            p.getMetadata().get(Metadata.Key.of("Authorization", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("Bearer key-123");
  }

  @Test
  void aClientCertificateAndItsKeyMakeMutualTls() throws Exception {
    Path cert = tmp.resolve("client.pem");
    Path key = tmp.resolve("client.key");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=sluice-worker",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as("openssl makes a test certificate").isZero();
    WorkflowServiceStubsOptions o =
        TemporalConnection.options(
            "x:7233",
            Map.of(
                "TEMPORAL_TLS_CERT_FILE", cert.toString(),
                "TEMPORAL_TLS_KEY_FILE", key.toString(),
                "TEMPORAL_TLS_CA_FILE", cert.toString()));
    assertThat(o.getSslContext()).isNotNull();
    assertThat(o.getSslContext().isClient()).isTrue();
  }

  @Test
  void whatIsMissingOrHalfSetIsNamed() {
    assertThatThrownBy(
            () -> TemporalConnection.options("x:7233", Map.of("TEMPORAL_TLS_CERT_FILE", "/c.pem")))
        .hasMessageContaining("TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together");
    assertThatThrownBy(
            () ->
                TemporalConnection.options(
                    "x:7233", Map.of("TEMPORAL_API_KEY_FILE", tmp.resolve("none").toString())))
        .hasMessageContaining("TEMPORAL_API_KEY_FILE: cannot read");
  }
}
