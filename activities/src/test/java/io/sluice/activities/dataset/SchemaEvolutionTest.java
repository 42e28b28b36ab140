package io.sluice.activities.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset with history gains a column: the next run adds it in place and nothing staged, no
 * feature row, is lost; a change the tables cannot follow fails the run and alters nothing, and the
 * file put back runs again.
 */
class SchemaEvolutionTest {

  static final LocalDate FIRST = LocalDate.of(2024, 1, 1);

  @TempDir Path tmp;

  @Test
  void aNewColumnJoinsTheHistoryAndARefusedChangeAltersNothing() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      // the generator's drops of January 3, 7, ... carry a coupon_code column nobody declared yet
      OrdersGenerator g = new OrdersGenerator(9, 80);
      for (int i = 0; i < 4; i++) {
        g.writeDay(h.settings.dataRoot(), FIRST, FIRST.plusDays(i));
      }
      for (int i = 0; i < 3; i++) {
        h.runPartition(FIRST.plusDays(i));
      }
      String staged = h.checksum("stg.orders", "order_id, partition_date");
      String features = h.checksum("feats.orders_features", "feature_date, customer_id");
      long extraBefore =
          (Long)
              h.dsl.fetchValue(
                  "select count(*) from raw.orders where jsonb_exists(extra, 'coupon_code')");
      assertThat(extraBefore).as("undeclared, the column is kept in extra").isPositive();

      Path yaml = h.settings.pipelinesDir().resolve("orders.yaml");
      String declared = Files.readString(yaml);
      String withCoupon =
          declared.replace(
              "  channel:     {type: text, case: lower}\n",
              "  channel:     {type: text, case: lower}\n"
                  + "  coupon_code: {type: text, required: false, case: upper}\n");
      assertThat(withCoupon).isNotEqualTo(declared);
      Files.writeString(yaml, withCoupon);

      h.runPartition(FIRST.plusDays(3));
      assertThat(
              h.dsl.fetchValue(
                  "select count(*) from stg.orders where partition_date < ? and coupon_code is"
                      + " not null",
                  FIRST.plusDays(3)))
          .as("rows staged before have no value for it")
          .isEqualTo(0L);
      assertThat(
              h.checksum(
                  "(select order_id, partition_date, file_id, line_no, customer_id, order_ts,"
                      + " amount, currency, status, category, country, channel, quantity from"
                      + " stg.orders where partition_date < '2024-01-04')",
                  "order_id, partition_date"))
          .as("nothing staged before is lost")
          .isEqualTo(staged);
      // a history day staged again reads the value kept in raw's extra: nothing was lost
      h.stage.stage(ActivityHarness.ref(FIRST.plusDays(2)));
      assertThat(
              h.dsl.fetchValue(
                  "select count(*) from stg.orders where partition_date = ? and coupon_code ="
                      + " 'SAVE10'",
                  FIRST.plusDays(2)))
          .as("staged again, the day's coupons, upper-cased as declared")
          .isEqualTo(
              h.dsl.fetchValue(
                  "select count(distinct s.order_id) from stg.orders s join raw.orders r on"
                      + " r.partition_date = s.partition_date and r.file_id = s.file_id and"
                      + " r.line_no = s.line_no where s.partition_date = ? and upper(trim(r.extra"
                      + " ->> 'coupon_code')) = 'SAVE10'",
                  FIRST.plusDays(2)))
          .isNotEqualTo(0L);
      assertThat(
              h.checksum(
                  "(select * from feats.orders_features where feature_date < '2024-01-04')",
                  "feature_date, customer_id"))
          .as("features of the history: the same rows in the new feature set's table")
          .isEqualTo(features);

      // and its other columns are staged as they were
      assertThat(
              h.checksum(
                  "(select order_id, partition_date, file_id, line_no, customer_id, order_ts,"
                      + " amount, currency, status, category, country, channel, quantity from"
                      + " stg.orders where partition_date < '2024-01-04')",
                  "order_id, partition_date"))
          .isEqualTo(staged);

      // a change the tables cannot follow: the run fails as BadConfig, nothing is altered
      String tables = catalog(h);
      Files.writeString(
          yaml, withCoupon.replace("amount:      {type: decimal,", "amount:      {type: double,"));
      Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(FIRST.plusDays(3))));
      assertThat(t).hasCauseInstanceOf(ApplicationFailure.class);
      ApplicationFailure f = (ApplicationFailure) t.getCause();
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("orders.yaml", "column 'amount' is numeric in stg.orders but declared double")
          .contains("Nothing was altered");
      assertThat(catalog(h)).isEqualTo(tables);

      Files.writeString(yaml, withCoupon);
      h.runPartition(FIRST.plusDays(3));
      assertThat(catalog(h)).isEqualTo(tables);
    }
  }

  private static String catalog(ActivityHarness h) {
    return String.valueOf(
        h.dsl.fetchValue(
            "select string_agg(table_schema || '.' || table_name || '.' || column_name || ' '"
                + " || data_type, ',' order by table_schema, table_name, ordinal_position)"
                + " from information_schema.columns where table_schema in ('raw', 'stg',"
                + " 'quarantine') and table_name in ('orders')"));
  }
}
