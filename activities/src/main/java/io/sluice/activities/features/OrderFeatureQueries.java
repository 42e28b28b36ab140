package io.sluice.activities.features;

import static io.sluice.db.jooq.feats.Tables.ORDERS_CUSTOMER_DAILY;

import io.sluice.activities.support.Hashing;
import io.sluice.db.jooq.stg.tables.Orders;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Insert;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.Update;
import org.jooq.impl.DSL;

/**
 * The orders features and label of DESIGN.md in SQL. Knowledge time: for date d every order is seen
 * in its latest version received in partitions {@code <= d}; T is d + 1 day at 00:00 UTC.
 */
public final class OrderFeatureQueries {

  static final Orders STG = io.sluice.db.jooq.stg.Tables.ORDERS;
  private static final io.sluice.db.jooq.feats.tables.OrdersCustomerDaily F = ORDERS_CUSTOMER_DAILY;

  private static final String COMPLETED = "completed";
  private static final String REFUNDED = "refunded";

  private OrderFeatureQueries() {}

  public static OffsetDateTime endOf(LocalDate d) {
    return d.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
  }

  /**
   * Orders as known at the end of partition {@code knownAt}: the latest version of every order that
   * has some version with event time in {@code [from, to)}, then kept only if that latest version
   * itself falls in the window.
   */
  static Table<?> knownOrders(LocalDate knownAt, OffsetDateTime from, OffsetDateTime to) {
    Orders s = STG.as("s");
    Orders w = STG.as("w");
    Table<?> latest =
        DSL.select(s.ORDER_ID, s.CUSTOMER_ID, s.ORDER_TS, s.AMOUNT, s.STATUS, s.CATEGORY)
            .distinctOn(s.ORDER_ID)
            .from(s)
            .where(s.PARTITION_DATE.le(knownAt))
            .and(
                s.ORDER_ID.in(
                    DSL.select(w.ORDER_ID)
                        .from(w)
                        .where(w.PARTITION_DATE.le(knownAt))
                        .and(w.ORDER_TS.ge(from))
                        .and(w.ORDER_TS.lt(to))))
            .orderBy(s.ORDER_ID, s.PARTITION_DATE.desc())
            .asTable("latest");
    return DSL.selectFrom(latest)
        .where(latest.field(s.ORDER_TS.getName(), OffsetDateTime.class).ge(from))
        .and(latest.field(s.ORDER_TS.getName(), OffsetDateTime.class).lt(to))
        .asTable("known");
  }

  /** Customers with a completed order in {@code [T, T + horizon)} as known at d + horizon. */
  static Select<org.jooq.Record1<String>> labelPositives(LocalDate d, int horizonDays) {
    OffsetDateTime t = endOf(d);
    Table<?> k = knownOrders(d.plusDays(horizonDays), t, t.plusDays(horizonDays));
    return DSL.selectDistinct(k.field("customer_id", String.class))
        .from(k)
        .where(k.field("status", String.class).eq(COMPLETED));
  }

  /** Replaces nothing by itself: inserts the feature rows of {@code d} (label or NULL). */
  static Insert<?> insertFeatures(LocalDate d, int horizonDays, boolean labelKnown) {
    OffsetDateTime t = endOf(d);
    Table<?> k = knownOrders(d, t.minusDays(90), t);
    Field<String> customer = k.field("customer_id", String.class);
    Field<OffsetDateTime> ts = k.field("order_ts", OffsetDateTime.class);
    Field<BigDecimal> amount = k.field("amount", BigDecimal.class);
    Field<String> status = k.field("status", String.class);
    Field<String> category = k.field("category", String.class);

    Condition completed = status.eq(COMPLETED);
    Condition in7 = completed.and(ts.ge(t.minusDays(7)));
    Condition in30 = completed.and(ts.ge(t.minusDays(30)));
    Field<Integer> orders30 = DSL.count().filterWhere(in30);
    Field<BigDecimal> revenue30 = DSL.coalesce(DSL.sum(amount).filterWhere(in30), BigDecimal.ZERO);
    Field<Integer> completed90 = DSL.count().filterWhere(completed);
    Field<Integer> refunded90 = DSL.count().filterWhere(status.eq(REFUNDED));
    Field<OffsetDateTime> lastCompleted = DSL.max(ts).filterWhere(completed);

    Field<Short> label =
        labelKnown
            ? DSL.when(customer.in(labelPositives(d, horizonDays)), DSL.inline((short) 1))
                .otherwise(DSL.inline((short) 0))
            : DSL.castNull(Short.class);

    return DSL.insertInto(
            F,
            F.FEATURE_DATE,
            F.CUSTOMER_ID,
            F.ORDERS_7D,
            F.ORDERS_30D,
            F.REVENUE_7D,
            F.REVENUE_30D,
            F.AVG_ORDER_VALUE_30D,
            F.DISTINCT_CATEGORIES_30D,
            F.DAYS_SINCE_LAST_ORDER,
            F.REFUND_RATE_90D,
            F.ORDERED_NEXT_7D)
        .select(
            DSL.select(
                    DSL.val(d),
                    customer,
                    DSL.count().filterWhere(in7),
                    orders30,
                    DSL.coalesce(DSL.sum(amount).filterWhere(in7), BigDecimal.ZERO),
                    revenue30,
                    DSL.round(revenue30.div(DSL.nullif(orders30, 0)), 6),
                    DSL.countDistinct(category).filterWhere(in30),
                    DSL.localDateDiff(DSL.val(d), DSL.cast(lastCompleted, LocalDate.class)),
                    DSL.round(
                        refunded90.cast(BigDecimal.class).div(completed90.plus(refunded90)), 6),
                    label)
                .from(k)
                .groupBy(customer)
                .having(completed90.gt(0)));
  }

  /** Sets the label of every feature row of {@code d} from what partition d + horizon knows. */
  static Update<?> updateLabels(LocalDate d, int horizonDays) {
    return DSL.update(F)
        .set(
            F.ORDERED_NEXT_7D,
            DSL.when(F.CUSTOMER_ID.in(labelPositives(d, horizonDays)), DSL.inline((short) 1))
                .otherwise(DSL.inline((short) 0)))
        .where(F.FEATURE_DATE.eq(d));
  }

  /** SHA-256 of the feature and label SQL as rendered (bind values left out). */
  public static String sqlHash(DSLContext dsl, int horizonDays) {
    LocalDate any = LocalDate.of(2000, 1, 1);
    return Hashing.sha256Hex(
        dsl.render(insertFeatures(any, horizonDays, true))
            + "\n"
            + dsl.render(updateLabels(any, horizonDays)));
  }
}
