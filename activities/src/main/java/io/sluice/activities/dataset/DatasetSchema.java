package io.sluice.activities.dataset;

import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * A dataset as its pipeline file declares it: the single source of truth every stage builds its
 * tables and SQL from. Names are checked lower-case identifiers (never SQL keywords), rendered
 * quoted by jOOQ; values are always bound.
 *
 * @param kind facts (a later version of a key supersedes the earlier), events (every valid row
 *     stands) or dimension (attributes of an entity, versioned by knowledge time)
 * @param columns in declaration order: the raw table's text columns, the staged table's typed ones,
 *     and the order of a row's quarantine reasons
 * @param primaryKey the columns that identify a row (facts and dimensions: its versions)
 */
public record DatasetSchema(
    String dataset,
    Kind kind,
    List<ColumnSpec> columns,
    List<String> primaryKey,
    String entityKey,
    String eventTime,
    Bounds bounds) {

  /** How rows of a dataset relate to each other over partitions. */
  public enum Kind {
    FACTS,
    EVENTS,
    DIMENSION
  }

  /**
   * What a value may be beyond its type: key and categorical text no longer than {@code
   * maxTextLength} characters, keys without invisible characters (unless allowed), event times in
   * [{@code eventMin}, {@code eventMax}).
   */
  public record Bounds(
      int maxTextLength,
      boolean allowInvisibleInKeys,
      OffsetDateTime eventMin,
      OffsetDateTime eventMax) {}

  /**
   * {@code value}, a value of column {@code column}, to sort by: a text column's by its bytes
   * (collation "C": the cheap comparison, and the same groups of equal values under any
   * deterministic collation), any other as it is.
   */
  public Field<?> sortable(String column, Field<?> value) {
    return column(column).type().kind() == ColumnType.Kind.TEXT
        ? value.coerce(String.class).collate(DSL.collation(DSL.name("C")))
        : value;
  }

  public ColumnSpec column(String name) {
    for (ColumnSpec c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  public List<String> names() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  /** The columns every file must carry in its header. */
  public List<String> requiredColumns() {
    return columns.stream().filter(ColumnSpec::required).map(ColumnSpec::name).toList();
  }

  /** The numeric columns: profiled with histograms, usable in drift checks on their mean. */
  public List<String> numericColumns() {
    return columns.stream()
        .filter(c -> c.type().kind() == ColumnType.Kind.NUMBER)
        .map(ColumnSpec::name)
        .toList();
  }

  /** Text columns (text and enum): their length is bounded, keys among them checked for marks. */
  public List<String> textColumns() {
    return columns.stream()
        .filter(c -> c.type().kind() == ColumnType.Kind.TEXT)
        .map(ColumnSpec::name)
        .toList();
  }

  /** The key columns that must hold no invisible characters: primary key and entity key. */
  public List<String> keyColumns() {
    java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>(primaryKey);
    if (entityKey != null) {
      keys.add(entityKey);
    }
    return keys.stream().filter(k -> column(k).type().kind() == ColumnType.Kind.TEXT).toList();
  }

  /** Whether a later version of a primary key supersedes the earlier (facts and dimensions). */
  public boolean versioned() {
    return kind != Kind.EVENTS;
  }

  /**
   * The staged table's columns in order: a versioned dataset's primary key first, then the
   * partition, file and line a row came from, then the other declared columns; an events dataset's
   * bookkeeping first, then every declared column.
   */
  public List<StagedColumn> stagedColumns() {
    List<StagedColumn> out = new java.util.ArrayList<>();
    if (versioned()) {
      primaryKey.forEach(k -> out.add(declared(column(k))));
    }
    out.add(new StagedColumn(PARTITION_DATE, org.jooq.impl.SQLDataType.LOCALDATE, false, null));
    out.add(new StagedColumn(FILE_ID, org.jooq.impl.SQLDataType.BIGINT, false, null));
    out.add(new StagedColumn(LINE_NO, org.jooq.impl.SQLDataType.BIGINT, false, null));
    for (ColumnSpec c : columns) {
      if (!versioned() || !primaryKey.contains(c.name())) {
        out.add(declared(c));
      }
    }
    return out;
  }

  private static StagedColumn declared(ColumnSpec c) {
    return new StagedColumn(c.name(), c.type().staged(), c.nullable(), c);
  }

  /** The staged table's key: primary key and partition, or an event's file and line. */
  public List<String> stagedKey() {
    if (versioned()) {
      List<String> key = new java.util.ArrayList<>(primaryKey);
      key.add(PARTITION_DATE);
      return key;
    }
    return List.of(FILE_ID, LINE_NO);
  }

  /**
   * One column of the staged table.
   *
   * @param declared the declared column, null for bookkeeping
   */
  public record StagedColumn(
      String name, org.jooq.DataType<?> type, boolean nullable, ColumnSpec declared) {

    /** The column of {@code table} (an alias or the table's name), typed. */
    public Field<?> of(Name table) {
      return DSL.field(table.append(name), type);
    }

    /** Its type as PostgreSQL's {@code format_type} names it: the staged table's, exactly. */
    public String sqlType() {
      if (declared != null) {
        return declared.type().sqlType();
      }
      return switch (name) {
        case PARTITION_DATE -> "date";
        case FILE_ID, LINE_NO -> "bigint";
        default -> throw new IllegalArgumentException("not a bookkeeping column: " + name);
      };
    }
  }

  public static final String PARTITION_DATE = "partition_date";
  public static final String FILE_ID = "file_id";
  public static final String LINE_NO = "line_no";

  /**
   * A declared column's text in the raw table: its own column, or for rows ingested before the
   * column was declared (their file's field went to {@code extra}, by its header name) the value
   * kept there. So a column added to a declaration reaches the history when a partition is staged
   * again.
   */
  public Field<String> rawText(String column) {
    Field<String> own = DSL.field(rawName().append(column), org.jooq.impl.SQLDataType.CLOB);
    Field<org.jooq.JSONB> extra =
        DSL.field(rawName().append("extra"), org.jooq.impl.SQLDataType.JSONB);
    return DSL.coalesce(own, DSL.jsonbGetAttributeAsText(extra, DSL.inline(column)));
  }

  public Name rawName() {
    return DSL.name("raw", dataset);
  }

  public Name stagedName() {
    return DSL.name("stg", dataset);
  }

  public Name quarantineName() {
    return DSL.name("quarantine", dataset);
  }

  public Table<?> raw() {
    return DSL.table(rawName());
  }

  public Table<?> staged() {
    return DSL.table(stagedName());
  }

  public Table<?> quarantine() {
    return DSL.table(quarantineName());
  }
}
