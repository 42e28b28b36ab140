package io.sluice.activities.dataset;

import io.sluice.activities.config.BadConfigException;
import io.sluice.activities.dataset.DatasetSchema.StagedColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Name;
import org.jooq.Record3;
import org.jooq.impl.DSL;

/**
 * A dataset's tables, made from its declaration by the owner role ({@code sluice migrate}, or a
 * worker that migrates on start):
 *
 * <ul>
 *   <li>{@code raw.<dataset>}: every declared column as received (text), partitioned by day and
 *       then by file, append-only by trigger and by privilege (the owner functions {@code
 *       raw.day_table} and {@code meta.claim_file} add the day and file tables);
 *   <li>{@code stg.<dataset>}: the typed columns; a facts or dimension dataset keyed by primary key
 *       and partition (a version per partition), an events dataset by file and line;
 *   <li>{@code quarantine.<dataset>}: the rows that could not be staged, with their reasons.
 * </ul>
 *
 * A declaration that changed since the tables were made is applied in place where nothing staged
 * can be lost: a new column is added (it must be nullable: earlier rows have no value for it), a
 * column may become nullable. Anything else (a changed type, a removed column, a changed key or
 * kind, a column that may no longer be empty) is refused with a {@link BadConfigException} that
 * says what to do, and nothing is altered (docs/pipeline-yaml.md#changing-a-dataset).
 */
public final class DatasetTables {

  /** The role the workers' login roles are members of (see the migration V20). */
  static final String WORKER_ROLE = "sluice_worker";

  private DatasetTables() {}

  /**
   * What the migration does to a dataset's tables.
   *
   * @param statements the DDL, in order; empty when the tables match the declaration
   * @param changes one line per table made or changed, for the migration's output
   * @param required false when the statements only change how the tables are indexed, which the
   *     stages work without (a worker that may not migrate leaves them to {@code sluice migrate})
   */
  public record Plan(
      String dataset, List<String> statements, List<String> changes, boolean required) {
    public boolean isEmpty() {
      return statements.isEmpty();
    }
  }

  /**
   * The DDL that brings the dataset's tables to its declaration, found from the catalog as {@code
   * dsl} sees it now.
   *
   * @throws BadConfigException when the declaration changed in a way that cannot be applied in
   *     place; {@code where} (the pipeline file) leads the message
   */
  public static Plan plan(DSLContext dsl, DatasetSchema schema, String where) {
    List<String> ddl = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    planRaw(dsl, schema, ddl, changes, refused);
    boolean stagedExisted = planStaged(dsl, schema, ddl, changes, refused);
    planQuarantine(dsl, schema, ddl, changes);
    boolean required = !ddl.isEmpty();
    if (stagedExisted) {
      planStagedIndexes(dsl, schema, ddl, changes);
    }
    if (!refused.isEmpty()) {
      throw new BadConfigException(
          where
              + ": the declaration of dataset '"
              + schema.dataset()
              + "' changed in a way its tables cannot follow in place: "
              + String.join("; ", refused)
              + ". Nothing was altered. Declare the dataset as it was (a new column may be added"
              + " if it is nullable), or declare a new dataset (e.g. "
              + schema.dataset()
              + "_v2) and backfill it (docs/pipeline-yaml.md#changing-a-dataset)");
    }
    return new Plan(schema.dataset(), List.copyOf(ddl), List.copyOf(changes), required);
  }

  /**
   * Plans and runs the dataset's DDL in one transaction, under a lock that serialises migrations of
   * dataset tables (two workers starting at once), and returns what it did.
   */
  public static Plan apply(DSLContext owner, DatasetSchema schema, String where) {
    return owner.transactionResult(
        trx -> {
          DSLContext tx = trx.dsl();
          tx.fetch("SELECT pg_advisory_xact_lock(hashtext('sluice: dataset tables'))");
          Plan plan = plan(tx, schema, where);
          for (String statement : plan.statements()) {
            tx.execute(statement);
          }
          return plan;
        });
  }

  /** The SQLSTATE PostgreSQL reports for a missing privilege. */
  private static final String INSUFFICIENT_PRIVILEGE = "42501";

