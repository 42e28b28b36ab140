package io.sluice.activities.stage;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;
import static io.sluice.db.jooq.raw.Tables.ORDERS;

import io.sluice.activities.config.LoadedConfig;
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
 * The orders normalisation and quarantine rules
 * (docs/concepts.md#staging-normalise-quarantine-versions) as one SELECT over a raw partition: each
 * row normalised, with every reason it cannot be staged (an empty array when it can).
 */
final class OrdersJudgement {

  static final Name TABLE = DSL.name("stage_judged");
  static final Table<?> JUDGED = DSL.table(TABLE);

  static final Field<Long> FILE_ID = f("file_id", Long.class);
  static final Field<Long> LINE_NO = f("line_no", Long.class);
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

  private OrdersJudgement() {}

  private static <T> Field<T> f(String name, Class<T> type) {
    return DSL.field(DSL.name(TABLE.last(), name), type);
  }

  /** Trimmed, with an empty field treated as missing. */
  static Field<String> clean(Field<String> raw) {
    return DSL.nullif(DSL.trim(raw), DSL.inline(""));
  }

  /**
   * Each field is parsed once, in a derived table fenced with OFFSET 0 (so the planner cannot pull
   * it up and parse again for every reference), then judged from the parsed columns.
   */
  static Select<?> select(LoadedConfig loaded, Condition raw) {
    PipelineConfig config = loaded.config();
    Table<?> p =
        DSL.select(
                ORDERS.FILE_ID.as(FILE_ID.getName()),
                ORDERS.LINE_NO.as(LINE_NO.getName()),
                INGESTED_FILES.FILE_NAME.as(FILE_NAME.getName()),
                ORDERS.FIELD_COUNT.ne(DSL.cardinality(INGESTED_FILES.HEADER)).as("wrong_fields"),
                clean(ORDERS.ORDER_ID).as(ORDER_ID.getName()),
                clean(ORDERS.CUSTOMER_ID).as(CUSTOMER_ID.getName()),
                clean(ORDERS.ORDER_TS).as("ts_text"),
                Routines.tryInstant(clean(ORDERS.ORDER_TS)).as(ORDER_TS.getName()),
                clean(ORDERS.AMOUNT).as("amount_text"),
                Routines.tryDecimal(clean(ORDERS.AMOUNT)).as(AMOUNT.getName()),
                DSL.upper(clean(ORDERS.CURRENCY)).as(CURRENCY.getName()),
                DSL.lower(clean(ORDERS.STATUS)).as(STATUS.getName()),
                DSL.lower(clean(ORDERS.CATEGORY)).as(CATEGORY.getName()),
                DSL.upper(clean(ORDERS.COUNTRY)).as(COUNTRY.getName()),
                DSL.lower(clean(ORDERS.CHANNEL)).as(CHANNEL.getName()),
                clean(ORDERS.QUANTITY).as("qty_text"),
                Routines.tryInteger(clean(ORDERS.QUANTITY)).as(QUANTITY.getName()))
            .from(ORDERS)
            .join(INGESTED_FILES)
            .on(INGESTED_FILES.FILE_ID.eq(ORDERS.FILE_ID))
            .where(raw)
            .offset(0)
            .asTable("parsed");

    Field<String> orderId = p.field(ORDER_ID.getName(), String.class);
    Field<OffsetDateTime> ts = p.field(ORDER_TS.getName(), OffsetDateTime.class);
    Field<BigDecimal> amount = p.field(AMOUNT.getName(), BigDecimal.class);
    Field<Integer> qty = p.field(QUANTITY.getName(), Integer.class);
    Field<String> status = p.field(STATUS.getName(), String.class);
    Field<String> category = p.field(CATEGORY.getName(), String.class);

    List<Field<String>> reasons = new ArrayList<>();
    reasons.add(reason(p.field("wrong_fields", Boolean.class).isTrue(), "wrong_field_count"));
    reasons.add(reason(orderId.isNull(), "missing_order_id"));
    reasons.add(reason(p.field(CUSTOMER_ID.getName()).isNull(), "missing_customer_id"));
    reasons.add(
        either(p.field("ts_text").isNull(), "missing_order_ts", ts.isNull(), "bad_order_ts"));
    reasons.add(
        DSL.when(p.field("amount_text").isNull(), DSL.inline("missing_amount"))
            .when(amount.isNull(), DSL.inline("bad_amount"))
            .when(amount.lt(BigDecimal.ZERO), DSL.inline("negative_amount")));
    reasons.add(
        either(
            p.field("qty_text").isNull(),
            "missing_quantity",
            qty.isNull().or(qty.le(0)),
            "bad_quantity"));
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
    // Bounds on what a value may be: a key that would not fit an index, a key that only differs
    // by characters nobody can see, an event time no order has.
    for (String column : TEXT_COLUMNS) {
      reasons.add(
          reason(
              DSL.charLength(p.field(column, String.class)).gt(loaded.maxTextLength()),
              "too_long_" + column));
    }
    if (!loaded.allowInvisibleInKeys()) {
      for (String column : List.of(config.primaryKey(), config.entityKey())) {
        reasons.add(
            reason(p.field(column, String.class).likeRegex(INVISIBLE), "invisible_" + column));
      }
    }
    reasons.add(
        reason(
            ts.lt(loaded.eventTimeMin()).or(ts.ge(loaded.eventTimeMax())),
            "out_of_range_" + ORDER_TS.getName()));

    return DSL.select(
            p.field(FILE_ID.getName()),
            p.field(LINE_NO.getName()),
            p.field(FILE_NAME.getName()),
            orderId,
            p.field(CUSTOMER_ID.getName()),
            ts,
            amount,
            p.field(CURRENCY.getName()),
            status,
            category,
            p.field(COUNTRY.getName()),
            p.field(CHANNEL.getName()),
            qty,
            DSL.arrayRemove(DSL.array(reasons), DSL.castNull(String.class)).as(REASONS.getName()))
        .from(p);
  }

  /** The raw record as received, for quarantined rows only (joined back by file and line). */
  static Field<JSONB> rawRecord() {
    List<JSONEntry<?>> record = new ArrayList<>();
    for (Field<?> c : ORDERS.fields()) {
      if (!List.of(ORDERS.PARTITION_DATE, ORDERS.FILE_ID, ORDERS.LINE_NO, ORDERS.FIELD_COUNT)
          .contains(c)) {
        record.add(DSL.jsonEntry(c.getName(), c));
      }
    }
    return DSL.jsonbObject(record);
  }

  static Condition valid() {
    return DSL.cardinality(REASONS).eq(0);
  }

  /** The columns staged as text: the keys and the categorical columns. */
  static final List<String> TEXT_COLUMNS =
      List.of("order_id", "customer_id", "currency", "status", "category", "country", "channel");

  /**
   * Control characters, soft hyphen, zero-width and joiner characters, direction marks and
   * overrides, invisible operators and the byte-order mark (a PostgreSQL regular expression).
   */
  static final String INVISIBLE =
      "[\\x01-\\x1F\\x7F-\\x9F\\u00AD\\u200B-\\u200F\\u202A-\\u202E"
          + "\\u2060-\\u2064\\u2066-\\u2069\\uFEFF]";

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
