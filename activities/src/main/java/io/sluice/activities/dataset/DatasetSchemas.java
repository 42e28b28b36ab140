package io.sluice.activities.dataset;

import io.sluice.activities.config.PipelineConfig;
import io.sluice.activities.config.PipelineConfig.ColumnConfig;
import io.sluice.activities.dataset.ColumnSpec.CaseFold;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link DatasetSchema} from a pipeline file's declaration, adding one problem per wrong
 * key (naming the key and what to write instead) rather than stopping at the first.
 */
public final class DatasetSchemas {

  /** A lower-case SQL identifier: what every declared name must be. */
  public static final String IDENTIFIER = "[a-z][a-z0-9_]{0,62}";

  /** Column names Sluice's own tables and queries use beside the declared ones. */
  static final Set<String> BOOKKEEPING =
      Set.of(
          "partition_date",
          "file_id",
          "line_no",
          "file_name",
          "extra",
          "field_count",
          "reasons",
          "record",
          "feature_date",
          "superseded_on",
          "event_date",
          "population",
          "slot",
          "k_text",
          "k_num",
          "k_ts",
          "n");

  /** Column names of the same kind: numbered columns of Sluice's working tables. */
  static final String NUMBERED = "(c|s|t|v|r|in_)[0-9]+";

  /** PostgreSQL's reserved key words: quoted they would work, unquoted they mislead. */
  static final Set<String> RESERVED =
      Set.of(
          "all",
          "analyse",
          "analyze",
          "and",
          "any",
          "array",
          "as",
          "asc",
          "asymmetric",
          "both",
          "case",
          "cast",
          "check",
          "collate",
          "column",
          "constraint",
          "create",
          "current_catalog",
          "current_date",
          "current_role",
          "current_time",
          "current_timestamp",
          "current_user",
          "default",
          "deferrable",
          "desc",
          "distinct",
          "do",
          "else",
          "end",
          "except",
          "false",
          "fetch",
          "for",
          "foreign",
          "from",
          "grant",
          "group",
          "having",
          "in",
          "initially",
          "intersect",
          "into",
          "lateral",
          "leading",
          "limit",
          "localtime",
          "localtimestamp",
          "not",
          "null",
          "offset",
          "on",
          "only",
          "or",
          "order",
          "placing",
          "primary",
          "references",
          "returning",
          "select",
          "session_user",
          "some",
          "symmetric",
          "system_user",
          "table",
          "then",
          "to",
          "trailing",
          "true",
          "union",
          "unique",
          "user",
          "using",
          "variadic",
          "when",
          "where",
          "window",
          "with");

  /** Keys a column's {@code reasons} may name. */
  static final List<String> REASON_KEYS =
      List.of(
          "missing",
          "bad",
          "min",
          "max",
          "positive",
          "in",
          "pattern",
          "too_long",
          "invisible",
          "out_of_range");

  /** The longest dataset name: its raw tables are named {@code <dataset>_yyyymmdd_f<file id>}. */
  static final int MAX_DATASET_NAME = 40;

  private DatasetSchemas() {}

  /**
   * Adds a problem when PostgreSQL's {@code numeric} cannot hold {@code n} (more than 131072 digits
   * before the point, or 16383 after): bound as it is, such a number fails the statement that
   * compares with it, or reaches it wrapped around to another value.
   */
  public static void requireNumeric(List<String> problems, String key, BigDecimal n) {
    if (n != null && (n.precision() - n.scale() > 131_072 || n.scale() > 16_383)) {
      problems.add(
          "key '"
              + key
              + "': a number PostgreSQL's numeric holds (up to 131072 digits before the point and"
              + " 16383 after), got "
              + n);
    }
  }

  /**
   * Whether {@code name} is an SQL key word: quoted it would work, but in the SQL a person writes
   * against the tables and exports it misleads.
   */
  public static boolean isKeyWord(String name) {
    return RESERVED.contains(name);
  }

  /** The complaint about a name at {@code key} that is an SQL key word. */
  public static String keyWord(String key, String name) {
    return "key '" + key + "': '" + name + "' is an SQL key word; name it otherwise";
  }

  /** Whether {@code name} may name a dataset, column, feature or filter. */
  public static boolean isPlainName(String name) {
    return name != null && name.matches(IDENTIFIER) && !RESERVED.contains(name);
  }