  /**
   * Makes sure the dataset's tables match its declaration before a stage reads or writes them:
   * nothing to do when they do (a few catalog lookups); otherwise the migration is applied when
   * this role may (the embedded default, a worker that owns the schema), and a least-privilege
   * worker is told to run {@code sluice migrate}.
   *
   * @throws BadConfigException when the tables cannot follow the declaration, or this role may not
   *     change them
   */
  public static void ensure(DSLContext dsl, DatasetSchema schema, String where) {
    if (plan(dsl, schema, where).required()) {
      try {
        apply(dsl, schema, where);
      } catch (org.jooq.exception.DataAccessException e) {
        if (INSUFFICIENT_PRIVILEGE.equals(e.sqlState())) {
          throw new BadConfigException(
              where
                  + ": the tables of dataset '"
                  + schema.dataset()
                  + "' do not match its declaration yet ("
                  + String.join("; ", plan(dsl, schema, where).changes())
                  + ") and this database role may not change them: run `sluice migrate` with the"
                  + " owner role (SLUICE_DB_MIGRATE_USER), then rerun",
              e);
        }
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void planRaw(
      DSLContext dsl,
      DatasetSchema schema,
      List<String> ddl,
      List<String> changes,
      List<String> refused) {
    String table = q(dsl, schema.rawName());
    Map<String, Existing> existing = columns(dsl, schema.rawName());
    if (existing.isEmpty()) {
      List<String> cols = new ArrayList<>();
      cols.add("partition_date date NOT NULL");
      cols.add("file_id bigint NOT NULL");
      cols.add("line_no bigint NOT NULL");
      for (String c : schema.names()) {
        cols.add(q(dsl, DSL.name(c)) + " text");
      }
      cols.add("extra jsonb");
      cols.add("field_count integer");
      ddl.add(
          "CREATE TABLE "
              + table
              + " (\n    "
              + String.join(",\n    ", cols)
              + "\n) PARTITION BY LIST (partition_date)");
      rawTriggers(dsl, schema, List.of(), ddl);
      ddl.add("GRANT SELECT ON " + table + " TO " + WORKER_ROLE);
      changes.add(
          "created " + plain(schema.rawName()) + " (" + schema.names().size() + " columns)");
      return;
    }
    for (String c : schema.names()) {
      if (!existing.containsKey(c)) {
        ddl.add("ALTER TABLE " + table + " ADD COLUMN " + q(dsl, DSL.name(c)) + " text");
        changes.add("added column " + c + " to " + plain(schema.rawName()));
      }
    }
    for (String c : existing.keySet()) {
      if (!RAW_BOOKKEEPING.contains(c) && schema.column(c) == null) {
        refused.add("column '" + c + "' of " + plain(schema.rawName()) + " is no longer declared");
      }
    }
    int before = ddl.size();
    rawTriggers(dsl, schema, triggers(dsl, schema.rawName()), ddl);
    if (ddl.size() > before) {
      changes.add("restored the append-only triggers of " + plain(schema.rawName()));
    }
  }

  static final List<String> RAW_BOOKKEEPING =
      List.of("partition_date", "file_id", "line_no", "extra", "field_count");

  /**
   * The raw table's own triggers: rows are never updated or deleted, the table never truncated, and
   * a statement that adds rows (not through a file's table) adds only rows of files that this
   * session is loading.
   */
  private static void rawTriggers(
      DSLContext dsl, DatasetSchema schema, List<String> present, List<String> ddl) {
    String ds = schema.dataset();
    String table = q(dsl, schema.rawName());
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put(
        ds + "_append_only",
        "BEFORE UPDATE OR DELETE ON "
            + table
            + " FOR EACH ROW EXECUTE FUNCTION raw.refuse_change()");
    wanted.put(
        ds + "_no_truncate",
        "BEFORE TRUNCATE ON " + table + " FOR EACH STATEMENT EXECUTE FUNCTION raw.refuse_change()");
    wanted.put(
        ds + "_rows_of_loading_files",
        "AFTER INSERT ON "
            + table
            + " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION"
            + " raw.require_loads_of_new_rows()");
    wanted.forEach(
        (name, body) -> {
          if (!present.contains(name)) {
            ddl.add("CREATE TRIGGER " + q(dsl, DSL.name(name)) + " " + body);
          }
        });
  }

  /** Plans the staged table; true when it exists already (a new one is made with its indexes). */
  private static boolean planStaged(
      DSLContext dsl,
      DatasetSchema schema,
      List<String> ddl,
      List<String> changes,
      List<String> refused) {
    String table = q(dsl, schema.stagedName());
    Map<String, Existing> existing = columns(dsl, schema.stagedName());
    List<StagedColumn> declared = schema.stagedColumns();
    if (existing.isEmpty()) {
      List<String> cols = new ArrayList<>();
      for (StagedColumn c : declared) {
        cols.add(
            q(dsl, DSL.name(c.name())) + " " + c.sqlType() + (c.nullable() ? "" : " NOT NULL"));
      }
      cols.add("PRIMARY KEY (" + names(dsl, schema.stagedKey()) + ")");
      ddl.add("CREATE TABLE " + table + " (\n    " + String.join(",\n    ", cols) + "\n)");
      for (Map.Entry<String, String> index : rangeIndexes(schema).entrySet()) {
        ddl.add(brinIndex(dsl, table, index.getKey(), index.getValue()));
      }
      ddl.add("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + WORKER_ROLE);
      changes.add(
          "created "
              + plain(schema.stagedName())
              + " ("
              + schema.kind().name().toLowerCase(java.util.Locale.ROOT)
              + ", key "
              + String.join(", ", schema.stagedKey())
              + ")");
      return false;
    }
    List<String> key = primaryKey(dsl, schema.stagedName());
    if (!key.equals(schema.stagedKey())) {
      refused.add(
          plain(schema.stagedName())
              + " is keyed by ("
              + String.join(", ", key)
              + "), the declaration keys it by ("
              + String.join(", ", schema.stagedKey())
              + ") (primary_key or kind changed)");
    }
    for (StagedColumn c : declared) {
      Existing e = existing.get(c.name());
      if (e == null) {
        if (!c.nullable()) {
          refused.add(
              "new column '"
                  + c.name()
                  + "' is declared nullable: false, but the rows staged before it have no value"
                  + " for it; declare it nullable: true");
        } else {
          ddl.add(
              "ALTER TABLE "
                  + table
                  + " ADD COLUMN "
                  + q(dsl, DSL.name(c.name()))
                  + " "
                  + c.sqlType());
          changes.add(
              "added column " + c.name() + " " + c.sqlType() + " to " + plain(schema.stagedName()));
        }
        continue;
      }
      if (!e.type().equals(c.sqlType())) {
        refused.add(
            "column '"
                + c.name()
                + "' is "
                + e.type()
                + " in "
                + plain(schema.stagedName())
                + " but declared "
                + (c.declared() == null ? c.sqlType() : describe(c.declared()))
                + " ("
                + c.sqlType()
                + ")");
      } else if (c.nullable() && e.notNull() && !schema.stagedKey().contains(c.name())) {
        ddl.add(
            "ALTER TABLE "
                + table
                + " ALTER COLUMN "
                + q(dsl, DSL.name(c.name()))
                + " DROP NOT NULL");
        changes.add(
            "column " + c.name() + " of " + plain(schema.stagedName()) + " may now be empty");
      } else if (!c.nullable() && !e.notNull()) {
        refused.add(
            "column '"
                + c.name()
                + "' is declared nullable: false, but rows staged before may have no value for it;"
                + " keep it nullable");
      }
    }
    for (String c : existing.keySet()) {
      if (declared.stream().noneMatch(d -> d.name().equals(c))) {
        refused.add(
            "column '" + c + "' of " + plain(schema.stagedName()) + " is no longer declared");
      }
    }
    return true;
  }

  /**
   * The staged table's indexes besides its key, by name: its partition and its event time. They are
   * BRIN indexes (a block range's least and greatest value): the rows of a partition are inserted
   * together and their event times cluster around the partition's day, so the ranges stay narrow; a
   * B-tree on a column the insert does not come sorted by is maintained row by row at random
   * places, which cost most of staging a large partition
   * (docs/adr/0018-brin-indexes-on-staged-tables.md).
   */
  static Map<String, String> rangeIndexes(DatasetSchema schema) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(schema.dataset() + "_partition_idx", DatasetSchema.PARTITION_DATE);
    out.put(eventTimeIndex(schema), schema.eventTime());
    return out;
  }

  private static String brinIndex(DSLContext dsl, String table, String name, String column) {
    return "CREATE INDEX "
        + q(dsl, DSL.name(name))
        + " ON "
        + table
        + " USING brin ("
        + q(dsl, DSL.name(column))
        + ") WITH (autosummarize = on)";
  }

  /**
   * An existing staged table made before its range indexes were BRIN (or with a range index dropped
   * by hand) gets them now; a stage works without this, so it is left to {@code sluice migrate} or
   * a worker that migrates.
   */
  private static void planStagedIndexes(
      DSLContext dsl, DatasetSchema schema, List<String> ddl, List<String> changes) {
    Name staged = schema.stagedName();
    Map<String, String> methods = new LinkedHashMap<>();
    dsl.fetch(
            "SELECT i.relname::text, am.amname::text FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam"
                + " WHERE x.indrelid = to_regclass(quote_ident(?) || '.' || quote_ident(?))",
            staged.first(),
            staged.last())
        .forEach(r -> methods.put(r.get(0, String.class), r.get(1, String.class)));
    String table = q(dsl, staged);
    for (Map.Entry<String, String> index : rangeIndexes(schema).entrySet()) {
      String method = methods.get(index.getKey());
      if ("brin".equals(method)) {
        continue;
      }
      if (method != null) {
        ddl.add("DROP INDEX " + q(dsl, DSL.name(staged.first(), index.getKey())));
      }
      ddl.add(brinIndex(dsl, table, index.getKey(), index.getValue()));
      changes.add(
          (method == null ? "added" : "replaced the " + method + " index")
              + " "
              + index.getKey()
              + " of "
              + plain(staged)
              + (method == null ? " (BRIN)" : " with a BRIN index"));
    }
  }

  /**
   * {@code <dataset>_<event time>_idx}, or {@code <dataset>_event_time_idx} if that is too long.
   */
  static String eventTimeIndex(DatasetSchema schema) {
    String name = schema.dataset() + "_" + schema.eventTime() + "_idx";
    return name.length() <= 63 ? name : schema.dataset() + "_event_time_idx";
  }

  private static void planQuarantine(
      DSLContext dsl, DatasetSchema schema, List<String> ddl, List<String> changes) {
    if (!columns(dsl, schema.quarantineName()).isEmpty()) {
      return;
    }
    String table = q(dsl, schema.quarantineName());
    ddl.add(
        "CREATE TABLE "
            + table
            + " (\n"
            + "    file_id bigint NOT NULL,\n"
            + "    line_no bigint NOT NULL,\n"
            + "    partition_date date NOT NULL,\n"
            + "    reasons text[] NOT NULL,\n"
            + "    record jsonb NOT NULL,\n"
            + "    PRIMARY KEY (file_id, line_no)\n"
            + ")");
    ddl.add(
        "CREATE INDEX "
            + q(dsl, DSL.name("quarantine_" + schema.dataset() + "_partition_idx"))
            + " ON "
            + table
            + " (partition_date)");
    ddl.add("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + WORKER_ROLE);
    changes.add("created " + plain(schema.quarantineName()));
  }

  // ---------------------------------------------------------------------------------------------
  // The catalog

  /** A column as the catalog has it: its type as format_type writes it, and NOT NULL. */
  private record Existing(String type, boolean notNull) {}

  /** The table's columns in order; empty when there is no such table. */
  private static Map<String, Existing> columns(DSLContext dsl, Name table) {
    Map<String, Existing> out = new LinkedHashMap<>();
    for (Record3<String, String, Boolean> r :
        dsl.resultQuery(
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull"
                    + " FROM pg_attribute a"
                    + " WHERE a.attrelid = to_regclass(quote_ident({0}) || '.' || quote_ident({1}))"
                    + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                DSL.val(table.first()), DSL.val(table.last()))
            .coerce(
                DSL.field("attname", String.class),
                DSL.field("format_type", String.class),
                DSL.field("attnotnull", Boolean.class))
            .fetch()) {
      out.put(r.value1(), new Existing(r.value2(), r.value3()));
    }
    return out;
  }

  /** The columns of the table's primary key, in key order. */
  private static List<String> primaryKey(DSLContext dsl, Name table) {
    return dsl.fetch(
            "SELECT a.attname::text FROM pg_index i"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE i.indrelid = to_regclass(quote_ident(?) || '.' || quote_ident(?))"
                + " AND i.indisprimary"
                + " ORDER BY array_position(i.indkey::smallint[], a.attnum)",
            table.first(),
            table.last())
        .getValues(0, String.class);
  }

  private static List<String> triggers(DSLContext dsl, Name table) {
    return dsl.fetch(
            "SELECT tgname::text FROM pg_trigger"
                + " WHERE tgrelid = to_regclass(quote_ident(?) || '.' || quote_ident(?))"
                + " AND NOT tgisinternal",
            table.first(),
            table.last())
        .getValues(0, String.class);
  }

  // ---------------------------------------------------------------------------------------------

  private static String describe(ColumnSpec c) {
    ColumnType t = c.type();
    return t instanceof ColumnType.Decimal d && d.precision() != null
        ? "decimal(" + d.precision() + "," + d.scale() + ")"
        : t.name();
  }

  /** A name as messages write it: {@code stg.orders}. */
  static String plain(Name name) {
    return String.join(".", name.getName());
  }

  /** A name as PostgreSQL reads it: quoted, its parts dot-separated. */
  private static String q(DSLContext dsl, Name name) {
    return dsl.render(name);
  }

  private static String names(DSLContext dsl, List<String> columns) {
    return columns.stream().map(c -> q(dsl, DSL.name(c))).collect(Collectors.joining(", "));
  }
}
