package io.sluice.workflows;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the worker and the {@code sluice} commands reach Temporal
 * (docs/operations.md#a-managed-postgresql-and-temporal-cloud): plain gRPC to {@code
 * TEMPORAL_ADDRESS} by default; TLS with {@code TEMPORAL_TLS=true}, with a client certificate
 * ({@code TEMPORAL_TLS_CERT_FILE} and {@code TEMPORAL_TLS_KEY_FILE}, PEM, the key PKCS#8) and a CA
 * of one's own ({@code TEMPORAL_TLS_CA_FILE}); or an API key read from the file {@code
 * TEMPORAL_API_KEY_FILE} (which turns TLS on). Secrets come from files only, never from the
 * environment's values.
 */
public final class TemporalConnection {

  /** The environment variables this reads. */
  public static final java.util.List<String> VARIABLES =
      java.util.List.of(
          "TEMPORAL_TLS",
          "TEMPORAL_TLS_CERT_FILE",
          "TEMPORAL_TLS_KEY_FILE",
          "TEMPORAL_TLS_CA_FILE",
          "TEMPORAL_API_KEY_FILE");

  private TemporalConnection() {}

  /** The options for {@code address} as the environment {@code env} says. */
  public static WorkflowServiceStubsOptions options(String address, Map<String, String> env) {
    WorkflowServiceStubsOptions.Builder b =
        WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    String cert = blankToNull(env.get("TEMPORAL_TLS_CERT_FILE"));
    String key = blankToNull(env.get("TEMPORAL_TLS_KEY_FILE"));
    String ca = blankToNull(env.get("TEMPORAL_TLS_CA_FILE"));
    String apiKey = blankToNull(env.get("TEMPORAL_API_KEY_FILE"));
    boolean tls = "true".equalsIgnoreCase(env.get("TEMPORAL_TLS"));
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          "TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together: set both (a client"
              + " certificate and its key, PEM) or neither");
    }
    if (cert != null || ca != null) {
      try {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (ca != null) {
          ssl.trustManager(readable(ca, "TEMPORAL_TLS_CA_FILE"));
        }
        if (cert != null) {
          ssl.keyManager(
              readable(cert, "TEMPORAL_TLS_CERT_FILE"), readable(key, "TEMPORAL_TLS_KEY_FILE"));
        }
        b.setSslContext(ssl.build());
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot use the TLS files (TEMPORAL_TLS_CERT_FILE, TEMPORAL_TLS_KEY_FILE,"
                + " TEMPORAL_TLS_CA_FILE): "
                + e.getMessage(),
            e);
      }
    } else if (tls || apiKey != null) {
      b.setEnableHttps(true);
    }
    if (apiKey != null) {
      String value;
      try {
        value =
            Files.readString(
                    readable(apiKey, "TEMPORAL_API_KEY_FILE").toPath(), StandardCharsets.UTF_8)
                .strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read TEMPORAL_API_KEY_FILE " + apiKey + ": " + e.getMessage(), e);
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException("TEMPORAL_API_KEY_FILE " + apiKey + " is empty");
      }
      b.addApiKey(() -> value);
    }
    return b.build();
  }

  private static File readable(String path, String variable) {
    Path p = Path.of(path);
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(variable + ": cannot read " + path);
    }
    return p.toFile();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
