package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.support.PartitionStore;
import io.sluice.samples.AppEventsGenerator;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two datasets' runs do not wait for each other: with one partition of orders held (as a long stage
 * of it would hold it), app events of the same day run from ingest to features, while orders of
 * that day wait until the hold ends.
 */
class DatasetsSideBySideTest {

  static final LocalDate D = LocalDate.of(2024, 4, 1);

  @TempDir Path tmp;

  @Test
  void aDatasetsRunDoesNotWaitForAnotherDatasets() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      Files.copy(
          ActivityHarness.repoFile("pipelines/app_events.yaml"),
          h.settings.pipelinesDir().resolve("app_events.yaml"));
      new OrdersGenerator(3, 100).writeDay(h.settings.dataRoot(), D, D);
      new AppEventsGenerator(3, 100).writeDay(h.settings.dataRoot(), D, D);

      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> holder =
          CompletableFuture.runAsync(
              () ->
                  DSL.using(h.dataSource, org.jooq.SQLDialect.POSTGRES)
                      .transaction(
                          trx -> {
                            PartitionStore.lock(trx.dsl(), "orders", D);
                            held.countDown();
                            release.await(2, TimeUnit.MINUTES);
                          }));
      assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

      // a worker of its own for orders (a test environment runs one activity at a time)
      TestActivityEnvironment other = TestActivityEnvironment.newInstance();
      IngestActivities ordersIngest =
          ActivityHarness.ingestInChunks(other, h.dataSource, h.settings, 100_000);
      CompletableFuture<Void> orders =
          CompletableFuture.runAsync(() -> ordersIngest.ingest(ActivityHarness.ref(D)));
      PartitionRef events = new PartitionRef("app_events", D.toString(), "run-events");
      CompletableFuture<Void> appEvents =
          CompletableFuture.runAsync(
              () -> {
                h.ingest.ingest(events);
                h.validate.validate(events);
                h.stage.stage(events);
                h.features.computeFeatures(events, 1);
              });
      appEvents.get(90, TimeUnit.SECONDS);
      assertThat(orders).as("orders of the held day wait for the hold").isNotDone();
      assertThat(h.dsl.fetchValue("select count(*) from stg.app_events")).isNotEqualTo(0L);

      release.countDown();
      holder.get(30, TimeUnit.SECONDS);
      orders.get(60, TimeUnit.SECONDS);
      other.close();
      assertThat(h.dsl.fetchValue("select count(*) from raw.orders")).isEqualTo(100L);
    }
  }
}
