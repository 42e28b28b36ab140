package io.sluice.starter;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import picocli.CommandLine.Option;

/** Where the Temporal server is; shared by every command that talks to it. */
public final class TemporalOptions {

  @Option(
      names = "--address",
      defaultValue = "${env:TEMPORAL_ADDRESS:-127.0.0.1:7233}",
      description = "Temporal frontend host:port (env TEMPORAL_ADDRESS; default ${DEFAULT-VALUE}).")
  String address;

  @Option(
      names = "--namespace",
      defaultValue = "${env:TEMPORAL_NAMESPACE:-default}",
      description = "Temporal namespace (env TEMPORAL_NAMESPACE; default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--task-queue",
      defaultValue = "${env:SLUICE_TASK_QUEUE:-sluice}",
      description =
          "Task queue the workers poll (env SLUICE_TASK_QUEUE; default ${DEFAULT-VALUE}).")
  String taskQueue;

  WorkflowServiceStubs stubs() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
  }

  WorkflowClient client(WorkflowServiceStubs stubs) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }
}
