package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.ApplicationContext;
import io.sluice.db.RealTemporal;
import io.sluice.samples.OrdersGenerator;
import io.sluice.starter.PipelineRuns;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineResult;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import java.time.LocalDate;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One partition through the real Temporal dev server, with the worker's beans in this JVM. */
@RealTemporal
class RealTemporalEndToEndTest {

  @TempDir Path tmp;

  @Test
  void onePartitionRunsOnTheRealServer() throws Exception {
    LocalDate d = LocalDate.of(2024, 2, 1);
    new OrdersGenerator(3, 120).writeDay(tmp.resolve("data"), d, d);
    try (RealWorker w = new RealWorker(tmp)) {
      HikariDataSource ds = w.db;
      String queue = w.queue;
      ApplicationContext worker = w.context;
      var client = worker.getBean(io.temporal.client.WorkflowClient.class);
      FeaturePipelineWorkflow wf =
          PipelineRuns.start(client, queue, PipelineRuns.request("orders", d.toString()));
      PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);

      assertThat(result.stages()).hasSize(6);
      long features =
          DSL.using(ds, org.jooq.SQLDialect.POSTGRES)
              .fetchCount(DSL.table("feats.orders_features"), DSL.field("feature_date").eq(d));
      assertThat(features).isPositive();
      assertThat(result.stages().get(3).counts()).containsEntry("feature_rows", features);

      String runId = WorkflowStub.fromTyped(wf).getExecution().getRunId();
      WorkflowServiceStubs stubs = worker.getBean(WorkflowServiceStubs.class);
      var listed =
          stubs
              .blockingStub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setQuery("WorkflowId = 'sluice/orders/" + d + "'")
                      .build());
      assertThat(listed.getExecutionsList())
          .extracting(e -> e.getExecution().getRunId())
          .contains(runId);
    }
  }
}
