package io.sluice.activities.stage;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.raw.Tables.ORDERS;

import io.sluice.activities.config.PipelineConfig;
import io.sluice.db.jooq.meta.Routines;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.JSONEntry;
import org.jooq.Name;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The orders normalisation and quarantine rules of DESIGN.md as one SELECT over a raw partition:
 * each row normalised, with every reason it cannot be staged (an empty array when it can).
 */
final class OrdersJudgement {

  static final Name TABLE = DSL.name("stage_judged");
  static final Table<?> JUDGED = DSL.table(TABLE);

  static final Field<Long> FILE_ID = f("file_id", Long.class);
  static final Field<Integer> LINE_NO = f("line_no", Integer.class);
  static final Field<String> FILE_NAME = f("file_name", String.class);
  static final Field<String> ORDER_ID = f("order_id", String.class);
  static final Field<String> CUSTOMER_ID = f("customer_id", String.class);
  static final Field<OffsetDateTime> ORDER_TS = f("order_ts", OffsetDateTime.class);
  static final Field<BigDecimal> AMOUNT = f("amount", BigDecimal.class);
  static final Field<String> CURRENCY = f("currency", String.class);
  static final Field<String> STATUS = f("status", String.class);
  static final Field<String> CATEGORY = f("category", String.class);
  static final Field<String> COUNTRY = f("country", String.class);
  static final Field<String> CHANNEL = f("channel", String.class);
  static final Field<Integer> QUANTITY = f("quantity", Integer.class);
  static final Field<String[]> REASONS = f("reasons", String[].class);
  static final Field<JSONB> RECORD = f("record", JSONB.class);

  private OrdersJudgement() {}

  private static <T> Field<T> f(String name, Class<T> type) {
    return DSL.field(DSL.name(TABLE.last(), name), type);
  }

  /** Trimmed, with an empty field treated as missing. */
  static Field<String> clean(Field<String> raw) {
    return DSL.nullif(DSL.trim(raw), DSL.inline(""));
  }

  static Select<?> select(PipelineConfig config, Long[] fileIds) {
    Field<String> orderId = clean(ORDERS.ORDER_ID);
    Field<String> customerId = clean(ORDERS.CUSTOMER_ID);
    Field<String> tsText = clean(ORDERS.ORDER_TS);
    Field<OffsetDateTime> ts = Routines.tryInstant(tsText);
    Field<String> amountText = clean(ORDERS.AMOUNT);
    Field<BigDecimal> amount = Routines.tryDecimal(amountText);
    Field<String> qtyText = clean(ORDERS.QUANTITY);
    Field<Integer> qty = Routines.tryInteger(qtyText);
    Field<String> status = DSL.lower(clean(ORDERS.STATUS));
    Field<String> category = DSL.lower(clean(ORDERS.CATEGORY));

    List<Field<String>> reasons = new ArrayList<>();
    reasons.add(
        reason(ORDERS.FIELD_COUNT.ne(DSL.cardinality(INGESTED_FILES.HEADER)), "wrong_field_count"));
    reasons.add(reason(orderId.isNull(), "missing_order_id"));
    reasons.add(reason(customerId.isNull(), "missing_customer_id"));
    reasons.add(either(tsText.isNull(), "missing_order_ts", ts.isNull(), "bad_order_ts"));
    reasons.add(
        DSL.when(amountText.isNull(), DSL.inline("missing_amount"))
            .when(amount.isNull(), DSL.inline("bad_amount"))
            .when(amount.lt(BigDecimal.ZERO), DSL.inline("negative_amount")));
    reasons.add(
        either(qtyText.isNull(), "missing_quantity", qty.isNull().or(qty.le(0)), "bad_quantity"));
    reasons.add(
        either(
            category.isNull(),
            "missing_category",
            category.notIn(lower(config.categories())),
            "unknown_category"));
    reasons.add(
        either(
            status.isNull(),
            "missing_status",
            status.notIn(lower(config.statuses())),
            "unknown_status"));

    List<JSONEntry<?>> record = new ArrayList<>();
    for (Field<?> c : ORDERS.fields()) {
      if (!c.equals(ORDERS.FILE_ID) && !c.equals(ORDERS.LINE_NO) && !c.equals(ORDERS.FIELD_COUNT)) {
        record.add(DSL.jsonEntry(c.getName(), c));
      }
    }

    return DSL.select(
            ORDERS.FILE_ID.as(FILE_ID.getName()),
            ORDERS.LINE_NO.as(LINE_NO.getName()),
            INGESTED_FILES.FILE_NAME.as(FILE_NAME.getName()),
            orderId.as(ORDER_ID.getName()),
            customerId.as(CUSTOMER_ID.getName()),
            ts.as(ORDER_TS.getName()),
            amount.as(AMOUNT.getName()),
            DSL.upper(clean(ORDERS.CURRENCY)).as(CURRENCY.getName()),
            status.as(STATUS.getName()),
            category.as(CATEGORY.getName()),
            DSL.upper(clean(ORDERS.COUNTRY)).as(COUNTRY.getName()),
            DSL.lower(clean(ORDERS.CHANNEL)).as(CHANNEL.getName()),
            qty.as(QUANTITY.getName()),
            DSL.arrayRemove(DSL.array(reasons), DSL.castNull(String.class)).as(REASONS.getName()),
            DSL.jsonbObject(record).as(RECORD.getName()))
        .from(ORDERS)
        .join(INGESTED_FILES)
        .on(INGESTED_FILES.FILE_ID.eq(ORDERS.FILE_ID))
        .where(ORDERS.FILE_ID.in(fileIds));
  }

  static Condition valid() {
    return DSL.cardinality(REASONS).eq(0);
  }

  private static Field<String> reason(Condition c, String code) {
    return DSL.when(c, DSL.inline(code));
  }

  private static Field<String> either(Condition c1, String code1, Condition c2, String code2) {
    return DSL.when(c1, DSL.inline(code1)).when(c2, DSL.inline(code2));
  }

  private static List<String> lower(List<String> values) {
    return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }
}
