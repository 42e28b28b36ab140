package io.sluice.starter;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.sluice.workflows.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** Where the Temporal server is; shared by every command that talks to it. */
public final class TemporalOptions {

  /**
   * How long the server has to answer the check every command starts with. The SDK's own calls
   * retry an unreachable server for seconds and then say only "Connection refused"; a health check
   * with this deadline and no retries says which server, at once.
   */
  static final Duration REACHABLE_WITHIN = Duration.ofSeconds(2);

  @Option(
      names = "--address",
      defaultValue = "${env:TEMPORAL_ADDRESS:-127.0.0.1:7233}",
      description = {
        "Temporal frontend host:port (env TEMPORAL_ADDRESS).",
        "TLS, mutual TLS or an API key: env TEMPORAL_TLS, TEMPORAL_TLS_CERT_FILE,"
            + " TEMPORAL_TLS_KEY_FILE, TEMPORAL_TLS_CA_FILE, TEMPORAL_API_KEY_FILE.",
        "Default: ${DEFAULT-VALUE}"
      })
  String address;

  @Option(
      names = "--namespace",
      defaultValue = "${env:TEMPORAL_NAMESPACE:-default}",
      description = {"Temporal namespace (env TEMPORAL_NAMESPACE).", "Default: ${DEFAULT-VALUE}"})
  String namespace;

  @Option(
      names = "--task-queue",
      defaultValue = "${env:SLUICE_TASK_QUEUE:-sluice}",
      description = {
        "Task queue the workers poll (env SLUICE_TASK_QUEUE).",
        "Default: ${DEFAULT-VALUE}"
      })
  String taskQueue;

  /**
   * Stubs connected to a server that answered; an {@link IllegalStateException} saying what to
   * check when none did within {@link #REACHABLE_WITHIN}.
   */
  WorkflowServiceStubs stubs() {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(TemporalConnection.options(address, System.getenv()));
    try {
      requireServing(stubs);
      return stubs;
    } catch (RuntimeException e) {
      stubs.shutdownNow();
      throw e;
    }
  }

  WorkflowClient client(WorkflowServiceStubs stubs) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  private void requireServing(WorkflowServiceStubs stubs) {
    ServingStatus status;
    try {
      status =
          HealthGrpc.newBlockingStub(stubs.getRawChannel())
              .withDeadlineAfter(REACHABLE_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
              .check(
                  HealthCheckRequest.newBuilder()
                      .setService(WorkflowServiceStubs.HEALTH_CHECK_SERVICE_NAME)
                      .build())
              .getStatus();
    } catch (StatusRuntimeException e) {
      throw unreachable(why(e), e);
    }
    if (status != ServingStatus.SERVING) {
      throw unreachable("its frontend reports " + status, null);
    }
  }

  private static String why(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.DEADLINE_EXCEEDED) {
      return "no answer within " + REACHABLE_WITHIN.toSeconds() + " s";
    }
    return code == Status.Code.UNAVAILABLE
        ? SluiceCli.rootMessage(e)
        : code + ": " + SluiceCli.rootMessage(e);
  }

  private IllegalStateException unreachable(String why, Throwable cause) {
    return new IllegalStateException(
        "cannot reach the Temporal server at "
            + address
            + " ("
            + why
            + "): is it running? Point Sluice at it with --address or TEMPORAL_ADDRESS; for a"
            + " local one, eval \"$(scripts/dev-services start)\" starts one and sets it",
        cause);
  }
}
