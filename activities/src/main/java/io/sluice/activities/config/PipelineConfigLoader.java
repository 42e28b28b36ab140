package io.sluice.activities.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.DatasetSchemas;
import io.sluice.activities.support.Hashing;
import io.sluice.activities.validate.Expectation;
import io.sluice.workflows.Partitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Reads and checks {@code pipelines/<dataset>.yaml}; every complaint names the key. */
public final class PipelineConfigLoader {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // primary_key: order_id reads as a key of one column
          .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  private static final ObjectMapper CANONICAL =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Path pipelinesDir;

  public PipelineConfigLoader(Path pipelinesDir) {
    this.pipelinesDir = pipelinesDir;
  }

  /**
   * Loads the config of {@code dataset}; throws {@link BadConfigException} naming the key. A file
   * that reads the same as at its last load (and names a SQL file that does too) gives the same
   * {@link LoadedConfig} without being parsed and checked again, since every activity (and the
   * ledger after it) loads its dataset's config
   * (docs/adr/0013-pipeline-files-are-loaded-once-per-content.md). An edit applies to the next
   * load. The instance is shared; nothing may change it.
   */
  public LoadedConfig load(String dataset) {
    return load(dataset, true);
  }

  /**
   * {@link #load}, or with {@code withJoins} false, the file read for its schema as another
   * dataset's join: checked but for its own joins, derived features and transforms, which a join
   * does not read (so that two datasets may join each other).
   */
  private LoadedConfig load(String dataset, boolean withJoins) {
    Partitions.requireDataset(dataset);
    Path file = pipelinesDir.resolve(dataset + ".yaml");
    Path featureSet = pipelinesDir.resolve(FEATURE_SETS_DIR).resolve(dataset + ".yaml");
    if (withJoins && !Files.exists(file) && Files.exists(featureSet)) {
      return loadFeatureSet(dataset, featureSet);
    }
    String where = file.toString();
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new BadConfigException(
          where
              + ": no pipeline config for dataset '"
              + dataset
              + "' (looked in "
              + pipelinesDir
              + "; set SLUICE_PIPELINES_DIR to point elsewhere)");
    } catch (IOException e) {
      throw new BadConfigException(where + ": cannot be read: " + e.getMessage(), e);
    }
    Map<Path, Loaded> cache = withJoins ? LAST : LAST_FOR_JOINS;
    Loaded last = cache.get(file);
    if (last != null && last.readsTheSame(yaml)) {
      return last.config();
    }
    PipelineConfig config = parse(where, yaml, PipelineConfig.class);
    Joined joined = withJoins ? joined(config) : null;
    DatasetSchema schema = check(where, dataset, config, pipelinesDir, joined);
    PipelineConfig checked = config;
    SqlFile sql = featuresSql(where, checked);
    String hash = hash(checked);
    Map<String, LoadedConfig> joins =
        joined == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(joined.configs()));
    LoadedConfig loaded =
        sql == null
            ? new LoadedConfig(checked, file, hash, null, schema, joins)
            : new LoadedConfig(
                checked,
                file,
                Hashing.sha256Hex(hash + "\n" + sql.query()),
                sql.query(),
                schema,
                joins);
    Map<Path, String> joinedYaml = new java.util.HashMap<>();
    for (LoadedConfig j : joins.values()) {
      try {
        joinedYaml.put(j.file(), Files.readString(j.file()));
      } catch (IOException e) {
        // not cached on it: the next load reads it again and says what is wrong
        return loaded;
      }
    }
    cache.put(file, new Loaded(yaml, sql, loaded, Map.copyOf(joinedYaml)));
    return loaded;
  }

  /**
   * {@code yaml} read as {@code type}, refusing what the file does not say plainly ({@link
   * StrictYaml}); throws naming the key, the line and the column.
   */
  private static <T> T parse(String where, String yaml, Class<T> type) {
    StrictYaml written = StrictYaml.read(where, yaml);
    T config;
    try {
      config = YAML.readValue(yaml, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BadConfigException(
          where
              + ": unknown key '"
              + path(e)
              + "'"
              + at(written, e)
              + "; known keys here: "
              + e.getKnownPropertyIds()
              + retired(path(e)),
          e);
    } catch (JsonMappingException e) {
      throw new BadConfigException(
          where + ": bad value for key '" + path(e) + "'" + at(e) + ": " + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException e) {
      throw new BadConfigException(
          where + ": not valid YAML" + at(e) + ": " + e.getOriginalMessage(), e);
    }
    if (config == null) {
      throw new BadConfigException(where + ": the file is empty");
    }
    return config;
  }

  /**
   * The datasets a file's features join: their configs by name, and for each that cannot be loaded
   * why (the join's check says it).
   */
  record Joined(Map<String, LoadedConfig> configs, Map<String, String> problems) {}

  private Joined joined(PipelineConfig config) {
    Joined joined = new Joined(new java.util.LinkedHashMap<>(), new java.util.HashMap<>());
    if (config.features() == null || config.features().joins() == null) {
      return joined;
    }
    for (FeaturesConfig.Join j : config.features().joins()) {
      if (j == null || j.dataset() == null || !DatasetSchemas.isPlainName(j.dataset())) {
        continue;
      }
      try {
        joined.configs().put(j.dataset(), load(j.dataset(), false));
      } catch (BadConfigException | IllegalArgumentException e) {
        joined.problems().put(j.dataset(), e.getMessage());
      }
    }
    return joined;
  }

  /**
   * Loads {@code <name>.yaml}, a file found in the pipelines directory (as {@code sluice migrate}
   * finds them): a file whose name is no dataset name is refused as a mistake in that file, since
   * its {@code dataset} must be its name.
   */
  public LoadedConfig loadFound(String name) {
    try {
      Partitions.requireDataset(name);
    } catch (IllegalArgumentException e) {
      throw new BadConfigException(
          pipelinesDir.resolve(name + ".yaml")
              + ": key 'dataset': must be the file's name, and '"
              + name
              + "' is no dataset name: use lower-case letters, digits and '_', starting with a"
              + " letter (e.g. orders), and name the file <dataset>.yaml");
    }
    return load(name);
  }

  /** Keys earlier versions read, and what replaced them. */
  private static final Map<String, String> RETIRED =
      Map.of(
          "required_columns", "the columns declared under columns (required: true by default)",
          "numeric_columns", "the columns declared under columns with a numeric type",
          "categories", "an enum column's values (or an in: rule) under columns",
          "statuses", "an enum column's values (or an in: rule) under columns");

  private static String retired(String key) {
    String instead = RETIRED.get(key);
    if (key.endsWith(".values_from")) {
      instead = "in_set without values: the column's declared values";
    }
    return instead == null
        ? ""
        : ". '" + key + "' was replaced by " + instead + " (docs/pipeline-yaml.md#columns)";
  }

  /** The last config loaded from each file, with the text it was loaded from. */
  private static final Map<Path, Loaded> LAST = new ConcurrentHashMap<>();

  /** The same, of files loaded as another dataset's join. */
  private static final Map<Path, Loaded> LAST_FOR_JOINS = new ConcurrentHashMap<>();

  private record Loaded(
      String yaml, SqlFile sql, LoadedConfig config, Map<Path, String> joinedYaml) {

    boolean readsTheSame(String yamlNow) {
      if (!yaml.equals(yamlNow)) {
        return false;
      }
      for (Map.Entry<Path, String> j : joinedYaml.entrySet()) {
        try {
          if (!j.getValue().equals(Files.readString(j.getKey()))) {
            return false;
          }
        } catch (IOException e) {
          return false;
        }
      }
      if (sql == null) {
        return true;
      }
      try {
        return Files.size(sql.file()) <= MAX_SQL_BYTES
            && sql.text().equals(Files.readString(sql.file()));
      } catch (IOException e) {
        return false; // the full load says what is wrong with it
      }
    }
  }

  /** A SQL features file: where, its text as read, and the query left once checked. */
  private record SqlFile(Path file, String text, String query) {}

  /** Longest SQL features file read: a query, not a data file. */
  static final int MAX_SQL_BYTES = 1 << 20;

  /** The hand-written SQL features file, checked; null when the config names none. */
  private SqlFile featuresSql(String where, PipelineConfig c) {
    FeaturesConfig.SqlFeatures sql = c.features() == null ? null : c.features().sql();
    if (sql == null) {
      return null;
    }
    Path root = pipelinesDir.toAbsolutePath().normalize();
    Path file = root.resolve(sql.file()).normalize();
    String key = where + ": key 'features.sql.file': ";
    if (!file.startsWith(root) || !sql.file().endsWith(".sql")) {
      throw new BadConfigException(
          key + "a .sql file inside " + root + ", got '" + sql.file() + "'");
    }
    String text;
    try {
      // the path as written stays inside; a symbolic link on it must too
      Path real = io.sluice.activities.support.RealPaths.of(file);
      if (!real.startsWith(io.sluice.activities.support.RealPaths.of(root))) {
        throw new BadConfigException(
            key
                + "a .sql file inside "
                + root
                + ", got '"
                + sql.file()
                + "', a symbolic link to "
                + real
                + "; copy the file into "
                + root);
      }
      if (Files.size(real) > MAX_SQL_BYTES) {
        throw new BadConfigException(key + file + " is larger than " + MAX_SQL_BYTES + " bytes");
      }
      text = Files.readString(real);
    } catch (NoSuchFileException e) {
      throw new BadConfigException(key + file + " does not exist");
    } catch (IOException e) {
      throw new BadConfigException(key + file + " cannot be read: " + e.getMessage(), e);
    }
    // Comments go (they change nothing, as in the YAML); what is left must be one SELECT.
    String body = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\n]*", "").strip();
    if (body.endsWith(";")) {
      body = body.substring(0, body.length() - 1).strip();
    }
    String start = body.toLowerCase(Locale.ROOT);
    if (!(start.startsWith("select") || start.startsWith("with"))) {
      throw new BadConfigException(key + file + ": must hold one SELECT (or WITH ... SELECT)");
    }
    if (body.contains(";")) {
      throw new BadConfigException(
          key + file + ": must hold one statement; it has a ';' before its end");
    }
    return new SqlFile(file, text, body);
  }

  static String hash(PipelineConfig config) {
    try {
      return Hashing.sha256Hex(CANONICAL.writeValueAsString(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("config cannot be serialised for hashing", e);
    }
  }

  /** Checks the file; returns the dataset's schema, or throws naming every wrong key. */
  private static DatasetSchema check(
      String where, String dataset, PipelineConfig c, Path pipelinesDir, Joined joined) {
    List<String> problems = new ArrayList<>();
    if (!dataset.equals(c.dataset())) {
      Path other =
          c.dataset() == null || !DatasetSchemas.isPlainName(c.dataset())
              ? null
              : pipelinesDir.resolve(c.dataset() + ".yaml");
      problems.add(
          other != null && Files.exists(other)
              ? "key 'dataset': two files declare dataset '"
                  + c.dataset()
                  + "', this one and "
                  + other
                  + "; a dataset is declared once, in the file named after it: remove this one"
                  + " or name the dataset it declares '"
                  + dataset
                  + "'"
              : "key 'dataset': is '"
                  + c.dataset()
                  + "' but the file is for '"
                  + dataset
                  + "' (a dataset is declared in the file named after it)");
    }
    if (c.source() == null || blank(c.source().path())) {
      problems.add("key 'source.path': required, e.g. raw/{date}");
    } else if (!c.source().path().contains("{date}")) {
      problems.add("key 'source.path': must contain {date}, got '" + c.source().path() + "'");
    } else if (c.source().path().startsWith("/") || c.source().path().contains("..")) {
      problems.add("key 'source.path': must be relative to the data root without '..'");
    }
    if (c.source() != null
        && c.source().lateDays() != null
        && (c.source().lateDays() < 0 || c.source().lateDays() > 90)) {
      problems.add("key 'source.late_days': 0..90 days, got " + c.source().lateDays());
    }
    if (c.source() != null
        && !blank(c.source().files())
        && !c.source().files().matches("[A-Za-z0-9_.*?{},-]+")) {
      problems.add(
          "key 'source.files': a simple glob such as *.csv, got '" + c.source().files() + "'");
    }
    DatasetSchema.Bounds bounds = checkLimits(problems, c);
    DatasetSchema schema = DatasetSchemas.read(c, bounds, problems);
    if (schema.requiredColumns().isEmpty() && c.columns() != null && !c.columns().isEmpty()) {
      problems.add(
          "key 'columns': at least one column must be required (a file's header must carry it)");
    }
    List<ExpectationConfig> expectations = c.expectations() == null ? List.of() : c.expectations();
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < expectations.size(); i++) {
      checkExpectation(problems, "expectations[" + i + "]", expectations.get(i), schema, names);
    }
    if (c.features() == null) {
      // a dataset without features is ingested, validated and staged only
      Map<String, Object> needFeatures = new java.util.LinkedHashMap<>();
      needFeatures.put("label", c.label());
      needFeatures.put("split", c.split());
      needFeatures.put("transforms", c.transforms());
      for (String key : needFeatures.keySet()) {
        if (needFeatures.get(key) != null) {
          problems.add(
              "key '"
                  + key
                  + "': needs features ("
                  + ("transforms".equals(key)
                      ? "transforms apply to them"
                      : "a " + key + " is computed with them")
                  + "); declare features, label and split together, or"
                  + " none of them");
        }
      }
    } else {
      checkFeatureSet(problems, c, schema, joined);
    }
    if (!problems.isEmpty()) {
      throw new BadConfigException(where + ": " + String.join("; ", problems));
    }
    return schema;
  }

  /** The checks of the features, label, split and transforms a file declares. */
  private static void checkFeatureSet(
      List<String> problems, PipelineConfig c, DatasetSchema schema, Joined joined) {
    if (c.label() == null || blank(c.label().name()) || c.label().horizonDays() == null) {
      problems.add("key 'label': needs name and horizon_days");
    } else if (c.label().horizonDays() < 1 || c.label().horizonDays() > 365) {
      problems.add("key 'label.horizon_days': between 1 and 365, got " + c.label().horizonDays());
    }
    FeaturesCheck.check(problems, c, schema, joined);
    checkSplit(problems, c);
  }

  /** Where feature set files are: {@code features/} in the pipelines directory. */
  public static final String FEATURE_SETS_DIR = "features";

  /**
   * Loads the feature set file {@code pipelines/features/<name>.yaml}: its dataset's config (read
   * as a join reads it) with the file's features, label, split and transforms, checked as a
   * pipeline file's; the config hash covers both files.
   */
  private LoadedConfig loadFeatureSet(String name, Path file) {
    String where = file.toString();
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new BadConfigException(where + ": cannot be read: " + e.getMessage(), e);
    }
    Loaded last = LAST.get(file);
    if (last != null && last.readsTheSame(yaml)) {
      return last.config();
    }
    FeatureSetFile f = parse(where, yaml, FeatureSetFile.class);
    List<String> problems = new ArrayList<>();
    if (!name.equals(f.featureSet())) {
      problems.add(
          "key 'feature_set': is '"
              + f.featureSet()
              + "' but the file is for '"
              + name
              + "'; a feature set is declared in the file named after it");
    }
    if (Files.exists(pipelinesDir.resolve(name + ".yaml"))) {
      problems.add(
          "key 'feature_set': '"
              + name
              + "' is also a dataset ("
              + pipelinesDir.resolve(name + ".yaml")
              + "); datasets and feature sets share their names: name it otherwise");
    }
    LoadedConfig anchor = null;
    if (f.dataset() == null || !DatasetSchemas.isPlainName(f.dataset())) {
      problems.add(
          "key 'dataset': the dataset whose entity it describes, got '" + f.dataset() + "'");
    } else {
      try {
        anchor = load(f.dataset(), false);
      } catch (BadConfigException | IllegalArgumentException e) {
        problems.add("key 'dataset': cannot read dataset '" + f.dataset() + "': " + e.getMessage());
      }
    }
    if (f.features() == null) {
      problems.add("key 'features': required (population, filters, aggregates)");
    }
    if (!problems.isEmpty() || anchor == null) {
      throw new BadConfigException(where + ": " + String.join("; ", problems));
    }
    PipelineConfig combined = anchor.config().withFeatureSet(f);
    Joined joined = joined(combined);
    checkFeatureSet(problems, combined, anchor.schema(), joined);
    if (!problems.isEmpty()) {
      throw new BadConfigException(where + ": " + String.join("; ", problems));
    }
    SqlFile sql = featuresSql(where, combined);
    String hash =
        Hashing.sha256Hex(
            hash(combined) + "\nfeature_set " + name + (sql == null ? "" : "\n" + sql.query()));
    Map<String, LoadedConfig> joins =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(joined.configs()));
    LoadedConfig loaded =
        new LoadedConfig(
            combined, file, hash, sql == null ? null : sql.query(), anchor.schema(), joins, name);
    Map<Path, String> read = new java.util.HashMap<>();
    try {
      read.put(anchor.file(), Files.readString(anchor.file()));
      for (LoadedConfig j : joins.values()) {
        read.put(j.file(), Files.readString(j.file()));
      }
    } catch (IOException e) {
      return loaded; // not cached: the next load reads them again and says what is wrong
    }
    LAST.put(file, new Loaded(yaml, sql, loaded, Map.copyOf(read)));
    return loaded;
  }

  /** The names of the feature set files of the pipelines directory, sorted. */
  public List<String> featureSets() {
    return yamlNames(pipelinesDir.resolve(FEATURE_SETS_DIR));
  }

  /** The names of the {@code *.yaml} files of {@code dir}, sorted; none when it does not exist. */
  public static List<String> yamlNames(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list the directory " + dir, e);
    }
  }

  private static void checkExpectation(
      List<String> problems,
      String key,
      ExpectationConfig e,
      DatasetSchema schema,
      Set<String> names) {
    if (e == null) {
      problems.add("key '" + key + "': empty entry");
      return;
    }
    if (blank(e.name())) {
      problems.add("key '" + key + ".name': required");
    } else if (!e.name().matches(DatasetSchemas.IDENTIFIER)) {
      problems.add("key '" + key + ".name': lower-case identifier, got '" + e.name() + "'");
    } else if (DatasetSchemas.isKeyWord(e.name())) {
      problems.add(DatasetSchemas.keyWord(key + ".name", e.name()));
    } else if (!names.add(e.name())) {
      problems.add("key '" + key + ".name': '" + e.name() + "' is used twice");
    }
    if (e.type() == null || !Expectation.KINDS.containsKey(e.type())) {
      problems.add(
          "key '"
              + key
              + ".type': one of "
              + Expectation.KINDS.keySet()
              + ", got '"
              + e.type()
              + "'");
      return;
    }
    if (!"error".equals(e.severity()) && !"warn".equals(e.severity())) {
      problems.add("key '" + key + ".severity': error or warn, got '" + e.severity() + "'");
    }
    // written so that a NaN, which fails every comparison, is refused too
    if (e.mostly() != null && !(e.mostly() > 0 && e.mostly() <= 1)) {
      problems.add("key '" + key + ".mostly': a fraction in (0, 1], got " + e.mostly());
    }
    Expectation kind = Expectation.of(e);
    if (kind.checksAColumn()) {
      requireColumn(problems, key + ".column", e.column(), schema);
    }
    DatasetSchemas.requireNumeric(problems, key + ".min", e.min());
    DatasetSchemas.requireNumeric(problems, key + ".max", e.max());
    kind.check(key, schema, problems);
  }

  /** Whether {@code pointer} is a JSON pointer to a value below the root, such as /a/b. */
  public static boolean validPointer(String pointer) {
    if (!pointer.startsWith("/") || pointer.length() < 2) {
      return false;
    }
    try {
      com.fasterxml.jackson.core.JsonPointer.compile(pointer);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The keys that bound what a file or a value may be; the bounds (defaults when wrong). */
  private static DatasetSchema.Bounds checkLimits(List<String> problems, PipelineConfig c) {
    PipelineConfig.Source s = c.source();
    if (s != null) {
      if (s.changeDetection() != null
          && !Set.of("metadata", "content").contains(s.changeDetection())) {
        problems.add(
            "key 'source.change_detection': metadata or content, got '"
                + s.changeDetection()
                + "'");
      }
      if (s.maxDecompressedSize() != null) {
        try {
          if (LoadedConfig.bytes(s.maxDecompressedSize()) < 1 << 20) {
            problems.add("key 'source.max_decompressed_size': at least 1MiB");
          }
        } catch (NumberFormatException | ArithmeticException e) {
          problems.add(
              "key 'source.max_decompressed_size': a size such as 16GiB or 500MB, got '"
                  + s.maxDecompressedSize()
                  + "'");
        }
      }
      if (s.maxCompressionRatio() != null && s.maxCompressionRatio() < 2) {
        problems.add(
            "key 'source.max_compression_ratio': at least 2, got " + s.maxCompressionRatio());
      }
      io.sluice.activities.source.Pulls.check(s, problems);
      if (s.format() != null && FileFormat.named(s.format()) == null) {
        problems.add("key 'source.format': csv, jsonl or parquet, got '" + s.format() + "'");
      }
    }
    if (c.columns() != null) {
      c.columns()
          .forEach(
              (name, col) -> {
                String pointer = col == null ? null : col.jsonPointer();
                if (pointer != null && !validPointer(pointer)) {
                  problems.add(
                      "key 'columns."
                          + name
                          + ".json_pointer': a JSON pointer such as /customer/id, got '"
                          + pointer
                          + "'");
                }
              });
    }
    if (c.maxTextLength() != null
        && (c.maxTextLength() < 1 || c.maxTextLength() > MAX_TEXT_LENGTH)) {
      problems.add(
          "key 'max_text_length': 1.."
              + MAX_TEXT_LENGTH
              + " characters (a longer key would not fit an index entry), got "
              + c.maxTextLength());
    }
    try {
      DatasetSchema.Bounds bounds = LoadedConfig.bounds(c);
      if (!bounds.eventMin().isBefore(bounds.eventMax())) {
        problems.add("key 'event_time_bounds': min must be before max");
      }
      return bounds;
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(
          "key 'event_time_bounds': min and max are dates (2024-01-31) or instants with a zone"
              + " (2024-01-31T00:00:00Z): "
              + e.getParsedString());
      return new DatasetSchema.Bounds(256, false, null, null);
    }
  }

  /** 600 characters of up to 4 UTF-8 bytes stay under PostgreSQL's btree entry limit. */
  static final int MAX_TEXT_LENGTH = 600;

  private static void checkSplit(List<String> problems, PipelineConfig c) {
    var s = c.split();
    if (s == null || s.train() == null || s.val() == null || s.test() == null) {
      problems.add("key 'split': needs train, val and test fractions");
      return;
    }
    for (var f : List.of(s.train(), s.val(), s.test())) {
      if (!(f >= 0 && f <= 1)) { // a NaN too
        problems.add("key 'split': fractions must be within [0, 1], got " + f);
        return;
      }
    }
    if (Math.abs(s.train() + s.val() + s.test() - 1.0) > 1e-9) {
      problems.add(
          "key 'split': train + val + test must be 1.0, got " + (s.train() + s.val() + s.test()));
    }
    if (s.embargoDays() != null
        && c.label() != null
        && c.label().horizonDays() != null
        && s.embargoDays() < c.label().horizonDays()) {
      problems.add(
          "key 'split.embargo_days': must be at least the label horizon ("
              + c.label().horizonDays()
              + ") or labels leak across splits");
    }
  }

  private static void requireColumn(
      List<String> problems, String key, String column, DatasetSchema schema) {
    if (column == null || schema.column(column) == null) {
      problems.add(
          "key '" + key + "': unknown column '" + column + "' (declared: " + schema.names() + ")");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String path(JsonMappingException e) {
    return StrictYaml.path(steps(e));
  }

  private static List<Object> steps(JsonMappingException e) {
    List<Object> steps = new ArrayList<>();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        steps.add(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        steps.add(r.getIndex());
      }
    }
    return steps;
  }

  /** Where the unknown key is written: Jackson's location is the end of the mapping holding it. */
  private static String at(StrictYaml written, UnrecognizedPropertyException e) {
    String where = written.whereWritten(steps(e));
    return where == null ? at(e) : " (" + where + ")";
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }
}