  /**
   * Why {@code dataset}, a lower-case identifier, cannot name a dataset (too long, ending in {@code
   * _<digits>}, an SQL key word), or null when it can.
   */
  public static String datasetNameProblem(String dataset) {
    if (dataset.length() > MAX_DATASET_NAME) {
      return "at most " + MAX_DATASET_NAME + " characters, got '" + dataset + "'";
    } else if (dataset.matches(".*_[0-9]+")) {
      return "a name ending in _<digits> is how raw names a dataset's day tables, got '"
          + dataset
          + "'; name it e.g. "
          + dataset.replaceAll("_([0-9]+)$", "_v$1");
    } else if (RESERVED.contains(dataset)) {
      return "'" + dataset + "' is an SQL key word; name it otherwise";
    }
    return null;
  }

  /**
   * Why {@code name} cannot name a column (not a lower-case identifier, an SQL key word, a name
   * Sluice's own tables use), or null when it can.
   */
  public static String columnNameProblem(String name) {
    if (!name.matches(IDENTIFIER)) {
      return "a column name is a lower-case identifier, got '" + name + "'";
    }
    if (RESERVED.contains(name) || BOOKKEEPING.contains(name) || name.matches(NUMBERED)) {
      return "'"
          + name
          + "' is "
          + (RESERVED.contains(name) ? "an SQL key word" : "a name Sluice's tables use")
          + "; name the column otherwise";
    }
    return null;
  }

  /**
   * The schema the file declares; problems go to {@code problems} (the schema is then incomplete
   * and must not be used).
   */
  public static DatasetSchema read(
      PipelineConfig c, DatasetSchema.Bounds bounds, List<String> problems) {
    DatasetSchema.Kind kind = kind(c.kind(), problems);
    String datasetProblem = c.dataset() == null ? null : datasetNameProblem(c.dataset());
    if (datasetProblem != null) {
      problems.add("key 'dataset': " + datasetProblem);
    }
    List<ColumnSpec> columns = new ArrayList<>();
    if (c.columns() == null || c.columns().isEmpty()) {
      problems.add(
          "key 'columns': declare the dataset's columns, e.g. columns: {order_id: {type: text}}"
              + " (docs/pipeline-yaml.md#columns)");
    } else {
      c.columns().forEach((name, cc) -> columns.add(column(name, cc, problems)));
    }
    Map<String, ColumnSpec> byName = new LinkedHashMap<>();
    for (ColumnSpec col : columns) {
      if (col != null) {
        byName.put(col.name(), col);
      }
    }
    List<String> primaryKey = c.primaryKey() == null ? List.of() : c.primaryKey();
    if (primaryKey.isEmpty()) {
      problems.add("key 'primary_key': the column(s) that identify a row, e.g. primary_key: [id]");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < primaryKey.size(); i++) {
      String k = primaryKey.get(i);
      String key = "primary_key" + (primaryKey.size() > 1 ? "[" + i + "]" : "");
      if (requireColumn(problems, key, k, byName) && !seen.add(k)) {
        problems.add("key '" + key + "': '" + k + "' is named twice");
      }
      requireNotNullable(problems, key, byName.get(k));
    }
    if (requireColumn(problems, "entity_key", c.entityKey(), byName)) {
      requireNotNullable(problems, "entity_key", byName.get(c.entityKey()));
    }
    if (requireColumn(problems, "event_time", c.eventTime(), byName)) {
      ColumnSpec t = byName.get(c.eventTime());
      requireNotNullable(problems, "event_time", t);
      if (!(t.type() instanceof ColumnType.Timestamp)) {
        problems.add(
            "key 'event_time': '"
                + c.eventTime()
                + "' is "
                + t.type().name()
                + "; the event time must be a timestamp column");
      }
    }
    return new DatasetSchema(
        c.dataset(),
        kind,
        List.copyOf(byName.values()),
        List.copyOf(primaryKey),
        c.entityKey(),
        c.eventTime(),
        bounds);
  }

  private static DatasetSchema.Kind kind(String kind, List<String> problems) {
    if (kind == null) {
      return DatasetSchema.Kind.FACTS;
    }
    try {
      return DatasetSchema.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add("key 'kind': facts, events or dimension, got '" + kind + "'");
      return DatasetSchema.Kind.FACTS;
    }
  }

