package io.sluice.activities.stage;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;

import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.RowRule;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.JSONEntry;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A dataset's normalisation and quarantine rules, compiled from its {@link DatasetSchema} into one
 * SELECT over a raw partition: each row as a row of its {@link Candidates} table (typed values,
 * cleaned and received texts, every reason it cannot be staged in the order the columns are
 * declared, and the raw record of a row that has a reason). The worker's judge is held to it.
 */
final class Judgement {

  /**
   * Control characters, soft hyphen, zero-width and joiner characters, direction marks and
   * overrides, invisible operators and the byte-order mark (a PostgreSQL regular expression).
   */
  static final String INVISIBLE =
      "[\\x01-\\x1F\\x7F-\\x9F\\u00AD\\u200B-\\u200F\\u202A-\\u202E"
          + "\\u2060-\\u2064\\u2066-\\u2069\\uFEFF]";

  private Judgement() {}

  /** A raw column of the dataset's raw table. */
  static Field<String> raw(DatasetSchema schema, String column) {
    return schema.rawText(column);
  }

  static Field<Long> rawFileId(DatasetSchema schema) {
    return DSL.field(DSL.name(schema.rawName().append("file_id")), SQLDataType.BIGINT);
  }

  /**
   * Whether a raw row has more or fewer fields than its file's header (joined); never for a row
   * without a field count (a JSON or Parquet record names its fields).
   */
  static Field<Boolean> wrongFieldCount(DatasetSchema schema) {
    return DSL.coalesce(
        DSL.field(
            DSL.field(DSL.name(schema.rawName().append("field_count")), Integer.class)
                .ne(DSL.cardinality(INGESTED_FILES.HEADER))),
        DSL.inline(false));
  }

  static Field<Long> rawLineNo(DatasetSchema schema) {
    return DSL.field(DSL.name(schema.rawName().append("line_no")), SQLDataType.BIGINT);
  }

