package io.sluice.activities.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SplitActivities.SplitResult;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dimension: attributes of an entity that change over time, versioned by knowledge time. Each
 * partition stages the version of a key its files carry (the later line of a key wins); what was
 * known at the end of day d is the latest version staged in a partition up to d. Declared without
 * features, its runs stage it and the feature, split and publish steps have nothing to do.
 */
class DimensionDatasetTest {

  static final String CUSTOMERS =
      """
      dataset: customers
      kind: dimension
      source: {path: "customers/{date}"}
      columns:
        customer_id: {type: text, nullable: false}
        segment: {type: enum, case: lower, nullable: false, values: [retail, business]}
        credit_limit: {type: decimal, precision: 10, scale: 2}
        updated_at: {type: timestamp, nullable: false}
      primary_key: customer_id
      entity_key: customer_id
      event_time: updated_at
      """;

  static final LocalDate D1 = LocalDate.of(2024, 6, 1);
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(2);

  @TempDir Path tmp;

  @Test
  void versionsAreKeptByKnowledgeTime() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      Files.writeString(h.settings.pipelinesDir().resolve("customers.yaml"), CUSTOMERS);
      write(h, D1, "c1,Retail,100,2024-06-01T08:00:00Z\nc2,business,5000,2024-06-01T09:00:00Z\n");
      // c1 moves to business (sent twice: the later line wins); c3 arrives with a bad segment
      write(
          h,
          D2,
          "c1,business,150,2024-06-02T08:00:00Z\nc1,business,200,2024-06-02T10:00:00Z\n"
              + "c3,wholesale,1,2024-06-02T11:00:00Z\n");
      write(h, D3, "c2,RETAIL,,2024-06-03T07:00:00Z\n");

      for (LocalDate d : new LocalDate[] {D1, D2, D3}) {
        PartitionRef ref = new PartitionRef("customers", d.toString(), "run-" + d);
        h.ingest.ingest(ref);
        h.validate.validate(ref);
        StageResult r = h.stage.stage(ref);
        assertThat(r.quarantined() + r.staged() + r.duplicates()).isEqualTo(r.rawRows());
        assertThat(h.features.computeFeatures(ref, 1)).isEqualTo(new FeatureResult(0, 0, 0, 0));
        assertThat(h.split.split(ref)).isEqualTo(new SplitResult(0, 0, 0, 0));
        PublishResult p = h.publish.publish(ref);
        assertThat(p.exportPath()).isNull();
      }
      assertThat(h.dsl.fetchValue("select reasons::text from quarantine.customers"))
          .isEqualTo("{unknown_segment}");
      assertThat(asOf(h, D1)).isEqualTo("c1:retail:100.00 c2:business:5000.00");
      assertThat(asOf(h, D2)).isEqualTo("c1:business:200.00 c2:business:5000.00");
      assertThat(asOf(h, D3)).isEqualTo("c1:business:200.00 c2:retail:-");
      assertThat(
              h.dsl.fetchValue(
                  "select duplicate_rows from meta.stage_reconciliation where dataset ="
                      + " 'customers' and partition_date = ?",
                  D2))
          .isEqualTo(1L);
    }
  }

  /** Every key as known at the end of day d: its latest version staged up to d. */
  private static String asOf(ActivityHarness h, LocalDate d) {
    return String.valueOf(
        h.dsl.fetchValue(
            "select string_agg(customer_id || ':' || segment || ':' || coalesce(credit_limit::text,"
                + " '-'), ' ' order by customer_id) from (select distinct on (customer_id) *"
                + " from stg.customers where partition_date <= ? order by customer_id,"
                + " partition_date desc) v",
            d));
  }

  private static void write(ActivityHarness h, LocalDate d, String rows) throws Exception {
    Path dir = h.settings.dataRoot().resolve("customers").resolve(d.toString());
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("customers.csv"), "customer_id,segment,credit_limit,updated_at\n" + rows);
  }
}