  private static boolean requireColumn(
      List<String> problems, String key, String column, Map<String, ColumnSpec> columns) {
    if (column == null) {
      problems.add("key '" + key + "': required, a column declared under columns");
      return false;
    }
    if (!columns.containsKey(column)) {
      problems.add(
          "key '"
              + key
              + "': '"
              + column
              + "' is not a declared column (declared: "
              + columns.keySet()
              + ")");
      return false;
    }
    return true;
  }

  private static void requireNotNullable(List<String> problems, String key, ColumnSpec c) {
    if (c != null && c.nullable()) {
      problems.add(
          "key '"
              + key
              + "': '"
              + c.name()
              + "' may be empty; a key column needs nullable: false under columns."
              + c.name());
    }
  }

  /** One column; null (with problems) when its name cannot be used at all. */
  private static ColumnSpec column(String name, ColumnConfig cc, List<String> problems) {
    String key = "columns." + name;
    String nameProblem = columnNameProblem(name);
    if (nameProblem != null) {
      problems.add("key '" + key + "': " + nameProblem);
      return null;
    }
    if (cc == null) {
      problems.add("key '" + key + "': declare at least its type, e.g. {type: text}");
      return null;
    }
    CaseFold fold = caseFold(key, cc.caseFold(), problems);
    ColumnType type = type(key, cc, fold, problems);
    List<RowRule> rules = new ArrayList<>();
    requireNumeric(problems, key + ".min", cc.min());
    requireNumeric(problems, key + ".max", cc.max());
    if (cc.min() != null) {
      rules.add(new RowRule.Min(cc.min()));
    }
    if (cc.max() != null) {
      rules.add(new RowRule.Max(cc.max()));
    }
    if (Boolean.TRUE.equals(cc.positive())) {
      rules.add(new RowRule.Positive());
    }
    if (cc.in() != null) {
      requireValues(problems, key + ".in", cc.in(), fold);
      rules.add(new RowRule.In(present(cc.in())));
    }
    if (cc.pattern() != null) {
      if (cc.pattern().isBlank()) {
        problems.add("key '" + key + ".pattern': a regular expression (PostgreSQL syntax)");
      }
      rules.add(new RowRule.Pattern(cc.pattern()));
    }
    if (type != null) {
      for (RowRule r : rules) {
        if (!r.appliesTo(type.kind())) {
          problems.add(
              "key '"
                  + key
                  + "."
                  + r.key()
                  + "': applies to "
                  + (r.appliesTo(ColumnType.Kind.NUMBER) ? "numbers" : "text")
                  + ", and '"
                  + name
                  + "' is "
                  + type.name());
        }
      }
    }
    // a null reason is a problem below (Map.copyOf would throw on it)
    Map<String, String> reasons =
        cc.reasons() == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(cc.reasons()));
    reasons.forEach(
        (k, v) -> {
          if (!REASON_KEYS.contains(k)) {
            problems.add("key '" + key + ".reasons." + k + "': one of " + REASON_KEYS);
          } else if (v == null || !v.matches(IDENTIFIER)) {
            problems.add(
                "key '" + key + ".reasons." + k + "': a lower-case identifier, got '" + v + "'");
          }
        });
    if (cc.nullValues() != null) {
      for (String token : cc.nullValues()) {
        if (token == null) {
          problems.add("key '" + key + ".null_values': text tokens, such as \"NA\" or \"null\"");
        }
      }
    }
    return new ColumnSpec(
        name,
        type == null ? new ColumnType.Text() : type,
        cc.required() == null || cc.required(),
        cc.nullable() == null || cc.nullable(),
        cc.trim() == null || cc.trim(),
        fold,
        present(cc.nullValues()),
        List.copyOf(rules),
        reasons);
  }

  private static CaseFold caseFold(String key, String value, List<String> problems) {
    if (value == null) {
      return CaseFold.NONE;
    }
    return switch (value) {
      case "lower" -> CaseFold.LOWER;
      case "upper" -> CaseFold.UPPER;
      case "none" -> CaseFold.NONE;
      default -> {
        problems.add("key '" + key + ".case': lower, upper or none, got '" + value + "'");
        yield CaseFold.NONE;
      }
    };
  }

  private static ColumnType type(
      String key, ColumnConfig cc, CaseFold fold, List<String> problems) {
    String t = cc.type();
    if (t == null) {
      problems.add("key '" + key + ".type': required, one of " + ColumnType.NAMES);
      return null;
    }
    if (!"decimal".equals(t) && (cc.precision() != null || cc.scale() != null)) {
      problems.add("key '" + key + "': precision and scale are for decimal columns");
    }
    if (!"timestamp".equals(t) && cc.assumeZone() != null) {
      problems.add("key '" + key + ".assume_zone': is for timestamp columns");
    }
    if (!"enum".equals(t) && cc.values() != null) {
      problems.add("key '" + key + ".values': is for enum columns (a text column takes in: [...])");
    }
    return switch (t) {
      case "text" -> new ColumnType.Text();
      case "integer" -> new ColumnType.Int();
      case "bigint" -> new ColumnType.BigInt();
      case "double" -> new ColumnType.Float64();
      case "boolean" -> new ColumnType.Bool();
      case "date" -> new ColumnType.Day();
      case "decimal" -> decimal(key, cc, problems);
      case "timestamp" -> timestamp(key, cc, problems);
      case "enum" -> {
        if (cc.values() == null || cc.values().isEmpty()) {
          problems.add("key '" + key + ".values': an enum lists its values, e.g. [a, b]");
          yield null;
        }
        requireValues(problems, key + ".values", cc.values(), fold);
        yield new ColumnType.Enumerated(present(cc.values()));
      }
      default -> {
        problems.add("key '" + key + ".type': one of " + ColumnType.NAMES + ", got '" + t + "'");
        yield null;
      }
    };
  }

  private static ColumnType decimal(String key, ColumnConfig cc, List<String> problems) {
    Integer p = cc.precision();
    Integer s = cc.scale();
    if (p == null && s != null) {
      problems.add("key '" + key + ".scale': needs a precision too");
      return null;
    } else if (p != null && (p < 1 || p > 38)) {
      problems.add("key '" + key + ".precision': 1..38 digits, got " + p);
      return null;
    } else if (p != null && s != null && (s < 0 || s >= p)) {
      problems.add(
          "key '"
              + key
              + ".scale': 0.."
              + (p - 1)
              + " (fewer digits than the precision), got "
              + s);
      return null;
    }
    return new ColumnType.Decimal(p, p == null ? null : s == null ? 0 : s);
  }

  private static ColumnType timestamp(String key, ColumnConfig cc, List<String> problems) {
    if (cc.assumeZone() == null) {
      return new ColumnType.Timestamp(null);
    }
    try {
      return new ColumnType.Timestamp(ZoneId.of(cc.assumeZone()));
    } catch (DateTimeException e) {
      problems.add(
          "key '"
              + key
              + ".assume_zone': an IANA zone such as UTC or Europe/Berlin, got '"
              + cc.assumeZone()
              + "'");
      return null;
    }
  }

  /** Values compared after normalisation must be written as normalised, once each. */
  private static void requireValues(
      List<String> problems, String key, List<String> values, CaseFold fold) {
    if (values.isEmpty()) {
      problems.add("key '" + key + "': list at least one value");
      return;
    }
    Set<String> distinct = new HashSet<>();
    for (String v : values) {
      if (v == null || v.isEmpty()) {
        problems.add("key '" + key + "': an empty value can never match (empty text is null)");
        return;
      }
      String folded =
          switch (fold) {
            case LOWER -> v.toLowerCase(Locale.ROOT);
            case UPPER -> v.toUpperCase(Locale.ROOT);
            case NONE -> v;
          };
      if (!folded.equals(v)) {
        problems.add(
            "key '"
                + key
                + "': '"
                + v
                + "' can never match: values are compared after the column's case, write '"
                + folded
                + "'");
      }
      if (!distinct.add(v)) {
        problems.add("key '" + key + "': '" + v + "' is listed twice");
      }
    }
  }

  /** The list's elements but null ones (each already a problem); empty for no list. */
  private static List<String> present(List<String> values) {
    return values == null ? List.of() : values.stream().filter(java.util.Objects::nonNull).toList();
  }

  /** Bounds from the file's top-level limits (their defaults in {@code LoadedConfig}). */
  public static DatasetSchema.Bounds bounds(
      int maxTextLength, boolean allowInvisible, OffsetDateTime min, OffsetDateTime max) {
    return new DatasetSchema.Bounds(maxTextLength, allowInvisible, min, max);
  }
}