  /**
   * Each field is normalised and parsed once, in a derived table fenced with OFFSET 0 (so the
   * planner cannot pull it up and parse again for every reference), then judged from the parsed
   * columns.
   */
  static Select<?> select(Candidates candidates, Condition rawRows) {
    DatasetSchema schema = candidates.schema();
    List<SelectField<?>> parsed = new ArrayList<>();
    parsed.add(rawFileId(schema).as("file_id"));
    parsed.add(rawLineNo(schema).as("line_no"));
    parsed.add(INGESTED_FILES.FILE_NAME.as("file_name"));
    parsed.add(wrongFieldCount(schema).as("wrong_fields"));
    List<ColumnSpec> columns = schema.columns();
    for (int i = 0; i < columns.size(); i++) {
      ColumnSpec c = columns.get(i);
      Field<String> text = c.normalised(raw(schema, c.name()));
      parsed.add(text.as(textAlias(i)));
      if (!(c.type() instanceof ColumnType.Text)) {
        parsed.add(c.type().parse(text).as(valueAlias(i)));
      }
    }
    for (int i : candidates.receivedColumns()) {
      parsed.add(raw(schema, columns.get(i).name()).as(Candidates.receivedName(i)));
    }
    parsed.add(rawRecord(schema).as(Candidates.RECORD));
    Table<?> p =
        DSL.select(parsed)
            .from(schema.raw())
            .join(INGESTED_FILES)
            .on(INGESTED_FILES.FILE_ID.eq(rawFileId(schema)))
            .where(rawRows)
            .offset(0)
            .asTable("parsed");

    List<Field<String>> reasons = new ArrayList<>();
    reasons.add(reason(p.field("wrong_fields", Boolean.class).isTrue(), "wrong_field_count"));
    for (int i = 0; i < columns.size(); i++) {
      ColumnSpec c = columns.get(i);
      Field<String> text = p.field(textAlias(i), String.class);
      Field<?> v = typed(p, c, i);
      if (!c.nullable()) {
        reasons.add(reason(text.isNull(), c.reason("missing", "missing")));
      }
      if (!(c.type() instanceof ColumnType.Text)) {
        String bad = c.reasons().getOrDefault("bad", c.type().badReason(c.name()));
        reasons.add(reason(text.isNotNull().and(v.isNull()), bad));
      }
      for (RowRule r : c.rules()) {
        reasons.add(reason(v.isNotNull().and(r.broken(v)), c.reason(r.key(), r.defaultPrefix())));
      }
    }
    // Bounds on what a value may be: text that would not fit an index, a key that only differs
    // by characters nobody can see, an event time no row has.
    for (int i = 0; i < columns.size(); i++) {
      ColumnSpec c = columns.get(i);
      if (c.type().kind() == ColumnType.Kind.TEXT) {
        reasons.add(
            reason(
                DSL.charLength(p.field(textAlias(i), String.class))
                    .gt(schema.bounds().maxTextLength()),
                c.reason("too_long", "too_long")));
      }
    }
    if (!schema.bounds().allowInvisibleInKeys()) {
      for (String key : schema.keyColumns()) {
        int i = schema.names().indexOf(key);
        ColumnSpec c = columns.get(i);
        reasons.add(
            reason(
                p.field(textAlias(i), String.class).likeRegex(INVISIBLE),
                c.reason("invisible", "invisible")));
      }
    }
    int t = schema.names().indexOf(schema.eventTime());
    ColumnSpec eventTime = columns.get(t);
    @SuppressWarnings("unchecked")
    Field<java.time.OffsetDateTime> ts = (Field<java.time.OffsetDateTime>) typed(p, eventTime, t);
    reasons.add(
        reason(
            ts.lt(schema.bounds().eventMin()).or(ts.ge(schema.bounds().eventMax())),
            eventTime.reason("out_of_range", "out_of_range")));

    List<SelectField<?>> out = new ArrayList<>();
    out.add(p.field("file_id"));
    out.add(p.field("line_no"));
    out.add(p.field("file_name"));
    for (int i = 0; i < columns.size(); i++) {
      out.add(typed(p, columns.get(i), i).as(columns.get(i).name()));
    }
    for (int i = 0; i < columns.size(); i++) {
      if (!(columns.get(i).type() instanceof ColumnType.Text)) {
        out.add(p.field(textAlias(i)).as(Candidates.cleanedName(i)));
      }
    }
    for (int i : candidates.receivedColumns()) {
      out.add(p.field(Candidates.receivedName(i)));
    }
    out.add(DSL.arrayRemove(DSL.array(reasons), DSL.castNull(String.class)).as(Candidates.REASONS));
    out.add(p.field(Candidates.RECORD));
    // the record is kept for a row with a reason only (it goes to quarantine)
    Table<?> judged = DSL.select(out).from(p).asTable("judged");
    List<SelectField<?>> rows = new ArrayList<>();
    for (Field<?> f : judged.fields()) {
      rows.add(
          Candidates.RECORD.equals(f.getName())
              ? DSL.when(DSL.cardinality(judged.field(Candidates.REASONS, String[].class)).gt(0), f)
                  .as(Candidates.RECORD)
              : f);
    }
    return DSL.select(rows).from(judged);
  }

  /** The raw record as received, for quarantined rows only (joined back by file and line). */
  static Field<JSONB> rawRecord(DatasetSchema schema) {
    List<JSONEntry<?>> record = new ArrayList<>();
    for (String c : schema.names()) {
      record.add(DSL.jsonEntry(c, raw(schema, c)));
    }
    record.add(
        DSL.jsonEntry("extra", DSL.field(DSL.name(schema.rawName().append("extra")), JSONB.class)));
    return DSL.jsonbObject(record);
  }

  private static Field<?> typed(Table<?> p, ColumnSpec c, int i) {
    return c.type() instanceof ColumnType.Text ? p.field(textAlias(i)) : p.field(valueAlias(i));
  }

  private static String textAlias(int i) {
    return "t" + i;
  }

  private static String valueAlias(int i) {
    return "v" + i;
  }

  private static Field<String> reason(Condition c, String code) {
    return DSL.when(c, DSL.inline(code));
  }
}
