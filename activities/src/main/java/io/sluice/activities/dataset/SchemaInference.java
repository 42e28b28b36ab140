package io.sluice.activities.dataset;

import io.sluice.activities.config.BadConfigException;
import io.sluice.activities.config.PipelineConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Drafts a dataset's pipeline file from a sample of its CSV files ({@code sluice infer}): each
 * column's type, null tokens and case, the keys, the kind and the expectations, each guess with the
 * reason the sample gives for it (the rules: docs/getting-started.md#your-own-dataset). A value the
 * draft calls an integer, a date or an instant is one staging parses as such: the checks below
 * accept what the database's parse functions accept.
 */
public final class SchemaInference {

  public static final int DEFAULT_ROWS = 10_000;

  /** Tokens that often stand for no value; a column declares those it holds as null_values. */
  public static final List<String> NULL_TOKENS =
      List.of("NA", "N/A", "null", "NULL", "None", "-", "nan");

  static final int MAX_ENUM_VALUES = 12;
  static final int MIN_ENUM_ROWS = 20;

  /** The sample cannot make a dataset; the message says why and what to change. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  /**
   * One column as drafted.
   *
   * @param type the declared type's name (text, integer, ..., enum)
   * @param caseFold lower or upper for an enum, else null
   * @param parsed the share of the present values the type parses (1 for text and enum)
   * @param reason what the sample showed, for a person
   * @param role primary key, entity key, event_time (comma-separated), or empty
   */
  public record Column(
      String name,
      String type,
      boolean required,
      boolean nullable,
      String caseFold,
      List<String> nullValues,
      String assumeZone,
      List<String> values,
      double parsed,
      String reason,
      String role) {}

  /**
   * A drafted pipeline file and why it says what it says.
   *
   * @param files the files sampled (and how the pipeline file finds them)
   * @param rows the rows sampled
   * @param kind facts or events
   * @param notes what the user should check or do, for a person
   * @param yaml the pipeline file; it loads (checked with the config loader)
   */
  public record Draft(
      String dataset,
      SampleFiles files,
      int rows,
      int filesRead,
      List<Column> columns,
      String kind,
      String kindReason,
      String primaryKey,
      String primaryKeyReason,
      String entityKey,
      String entityKeyReason,
      String eventTime,
      String eventTimeReason,
      List<String> notes,
      String yaml) {

    Draft withYaml(String text) {
      return new Draft(
          dataset,
          files,
          rows,
          filesRead,
          columns,
          kind,
          kindReason,
          primaryKey,
          primaryKeyReason,
          entityKey,
          entityKeyReason,
          eventTime,
          eventTimeReason,
          notes,
          text);
    }
  }

  private SchemaInference() {}

  /**
   * Drafts dataset {@code dataset} from at most {@code maxRows} rows of the files {@code path}
   * names; {@code dataRoot} decides {@code source.path}. Throws {@link Refused} when the files
   * cannot make a dataset (no instant column, header names Sluice cannot use, no rows).
   */
  public static Draft infer(Path path, String dataset, Path dataRoot, int maxRows) {
    SampleFiles located = SampleFiles.locate(path, dataset, dataRoot);
    return infer(located, CsvSample.read(located.files(), maxRows), dataset);
  }

  static Draft infer(SampleFiles located, CsvSample sample, String dataset) {
    if (sample.rows() == 0) {
      throw new Refused(
          "the files hold no rows after their header: nothing to infer from ("
              + plural(located.files().size(), "file")
              + ", e.g. "
              + located.files().get(0)
              + ")");
    }
    List<Guess> guesses = new ArrayList<>();
    for (String name : sample.columns()) {
      guesses.add(
          guess(
              new Profile(
                  name,
                  sample.values().get(name),
                  sample.inFiles().get(name),
                  sample.files().size())));
    }
    List<String> notes = new ArrayList<>();
    Guess time = eventTime(guesses);
    Keys keys = keys(guesses);
    Entity entity = entity(guesses, keys.primary);
    time.roles.add("event_time");
    keys.primary.roles.add("primary key");
    entity.guess.roles.add("entity key");
    if (located.note() != null) {
      notes.add(located.note());
    }
    for (Guess g : new LinkedHashSet<>(List.of(time, entity.guess))) {
      if (!fewMissing(g)) {
        notes.add(
            g.profile.name
                + " is empty in "
                + plural(g.profile.missing(), "row")
                + " of "
                + count(g.profile.rows)
                + ": each is quarantined, and a partition with more than 5% fails its not_null"
                + " check ("
                + g.profile.name
                + "_present)");
      }
    }
    List<Column> columns = new ArrayList<>();
    for (Guess g : guesses) {
      if (g.assumeZone != null) {
        notes.add(
            g.profile.name
                + ": "
                + plural(g.localTimes, "value")
                + " without an offset, read as UTC (assume_zone: UTC); if the files write another"
                + " zone's clock, write its name instead (e.g. Europe/Berlin)");
      }
      columns.add(g.column());
    }
    notes.add(
        "no features, label or split yet: add them (together) to compute model-ready rows"
            + " (docs/pipeline-yaml.md#features)");
    String kind = keys.events ? "events" : "facts";
    Draft draft =
        new Draft(
            dataset,
            located,
            sample.rows(),
            sample.files().size(),
            List.copyOf(columns),
            kind,
            keys.kindReason,
            keys.primary.profile.name,
            keys.reason,
            entity.guess.profile.name,
            entity.reason,
            time.profile.name,
            eventTimeReason(time, guesses),
            List.copyOf(notes),
            null);
    String yaml = DraftYaml.render(draft, expectations(draft));
    requireLoads(dataset, yaml);
    return draft.withYaml(yaml);
  }

  // --- one column's type --------------------------------------------------------------------

  /** What the sample says about one column: its values trimmed, empty and null tokens made null. */
  private static final class Profile {
    final String name;
    final String[] values;
    final Map<String, Integer> tokens = new LinkedHashMap<>();
    final int rows;
    final int inFiles;
    final int files;
    int present;

    Profile(String name, String[] raw, int inFiles, int files) {
      this.name = name;
      this.rows = raw.length;
      this.inFiles = inFiles;
      this.files = files;
      this.values = new String[raw.length];
      for (int i = 0; i < raw.length; i++) {
        String v = raw[i];
        if (v != null && NULL_TOKENS.contains(v)) {
          tokens.merge(v, 1, Integer::sum);
        } else if (v != null && !v.isEmpty()) {
          values[i] = v;
          present++;
        }
      }
    }

    int missing() {
      return rows - present;
    }

    int count(Predicate<String> test) {
      int n = 0;
      for (String v : values) {
        if (v != null && test.test(v)) {
          n++;
        }
      }
      return n;
    }

    /** A present value that fails {@code test}, as shown to a person; null when none does. */
    String exampleNot(Predicate<String> test) {
      for (String v : values) {
        if (v != null && !test.test(v)) {
          return shown(v);
        }
      }
      return null;
    }

    Set<String> distinct() {
      Set<String> d = new HashSet<>();
      for (String v : values) {
        if (v != null) {
          d.add(v);
        }
      }
      return d;
    }
  }

  /** A column's guess while the keys are chosen. */
  private static final class Guess {
    final Profile profile;
    final String type;
    final String reason;
    final int parsed;
    String caseFold;
    List<String> values = List.of();
    String assumeZone;
    int localTimes;
    final List<String> roles = new ArrayList<>();

    Guess(Profile profile, String type, int parsed, String reason) {
      this.profile = profile;
      this.type = type;
      this.parsed = parsed;
      this.reason = reason;
    }

    boolean keyable() {
      return type.equals("text") || type.equals("integer") || type.equals("bigint");
    }

    Column column() {
      Profile p = profile;
      boolean key = !roles.isEmpty();
      StringBuilder why = new StringBuilder(reason);
      if (!p.tokens.isEmpty()) {
        List<String> seen = new ArrayList<>();
        p.tokens.forEach((t, n) -> seen.add(t + " (" + count(n) + ")"));
        why.append("; ").append(String.join(", ", seen)).append(" for missing");
      }
      int empty = p.missing() - p.tokens.values().stream().mapToInt(Integer::intValue).sum();
      if (empty > 0) {
        why.append("; empty in ").append(plural(empty, "row"));
      }
      if (key && p.missing() > 0) {
        why.append(": quarantined as missing_").append(p.name);
      }
      if (p.inFiles < p.files) {
        why.append("; in ")
            .append(p.inFiles)
            .append(" of ")
            .append(p.files)
            .append(" files' headers (required: false)");
      }
      return new Column(
          p.name,
          type,
          p.inFiles == p.files,
          !key && p.missing() > 0,
          caseFold,
          List.copyOf(p.tokens.keySet()),
          assumeZone,
          values,
          p.present == 0 ? 1 : (double) parsed / p.present,
          why.toString(),
          String.join(", ", roles));
    }
  }

  /** A number type: its name, what its values look like, and the test its parse applies. */
  private record NumberType(String name, String looks, Predicate<String> parses) {}

  private static final Pattern LEADING_ZERO = Pattern.compile("[+-]?0[0-9].*");

  private static final Set<String> BOOLEANS =
      Set.of("true", "t", "yes", "y", "1", "false", "f", "no", "n", "0");

  private static final List<NumberType> NUMBERS =
      List.of(
          new NumberType(
              "integer", "whole numbers of up to 9 digits", v -> JavaParse.integer(v) != null),
          new NumberType(
              "bigint", "whole numbers of up to 18 digits", v -> JavaParse.bigint(v) != null),
          new NumberType(
              "decimal",
              "decimal numbers (up to 15 digits before the point and 6 after)",
              v -> JavaParse.decimal(v) != null),
          new NumberType(
              "double",
              "floating-point numbers (an exponent, or more digits than a decimal holds)",
              SchemaInference::isDouble));

  /**
   * Whether staging parses the present, trimmed value {@code v} as a column of {@code type} (a
   * timestamp without {@code assume_zone}); what {@code SchemaInferenceTest} holds to the database.
   */
  static boolean parses(String type, String v) {
    for (NumberType t : NUMBERS) {
      if (t.name().equals(type)) {
        return t.parses().test(v);
      }
    }
    return switch (type) {
      case "boolean" -> isBoolean(v);
      case "date" -> isDate(v);
      case "timestamp" -> isZonedInstant(v);
      case "local timestamp" -> isLocalInstant(v);
      default -> throw new IllegalArgumentException("no parse for " + type);
    };
  }

  static boolean isDouble(String v) {
    return JavaParse.float64(v) instanceof Double;
  }

  static boolean isBoolean(String v) {
    return BOOLEANS.contains(v.toLowerCase(Locale.ROOT));
  }

  static boolean isDate(String v) {
    return JavaParse.date(v) != null;
  }

  static boolean isZonedInstant(String v) {
    return JavaParse.instant(v, null) != null;
  }

  static boolean isLocalInstant(String v) {
    return JavaParse.local(v);
  }

  /** Whether {@code count} of {@code n} is at least 98%: the share a type must parse. */
  static boolean most(long count, long n) {
    return 50 * count >= 49 * n;
  }

  private static boolean isIdName(String name) {
    return name.equals("id") || name.endsWith("_id");
  }

  /** The most specific type that at least 98% of the present values parse as. */
  private static Guess guess(Profile p) {
    int n = p.present;
    if (n == 0) {
      return new Guess(p, "text", 0, "no value in the sample: text until the files say more");
    }
    String prefix = "";
    NumberType number = null;
    for (NumberType t : NUMBERS) {
      if (most(p.count(t.parses()), n)) {
        number = t;
        break;
      }
    }
    if (number != null) {
      // a wider type that parses more wins: whole numbers with a few decimals are decimals
      NumberType best = number;
      int bestCount = p.count(number.parses());
      for (NumberType wider : NUMBERS.subList(NUMBERS.indexOf(number) + 1, NUMBERS.size())) {
        int c = p.count(wider.parses());
        if (c > bestCount) {
          best = wider;
          bestCount = c;
        }
      }
      int zeros = p.count(LEADING_ZERO.asMatchPredicate());
      if (zeros == 0 || !isIdName(p.name) && most(n - zeros, n)) {
        return parsed(p, best.name(), bestCount, best.looks(), best.parses());
      }
      prefix =
          count(bestCount)
              + " of "
              + count(n)
              + " values are "
              + best.looks()
              + ", but "
              + count(zeros)
              + " have a leading zero (e.g. "
              + p.exampleNot(LEADING_ZERO.asMatchPredicate().negate())
              + ") that a number would drop; ";
    }
    int booleans = p.count(SchemaInference::isBoolean);
    if (most(booleans, n)) {
      return parsed(
          p, "boolean", booleans, "true/false, t/f, yes/no or y/n", SchemaInference::isBoolean);
    }
    int dates = p.count(SchemaInference::isDate);
    if (most(dates, n)) {
      return parsed(p, "date", dates, "dates (yyyy-MM-dd)", SchemaInference::isDate);
    }
    int zoned = p.count(SchemaInference::isZonedInstant);
    int local = p.count(SchemaInference::isLocalInstant);
    if (most(zoned + local, n)) {
      Predicate<String> instant = v -> isZonedInstant(v) || isLocalInstant(v);
      Guess g =
          local == 0
              ? parsed(p, "timestamp", zoned, "ISO-8601 instants with an offset", instant)
              : parsed(
                  p,
                  "timestamp",
                  zoned + local,
                  "ISO-8601 date-times ("
                      + count(zoned)
                      + " with an offset, "
                      + count(local)
                      + " without one: read as UTC, check the zone)",
                  instant);
      if (local > 0) {
        g.assumeZone = "UTC";
        g.localTimes = local;
      }
      return g;
    }
    // an id names things, it does not sort them: a new value must not be an unknown one
    Guess categorical = isIdName(p.name) ? null : enumerated(p, prefix);
    if (categorical != null) {
      return categorical;
    }
    int distinct = p.distinct().size();
    return new Guess(
        p,
        "text",
        n,
        prefix
            + plural(distinct, "distinct value")
            + " in "
            + count(n)
            + (distinct <= MAX_ENUM_VALUES && n < MIN_ENUM_ROWS
                ? " (too few to call it an enum)"
                : ""));
  }

  private static Guess parsed(
      Profile p, String type, int parsed, String looks, Predicate<String> parses) {
    int n = p.present;
    String reason = count(parsed) + " of " + count(n) + " values are " + looks;
    if (parsed < n) {
      reason +=
          "; "
              + count(n - parsed)
              + (n - parsed == 1 ? " is" : " are")
              + " not (e.g. "
              + p.exampleNot(parses)
              + ") and would be quarantined as bad_"
              + p.name;
    }
    return new Guess(p, type, parsed, reason);
  }

  /** An enum when few distinct values recur: at most 12, over 20 values or more, 5 times each. */
  private static Guess enumerated(Profile p, String prefix) {
    int n = p.present;
    Map<String, Integer> lower = new HashMap<>();
    boolean allUpper = true;
    for (String v : p.values) {
      if (v != null) {
        lower.merge(v.toLowerCase(Locale.ROOT), 1, Integer::sum);
        allUpper &= v.equals(v.toUpperCase(Locale.ROOT));
      }
    }
    if (lower.size() > MAX_ENUM_VALUES || n < MIN_ENUM_ROWS || lower.size() * 5L > n) {
      return null;
    }
    Map<String, Integer> folded = new HashMap<>();
    for (String v : p.values) {
      if (v != null) {
        folded.merge(
            allUpper ? v.toUpperCase(Locale.ROOT) : v.toLowerCase(Locale.ROOT), 1, Integer::sum);
      }
    }
    List<String> values =
        folded.keySet().stream()
            .sorted(Comparator.comparing((String v) -> -folded.get(v)).thenComparing(v -> v))
            .toList();
    List<String> rare = new ArrayList<>();
    for (String v : values) {
      if (folded.get(v) * 100L < n) {
        rare.add(shown(v) + " (" + count(folded.get(v)) + ")");
      }
    }
    Guess g =
        new Guess(
            p,
            "enum",
            n,
            prefix
                + plural(values.size(), "distinct value")
                + " in "
                + count(n)
                + ", "
                + (allUpper ? "upper" : "lower")
                + "-cased: "
                + String.join(", ", values.stream().map(SchemaInference::shown).toList())
                + (rare.isEmpty() ? "" : "; rare, check them: " + String.join(", ", rare))
                + "; any other value will be quarantined as unknown_"
                + p.name);
    g.caseFold = allUpper ? "upper" : "lower";
    g.values = values;
    return g;
  }

  // --- keys ----------------------------------------------------------------------------------

  private record Keys(Guess primary, String reason, boolean events, String kindReason) {}

  private record Entity(Guess guess, String reason) {}

  /** A key column may miss at most 2% of its values (those rows are quarantined). */
  private static boolean fewMissing(Guess g) {
    return g.profile.present > 0 && most(g.profile.present, g.profile.rows);
  }

  private static int nameRank(String name) {
    return name.equals("id") ? 0 : name.endsWith("_id") ? 1 : 2;
  }

  /**
   * The primary key: a text or whole-number column whose values are all distinct, preferring {@code
   * id}, then names ending in {@code _id}, then the header's order; else the most distinct.
   */
  private static Keys keys(List<Guess> guesses) {
    Map<Guess, Integer> distinct = new HashMap<>();
    guesses.forEach(g -> distinct.put(g, g.profile.distinct().size()));
    List<Guess> candidates = guesses.stream().filter(g -> g.keyable() && fewMissing(g)).toList();
    Guess unique =
        candidates.stream()
            .filter(g -> distinct.get(g) == g.profile.present)
            .min(Comparator.comparing((Guess g) -> nameRank(g.profile.name)))
            .orElse(null);
    if (unique != null) {
      String name = unique.profile.name;
      String reason =
          "each of its "
              + count(unique.profile.present)
              + " values is distinct"
              + (nameRank(name) < 2 ? " and its name says id" : "");
      boolean events = name.contains("event");
      return new Keys(
          unique,
          reason,
          events,
          events
              ? "the key's name says event: every valid row stands (write facts if a later row"
                  + " with the same key replaces the earlier)"
              : name
                  + " is unique in the sample: a later row with the same key replaces the earlier"
                  + " (write events if every row stands on its own)");
    }
    // a key is better of another type than mostly missing: every row without it is quarantined
    if (candidates.isEmpty()) {
      candidates = guesses.stream().filter(SchemaInference::fewMissing).toList();
    }
    if (candidates.isEmpty()) {
      candidates = guesses;
    }
    Guess most =
        candidates.stream()
            .max(
                Comparator.comparing((Guess g) -> distinct.get(g))
                    .thenComparing(g -> -nameRank(g.profile.name)))
            .orElseThrow();
    String name = most.profile.name;
    int repeats = most.profile.present - distinct.get(most);
    // an id that repeats in a few rows: corrections of those rows (facts), unless it names events
    boolean versions =
        nameRank(name) < 2
            && !name.contains("event")
            && distinct.get(most) * 10L >= 9L * most.profile.present;
    return new Keys(
        most,
        "the most distinct column ("
            + count(distinct.get(most))
            + " distinct of "
            + count(most.profile.present)
            + " values"
            + (most.keyable() && fewMissing(most) ? "" : ", the best left of any type")
            + "), though no column is unique in the sample",
        !versions,
        versions
            ? name
                + " repeats in "
                + plural(repeats, "row")
                + " of the sample, as ids do that are sent again corrected: a later row with the"
                + " same key replaces the earlier (write events if every row stands on its own)"
            : "no column is unique in the sample ("
                + name
                + " repeats in "
                + plural(repeats, "row")
                + "): every valid row stands, a repeat is counted in the report; if a repeated "
                + name
                + " is a newer version of its row, write kind: facts");
  }

  /**
   * The entity key: another text or whole-number column with repeated values and few missing,
   * preferring names ending in {@code _id}, leaving out one nested in another (a session of a
   * user), then the one with most distinct values; else the primary key.
   */
  private static Entity entity(List<Guess> guesses, Guess primary) {
    List<Guess> candidates =
        guesses.stream()
            .filter(g -> g != primary && g.keyable() && fewMissing(g))
            .filter(g -> g.profile.distinct().size() * 10L <= 9L * g.profile.present)
            .toList();
    if (candidates.isEmpty()) {
      return new Entity(
          primary,
          "no other column repeats its values with few missing: features would be per "
              + primary.profile.name
              + "; set entity_key to the column a model predicts for");
    }
    List<Guess> ids = candidates.stream().filter(g -> isIdName(g.profile.name)).toList();
    List<Guess> group = ids.isEmpty() ? candidates : ids;
    Map<Guess, Integer> distinct = new HashMap<>();
    group.forEach(g -> distinct.put(g, g.profile.distinct().size()));
    List<String> nested = new ArrayList<>();
    List<Guess> outer = new ArrayList<>();
    for (Guess a : group) {
      Guess in =
          group.stream()
              .filter(b -> distinct.get(b) < distinct.get(a) && nestedIn(a.profile, b.profile))
              .findFirst()
              .orElse(null);
      if (in == null) {
        outer.add(a);
      } else {
        nested.add(
            a.profile.name
                + " is nested in "
                + in.profile.name
                + " (each "
                + a.profile.name
                + " comes with one "
                + in.profile.name
                + ")");
      }
    }
    Guess best =
        (outer.isEmpty() ? group : outer)
            .stream().max(Comparator.comparing((Guess g) -> distinct.get(g))).orElseThrow();
    return new Entity(
        best,
        (ids.isEmpty() ? "" : "a name ending in _id; ")
            + "its "
            + count(distinct.get(best))
            + " values recur over "
            + count(best.profile.present)
            + " rows"
            + (nested.isEmpty() ? "" : "; " + String.join("; ", nested))
            + (outer.size() > 1 ? "; the one with most values of " + names(outer) : "")
            + ": features are computed per "
            + best.profile.name);
  }

  /**
   * Whether nearly every value of {@code a} seen twice or more comes with a single value of {@code
   * b}, over at least ten such values.
   */
  private static boolean nestedIn(Profile a, Profile b) {
    Map<String, String> partner = new HashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    Set<String> split = new HashSet<>();
    for (int i = 0; i < a.rows; i++) {
      String va = a.values[i];
      String vb = b.values[i];
      if (va != null && vb != null) {
        seen.merge(va, 1, Integer::sum);
        String before = partner.putIfAbsent(va, vb);
        if (before != null && !before.equals(vb)) {
          split.add(va);
        }
      }
    }
    long repeated = seen.values().stream().filter(n -> n > 1).count();
    return repeated >= 10 && most(repeated - split.size(), repeated);
  }

  /**
   * The event time: a timestamp column, preferring one with few values missing (a row without one
   * is quarantined), then names that say time; else a refusal.
   */
  private static Guess eventTime(List<Guess> guesses) {
    return guesses.stream()
        .filter(g -> g.type.equals("timestamp"))
        .min(
            Comparator.comparing((Guess g) -> fewMissing(g) ? 0 : 1)
                .thenComparing(g -> timeName(g.profile.name) ? 0 : 1)
                .thenComparing(g -> g.profile.missing()))
        .orElseThrow(() -> new Refused(noEventTime(guesses)));
  }

  private static boolean timeName(String name) {
    return name.contains("time")
        || name.contains("_at")
        || name.contains("_ts")
        || name.contains("date");
  }

  private static String eventTimeReason(Guess time, List<Guess> guesses) {
    List<String> others =
        guesses.stream()
            .filter(g -> g != time && g.type.equals("timestamp"))
            .map(g -> g.profile.name)
            .toList();
    return (timeName(time.profile.name) ? "a timestamp whose name says time" : "the timestamp")
        + (others.isEmpty() ? "" : " (others: " + String.join(", ", others) + ")")
        + ": windows and freshness are measured on it";
  }

  private static String noEventTime(List<Guess> guesses) {
    StringBuilder m =
        new StringBuilder(
            "no column holds date-times (ISO-8601 such as 2024-01-31T09:30:00Z or 2024-01-31"
                + " 09:30:00+02:00, in at least 98% of its values): a dataset needs an instant to"
                + " window its features on (event_time), so no file was written");
    for (Guess g : guesses) {
      Profile p = g.profile;
      int instants = p.count(v -> isZonedInstant(v) || isLocalInstant(v));
      if (g.type.equals("date")) {
        m.append("; ").append(p.name).append(" holds dates without a time of day");
      } else if (instants > 0) {
        m.append("; ")
            .append(p.name)
            .append(" has ")
            .append(plural(instants, "date-time"))
            .append(" in ")
            .append(count(p.present))
            .append(" values (e.g. not ")
            .append(p.exampleNot(v -> isZonedInstant(v) || isLocalInstant(v)))
            .append(")");
      }
    }
    return m.append(". Add a date-time column to the files, or fix the one there").toString();
  }

  // --- expectations ---------------------------------------------------------------------------

  /** One drafted expectation, its keys in the order they are written. */
  record Expectation(Map<String, Object> keys) {}

  /** The checks the profile suggests (docs/getting-started.md#your-own-dataset lists them). */
  static List<Expectation> expectations(Draft d) {
    List<Expectation> all = new ArrayList<>();
    Set<String> names = new HashSet<>();
    all.add(check(names, "required_columns_present", "columns_exist", null, "error", null));
    for (String column : new LinkedHashSet<>(List.of(d.entityKey(), d.eventTime()))) {
      all.add(check(names, column + "_present", "not_null", column, "error", 0.95));
    }
    for (Column c : d.columns()) {
      if (!c.type().equals("text") && !c.type().equals("enum")) {
        int percent = (int) Math.min(99, Math.floor(c.parsed() * 100 + 1e-9));
        all.add(check(names, c.name() + "_parses", "parses", c.name(), "warn", percent / 100.0));
      }
    }
    for (Column c : d.columns()) {
      if (c.type().equals("enum")) {
        all.add(check(names, c.name() + "_known", "in_set", c.name(), "warn", 0.98));
      }
    }
    if (d.kind().equals("facts")) {
      Expectation unique =
          check(
              names,
              d.primaryKey() + "_unique_in_partition",
              "unique",
              d.primaryKey(),
              "warn",
              0.95);
      unique.keys().put("scope", "partition");
      all.add(unique);
    }
    Expectation rows = check(names, "partition_not_empty", "row_count", null, "error", null);
    rows.keys().put("min", 1);
    all.add(rows);
    Expectation fresh = check(names, "events_are_recent", "freshness", null, "warn", null);
    fresh.keys().put("max_lag_hours", 48);
    all.add(fresh);
    for (Column c : d.columns()) {
      if (c.nullable()) {
        Expectation drift =
            check(names, c.name() + "_null_fraction_stable", "drift", c.name(), "warn", null);
        drift.keys().put("metric", "null_fraction");
        drift.keys().put("lookback", 7);
        drift.keys().put("tolerance", 0.1);
        all.add(drift);
      }
    }
    return all;
  }

  private static Expectation check(
      Set<String> names, String name, String type, String column, String severity, Double mostly) {
    String unique = name.length() <= 63 ? name : name.substring(0, 60);
    for (int i = 2; !names.add(unique); i++) {
      unique = unique.substring(0, Math.min(unique.length(), 58)) + "_" + i;
    }
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("name", unique);
    keys.put("type", type);
    if (column != null) {
      keys.put("column", column);
    }
    keys.put("severity", severity);
    if (mostly != null) {
      keys.put("mostly", mostly);
    }
    return new Expectation(keys);
  }

  // --- the draft must load ------------------------------------------------------------------

  /** Loads {@code yaml} as the config loader does; a draft it refuses is a bug of inference. */
  private static void requireLoads(String dataset, String yaml) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("sluice-infer");
      Files.writeString(dir.resolve(dataset + ".yaml"), yaml);
      new PipelineConfigLoader(dir).load(dataset);
    } catch (BadConfigException e) {
      throw new Refused(
          "the draft does not load, which is a bug in sluice infer (please report it with the"
              + " files' header): "
              + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the draft to a temporary directory", e);
    } finally {
      if (dir != null) {
        try {
          Files.deleteIfExists(dir.resolve(dataset + ".yaml"));
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // a temporary file left behind harms nothing
        }
      }
    }
  }

  // --- how things are said --------------------------------------------------------------------

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code n} things, e.g. 1,200 rows or 1 row. */
  public static String plural(long n, String thing) {
    return count(n) + " " + thing + (n == 1 ? "" : "s");
  }

  private static String names(List<Guess> guesses) {
    return String.join(", ", guesses.stream().map(g -> g.profile.name).toList());
  }

  /** A sample value as a person sees it: at most 24 characters, invisible ones as '?'. */
  static String shown(String v) {
    StringBuilder b = new StringBuilder();
    v.codePoints().limit(24).forEach(c -> b.appendCodePoint(DraftYaml.invisible(c) ? '?' : c));
    return v.codePointCount(0, v.length()) > 24 ? b + "..." : b.toString();
  }
}
