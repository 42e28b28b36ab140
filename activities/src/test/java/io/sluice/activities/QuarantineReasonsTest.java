package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.workflows.activity.StageActivities.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every orders quarantine reason, normalisation, and in-partition duplicates, on known rows. */
class QuarantineReasonsTest {

  static final LocalDate D = LocalDate.of(2024, 5, 1);

  @TempDir Path tmp;
  ActivityHarness h;

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void rowsAreQuarantinedWithEveryReasonThatApplies() throws Exception {
    h = new ActivityHarness(tmp);
    // Columns in another order, plus an extra column, as drops do.
    String csv =
        "customer_id,order_id,amount,order_ts,currency,status,category,country,channel,quantity,note\n"
            + " C1 , ok1 , 10.50 ,2024-05-01T10:00:00+02:00, eur , COMPLETED , Books , de , WEB ,2,x\n"
            + "C1,,10,2024-05-01T10:00:00Z,EUR,completed,books,DE,web,1,\n"
            + ",bad2,10,2024-05-01T10:00:00Z,EUR,completed,books,DE,web,1,\n"
            + "C1,bad3,10,2024-05-01T10:00:00,EUR,completed,books,DE,web,1,\n"
            + "C1,bad4,-1,2024-05-01T10:00:00Z,EUR,completed,books,DE,web,1,\n"
            + "C1,bad5,abc,2024-05-01T10:00:00Z,EUR,completed,books,DE,web,0,\n"
            + "C1,bad6,,2024-02-30T10:00:00Z,EUR,shipped,garden,DE,web,1.5,\n"
            + "C2,dup,1,2024-05-01T10:00:00Z,EUR,completed,books,DE,web,1,\n"
            + "C2,dup,2,2024-05-01T11:00:00Z,EUR,refunded,books,DE,web,1,\n";
    Path dir = h.settings.dataRoot().resolve("raw").resolve(D.toString());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("orders.csv"), csv);

    h.ingest.ingest(ActivityHarness.ref(D));
    StageResult r = h.stage.stage(ActivityHarness.ref(D));

    assertThat(r).isEqualTo(new StageResult(9, 6, 2, 1));
    Map<String, List<String>> reasons = new LinkedHashMap<>();
    for (Record q :
        h.dsl.fetch(
            "select record->>'order_id' as id, reasons from quarantine.orders order by line_no")) {
      reasons.put(q.get("id", String.class), Arrays.asList(q.get("reasons", String[].class)));
    }
    assertThat(reasons)
        .containsExactly(
            Map.entry("", List.of("missing_order_id")),
            Map.entry("bad2", List.of("missing_customer_id")),
            Map.entry("bad3", List.of("bad_order_ts")),
            Map.entry("bad4", List.of("negative_amount")),
            Map.entry("bad5", List.of("bad_amount", "bad_quantity")),
            // a row's reasons in the order pipelines/orders.yaml declares the columns
            Map.entry(
                "bad6",
                List.of(
                    "bad_order_ts",
                    "missing_amount",
                    "unknown_status",
                    "unknown_category",
                    "bad_quantity")));

    Record ok = h.dsl.fetchOne("select * from stg.orders where order_id = 'ok1'");
    assertThat(ok.get("customer_id")).isEqualTo("C1");
    assertThat(ok.get("status")).isEqualTo("completed");
    assertThat(ok.get("category")).isEqualTo("books");
    assertThat(ok.get("currency")).isEqualTo("EUR");
    assertThat(ok.get("country")).isEqualTo("DE");
    assertThat(ok.get("channel")).isEqualTo("web");
    assertThat(ok.get("order_ts").toString()).startsWith("2024-05-01T08:00Z");
    Record dup = h.dsl.fetchOne("select * from stg.orders where order_id = 'dup'");
    assertThat(dup.get("status")).as("the later line wins").isEqualTo("refunded");
    assertThat(
            h.dsl
                .fetchValue("select extra->>'note' from raw.orders where order_id = ' ok1 '")
                .toString())
        .as("extra columns are kept in raw")
        .isEqualTo("x");
  }
}
