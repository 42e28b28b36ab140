package io.sluice.activities.config;

import io.sluice.activities.config.FeaturesConfig.Aggregate;
import io.sluice.activities.config.FeaturesConfig.Filter;
import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.DatasetSchemas;
import io.sluice.activities.features.Aggregation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of the {@code features} block and of the label's name (a column of the exports too):
 * every name an identifier, every column one of the staged table's, every reference resolved. Each
 * complaint names its key.
 */
final class FeaturesCheck {

  private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,3})d");

  private FeaturesCheck() {}

  /** The days of a window such as {@code 30d}, or -1 when it is not one. */
  static int windowDays(String window) {
    Matcher m = window == null ? null : WINDOW.matcher(window);
    return m != null && m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * Checks the features, the label's name and the transforms; with {@code joined} null (a file read
   * as another dataset's join) its joins, derived features and transforms are not checked.
   */
  static void check(
      List<String> problems,
      PipelineConfig c,
      DatasetSchema schema,
      PipelineConfigLoader.Joined joined) {
    FeaturesConfig f = c.features();
    if (f == null) {
      problems.add("key 'features': required (population, filters, aggregates)");
      return;
    }
    Map<String, Filter> filters = f.filters() == null ? Map.of() : f.filters();
    filters.forEach(
        (name, filter) -> checkFilter(problems, "features.filters." + name, name, filter, schema));
    if (f.population() == null) {
      problems.add("key 'features.population': required (filter and window)");
    } else {
      checkFilterRef(problems, "features.population.filter", f.population().filter(), filters);
      checkWindow(problems, "features.population.window", f.population().window());
    }
    List<Aggregate> aggs = f.aggregates() == null ? List.of() : f.aggregates();
    if (aggs.isEmpty()) {
      problems.add("key 'features.aggregates': declare at least one feature");
    }
    Set<String> reserved = new HashSet<>(Set.of("feature_date"));
    if (c.entityKey() != null) {
      reserved.add(c.entityKey());
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < aggs.size(); i++) {
      Aggregate a = aggs.get(i);
      String key = "features.aggregates[" + i + "]";
      if (a == null) {
        problems.add("key '" + key + "': empty entry");
        continue;
      }
      int at = i;
      checkName(
          problems,
          key + ".name",
          a.name(),
          n -> reserved.contains(n) || index.putIfAbsent(n, at) != null);
      checkAggregate(problems, key, a, filters, index, schema);
    }
    Map<String, String> sqlColumns =
        f.sql() == null || f.sql().columns() == null ? Map.of() : f.sql().columns();
    if (f.sql() != null) {
      checkSql(problems, f.sql(), reserved, index);
    }
    // the exported features by name: numeric (true), text (false), or neither (null)
    Map<String, Boolean> exported = new java.util.LinkedHashMap<>();
    for (Aggregate a : aggs) {
      if (a != null && a.name() != null && !Boolean.FALSE.equals(a.export())) {
        exported.put(a.name(), kindOf(a, schema));
      }
    }
    sqlColumns.forEach((name, type) -> exported.put(name, sqlKind(type)));
    Set<String> taken = new HashSet<>(reserved);
    taken.addAll(index.keySet());
    taken.addAll(sqlColumns.keySet());
    if (joined != null) {
      checkJoins(problems, c, schema, joined, taken, exported);
      checkDerived(problems, f.derived(), taken, exported);
    }
    if (c.label() != null) {
      // a blank name is the loader's complaint ('label' needs a name)
      if (c.label().name() != null && !c.label().name().isBlank()) {
        checkName(problems, "label.name", c.label().name(), taken::contains);
        taken.add(c.label().name());
      }
      String from = c.label().dataset();
      if (from == null || from.equals(c.dataset())) {
        checkFilterRef(problems, "label.filter", c.label().filter(), filters);
      } else if (joined != null) {
        FeaturesConfig.Join j =
            f.joins() == null
                ? null
                : f.joins().stream()
                    .filter(x -> x != null && from.equals(x.dataset()))
                    .findFirst()
                    .orElse(null);
        LoadedConfig other = joined.configs().get(from);
        if (j == null || other == null || "dimension".equals(other.config().kind())) {
          problems.add(
              "key 'label.dataset': this dataset or a facts or events dataset joined under"
                  + " features.joins, got '"
                  + from
                  + "'");
        } else {
          checkFilterRef(
              problems,
              "label.filter",
              c.label().filter(),
              j.filters() == null ? Map.of() : j.filters());
        }
      }
    }
    if (c.transforms() != null && joined != null) {
      io.sluice.activities.transform.Transforms.check(problems, c.transforms(), exported, taken);
    }
  }

  private static Boolean kindOf(Aggregate a, DatasetSchema schema) {
    if (!Aggregation.KINDS.containsKey(a.agg())) {
      return null;
    }
    try {
      org.jooq.DataType<?> t = Aggregation.of(a).type(schema);
      return t.isNumeric() ? Boolean.TRUE : t.isString() ? Boolean.FALSE : null;
    } catch (RuntimeException e) {
      return null; // an aggregate over an undeclared column: its own complaint is already there
    }
  }

  private static Boolean sqlKind(String type) {
    if ("text".equals(type)) {
      return false;
    }
    return type != null && Set.of("integer", "bigint", "numeric", "double precision").contains(type)
        ? Boolean.TRUE
        : null;
  }

  /**
   * Each join names another dataset once, a key column of the entity's type, and a dimension's
   * attributes or a facts or events dataset's aggregates (with their own filters).
   */
  private static void checkJoins(
      List<String> problems,
      PipelineConfig c,
      DatasetSchema schema,
      PipelineConfigLoader.Joined joined,
      Set<String> taken,
      Map<String, Boolean> exported) {
    List<FeaturesConfig.Join> joins = c.features().joins();
    if (joins == null) {
      return;
    }
    Set<String> datasets = new HashSet<>();
    ColumnSpec entity = c.entityKey() == null ? null : schema.column(c.entityKey());
    for (int i = 0; i < joins.size(); i++) {
      String key = "features.joins[" + i + "]";
      FeaturesConfig.Join j = joins.get(i);
      if (j == null || j.dataset() == null) {
        problems.add("key '" + key + ".dataset': required, the dataset to join");
        continue;
      }
      if (j.dataset().equals(c.dataset()) || !datasets.add(j.dataset())) {
        problems.add(
            "key '"
                + key
                + ".dataset': '"
                + j.dataset()
                + "' is this dataset or joined above; join each other dataset once");
        continue;
      }
      LoadedConfig other = joined.configs().get(j.dataset());
      if (other == null) {
        problems.add(
            "key '"
                + key
                + ".dataset': cannot read dataset '"
                + j.dataset()
                + "': "
                + joined.problems().getOrDefault(j.dataset(), "not a dataset name"));
        continue;
      }
      DatasetSchema theirs = other.schema();
      String keyColumn = j.key() != null ? j.key() : other.config().entityKey();
      ColumnSpec k = keyColumn == null ? null : theirs.column(keyColumn);
      if (k == null) {
        problems.add(
            "key '"
                + key
                + ".key': one of "
                + j.dataset()
                + "'s columns "
                + theirs.names()
                + ", got '"
                + keyColumn
                + "'");
      } else if (entity != null && !k.type().staged().equals(entity.type().staged())) {
        problems.add(
            "key '"
                + key
                + ".key': "
                + j.dataset()
                + "."
                + keyColumn
                + " is "
                + k.type().staged().getCastTypeName()
                + ", the entity "
                + c.entityKey()
                + " is "
                + entity.type().staged().getCastTypeName());
      }
      boolean dimension = "dimension".equals(other.config().kind());
      List<String> attributes = j.attributes() == null ? List.of() : j.attributes();
      List<Aggregate> aggs = j.aggregates() == null ? List.of() : j.aggregates();
      if (dimension) {
        if (attributes.isEmpty() || !aggs.isEmpty() || j.filters() != null) {
          problems.add(
              "key '"
                  + key
                  + "': "
                  + j.dataset()
                  + " is a dimension: join its attributes (a list of its columns), not"
                  + " aggregates");
        }
        for (int a = 0; a < attributes.size(); a++) {
          String name = attributes.get(a);
          String ak = key + ".attributes[" + a + "]";
          ColumnSpec col = name == null ? null : theirs.column(name);
          if (col == null) {
            problems.add(
                "key '"
                    + ak
                    + "': one of "
                    + j.dataset()
                    + "'s columns "
                    + theirs.names()
                    + ", got '"
                    + name
                    + "'");
            continue;
          }
          checkName(problems, ak, name, n -> !taken.add(n));
          org.jooq.DataType<?> t = col.type().staged();
          exported.put(name, t.isNumeric() ? Boolean.TRUE : t.isString() ? Boolean.FALSE : null);
        }
        continue;
      }
      if (aggs.isEmpty() || !attributes.isEmpty()) {
        problems.add(
            "key '"
                + key
                + "': "
                + j.dataset()
                + " is "
                + (other.config().kind() == null ? "facts" : other.config().kind())
                + ": join aggregates over its rows (attributes are a dimension's)");
      }
      Map<String, Filter> filters = j.filters() == null ? Map.of() : j.filters();
      filters.forEach(
          (name, filter) -> checkFilter(problems, key + ".filters." + name, name, filter, theirs));
      Map<String, Integer> index = new HashMap<>();
      for (int a = 0; a < aggs.size(); a++) {
        Aggregate agg = aggs.get(a);
        String ak = key + ".aggregates[" + a + "]";
        if (agg == null) {
          problems.add("key '" + ak + "': empty entry");
          continue;
        }
        int at = a;
        checkName(
            problems,
            ak + ".name",
            agg.name(),
            n -> taken.contains(n) || index.putIfAbsent(n, at) != null);
        checkAggregate(problems, ak, agg, filters, index, theirs);
        if (agg.name() != null && !Boolean.FALSE.equals(agg.export())) {
          exported.put(agg.name(), kindOf(agg, theirs));
        }
      }
      taken.addAll(index.keySet());
    }
  }

  /** Derived features: ops over numeric features declared above, optionally bounded. */
  private static void checkDerived(
      List<String> problems,
      List<FeaturesConfig.Derived> derived,
      Set<String> taken,
      Map<String, Boolean> exported) {
    if (derived == null) {
      return;
    }
    for (int i = 0; i < derived.size(); i++) {
      String key = "features.derived[" + i + "]";
      FeaturesConfig.Derived d = derived.get(i);
      if (d == null) {
        problems.add("key '" + key + "': empty entry");
        continue;
      }
      if (!DERIVED_OPS.contains(String.valueOf(d.op()))) {
        problems.add("key '" + key + ".op': one of " + DERIVED_OPS + ", got '" + d.op() + "'");
      }
      for (String side : List.of("left", "right")) {
        String ref = side.equals("left") ? d.left() : d.right();
        if (!Boolean.TRUE.equals(exported.get(ref))) {
          problems.add(
              "key '"
                  + key
                  + "."
                  + side
                  + "': the name of a numeric feature declared above it, got '"
                  + ref
                  + "'");
        }
      }
      DatasetSchemas.requireNumeric(problems, key + ".min", d.min());
      DatasetSchemas.requireNumeric(problems, key + ".max", d.max());
      if (d.min() != null && d.max() != null && d.min().compareTo(d.max()) > 0) {
        problems.add("key '" + key + "': min must not be above max");
      }
      checkName(problems, key + ".name", d.name(), n -> !taken.add(n));
      if (d.name() != null) {
        exported.put(d.name(), Boolean.TRUE);
      }
    }
  }

  /** The operations of a derived feature. */
  public static final List<String> DERIVED_OPS = List.of("ratio", "difference", "product", "sum");

  /**
   * A column of the exports is named by a lower-case identifier that is not a scaled column's name
   * and not {@code taken} already; otherwise the complaint goes to {@code key}.
   */
  private static void checkName(
      List<String> problems, String key, String name, Predicate<String> taken) {
    if (name == null || !name.matches(DatasetSchemas.IDENTIFIER)) {
      problems.add(
          "key '" + key + "': a lower-case identifier ([a-z][a-z0-9_]*), got '" + name + "'");
    } else if (DatasetSchemas.isKeyWord(name)) {
      problems.add(DatasetSchemas.keyWord(key, name));
    } else if (name.endsWith("_scaled")) {
      problems.add("key '" + key + "': names ending in _scaled are the exports' scaled columns");
    } else if (taken.test(name)) {
      problems.add("key '" + key + "': '" + name + "' is already a column");
    }
  }

  /** The SQL types a hand-written SQL feature may declare. */
  public static final Set<String> SQL_TYPES =
      Set.of(
          "integer",
          "bigint",
          "numeric",
          "double precision",
          "boolean",
          "text",
          "date",
          "timestamptz");

  private static void checkSql(
      List<String> problems,
      FeaturesConfig.SqlFeatures sql,
      Set<String> reserved,
      Map<String, Integer> aggregates) {
    if (sql.file() == null || sql.file().isBlank()) {
      problems.add("key 'features.sql.file': the .sql file, relative to the pipelines directory");
    }
    checkWindow(problems, "features.sql.window", sql.window());
    if (sql.columns() == null || sql.columns().isEmpty()) {
      problems.add(
          "key 'features.sql.columns': declare the columns the SELECT returns, with types");
      return;
    }
    sql.columns()
        .forEach(
            (name, type) -> {
              String key = "features.sql.columns." + name;
              if (!name.matches(DatasetSchemas.IDENTIFIER) || name.endsWith("_scaled")) {
                problems.add("key '" + key + "': a lower-case identifier not ending in _scaled");
              } else if (DatasetSchemas.isKeyWord(name)) {
                problems.add(DatasetSchemas.keyWord(key, name));
              } else if (reserved.contains(name) || aggregates.containsKey(name)) {
                problems.add("key '" + key + "': '" + name + "' is already a column");
              }
              if (type == null || !SQL_TYPES.contains(type)) {
                problems.add("key '" + key + "': one of " + SQL_TYPES + ", got '" + type + "'");
              }
            });
  }

  private static void checkAggregate(
      List<String> problems,
      String key,
      Aggregate a,
      Map<String, Filter> filters,
      Map<String, Integer> earlier,
      DatasetSchema schema) {
    if (a.agg() == null || !Aggregation.KINDS.containsKey(a.agg())) {
      problems.add(
          "key '"
              + key
              + ".agg': one of "
              + Aggregation.KINDS.keySet()
              + ", got '"
              + a.agg()
              + "'");
      return;
    }
    Aggregation.of(a)
        .check(
            key,
            new Aggregation.Checks() {
              public void problem(String message) {
                problems.add(message);
              }

              public void window(String k, String window) {
                checkWindow(problems, k, window);
              }

              public void filterRef(String k, String filter) {
                checkFilterRef(problems, k, filter, filters);
              }

              public ColumnType.Kind column(String k, String column) {
                return stagedColumn(problems, k, column, schema);
              }

              public boolean declaredAbove(String name) {
                return earlier.containsKey(name);
              }
            });
  }

  private static void checkFilter(
      List<String> problems, String key, String name, Filter f, DatasetSchema schema) {
    if (!name.matches(DatasetSchemas.IDENTIFIER)) {
      problems.add("key '" + key + "': filter names are lower-case identifiers");
    } else if (DatasetSchemas.isKeyWord(name)) {
      problems.add(DatasetSchemas.keyWord(key, name));
    }
    if (f == null) {
      problems.add("key '" + key + "': empty filter");
      return;
    }
    ColumnType.Kind kind = stagedColumn(problems, key, f.column(), schema);
    if (kind == null) {
      return;
    }
    boolean hasIn = f.in() != null && !f.in().isEmpty();
    boolean hasRange = f.min() != null || f.max() != null;
    if (hasIn && f.in().contains(null)) {
      problems.add("key '" + key + ".in': text values; a null can never match");
    }
    DatasetSchemas.requireNumeric(problems, key + ".min", f.min());
    DatasetSchemas.requireNumeric(problems, key + ".max", f.max());
    if (hasIn == hasRange) {
      problems.add("key '" + key + "': give either in (a list of values) or min and/or max");
    } else if (hasRange && kind != ColumnType.Kind.NUMBER) {
      problems.add(
          "key '" + key + "': min and max need a numeric column, '" + f.column() + "' is " + kind);
    } else if (hasIn && kind != ColumnType.Kind.TEXT) {
      problems.add("key '" + key + "': in needs a text column, '" + f.column() + "' is " + kind);
    }
  }

  /** The kind of a staged column, or null after recording the complaint. */
  private static ColumnType.Kind stagedColumn(
      List<String> problems, String key, String column, DatasetSchema schema) {
    ColumnSpec c = column == null ? null : schema.column(column);
    if (c == null) {
      problems.add(
          "key '"
              + key
              + ".column': one of the declared columns "
              + schema.names()
              + ", got '"
              + column
              + "'");
      return null;
    }
    return c.type().kind();
  }

  private static void checkFilterRef(
      List<String> problems, String key, String ref, Map<String, Filter> filters) {
    if (ref == null || !filters.containsKey(ref)) {
      problems.add(
          "key '"
              + key
              + "': the name of a filter in features.filters "
              + new HashSet<>(filters.keySet())
              + ", got '"
              + ref
              + "'");
    }
  }

  private static void checkWindow(List<String> problems, String key, String window) {
    if (windowDays(window) < 1) {
      problems.add(
          "key '" + key + "': a number of days such as 7d (1d to 9999d), got '" + window + "'");
    }
  }
}
