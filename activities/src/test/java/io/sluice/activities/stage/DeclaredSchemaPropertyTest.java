package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.ActivityHarness;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: for random declared schemas (every type, rules, null tokens, case folding, trimming,
 * custom reasons, facts and events) and random rows with defects of every kind, staging's counts
 * reconcile, every quarantined row carries exactly the reasons, in order, that an oracle written
 * here from the documented rules (docs/pipeline-yaml.md#columns) gives it, and the staged rows hold
 * exactly the values the oracle expects. The oracle shares no code with Sluice: it parses with
 * Java, the stage with PostgreSQL.
 */
class DeclaredSchemaPropertyTest {

  static final int SCHEMAS = 14;
  static final int ROWS = 80;
  static final LocalDate DAY = LocalDate.of(2024, 3, 1);

  @TempDir Path tmp;

  @Test
  void everyRowIsJudgedAsTheOracleJudgesIt() throws IOException {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      for (int seed = 1; seed <= SCHEMAS; seed++) {
        SplittableRandom rnd = new SplittableRandom(seed * 7919L);
        Schema schema = Schema.random("prop_" + (char) ('a' + seed), rnd);
        Files.writeString(
            h.settings.pipelinesDir().resolve(schema.dataset + ".yaml"), schema.yaml());
        Partition p = Partition.random(schema, rnd);
        Path dir = h.settings.dataRoot().resolve(schema.dataset).resolve(DAY.toString());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("part.csv"), p.csv());

        PartitionRef ref = new PartitionRef(schema.dataset, DAY.toString(), "run-" + seed);
        String where = "seed " + seed + "\n" + schema.yaml() + "\n" + p.csv();
        h.ingest.ingest(ref);
        StageResult r = h.stage.stage(ref);

        Map<Long, List<String>> expected = new TreeMap<>();
        List<Map<String, Object>> staged = new ArrayList<>();
        Map<Object, Map<String, Object>> latest = new LinkedHashMap<>();
        for (int i = 0; i < p.rows.size(); i++) {
          long line = i + 2;
          Judged j = schema.judge(p.header, p.rows.get(i));
          if (!j.reasons.isEmpty()) {
            expected.put(line, j.reasons);
          } else if (schema.events) {
            staged.add(j.values);
          } else {
            latest.put(j.values.get(schema.key), j.values); // the later line of a key wins
          }
        }
        staged.addAll(latest.values());

        assertThat(r.rawRows()).as(where).isEqualTo(p.rows.size());
        assertThat(r.quarantined() + r.staged() + r.duplicates()).as(where).isEqualTo(r.rawRows());
        Map<Long, List<String>> actual = new TreeMap<>();
        for (Record q :
            h.dsl.fetch(
                "select line_no, reasons from quarantine."
                    + schema.dataset
                    + " order by line_no")) {
          actual.put(q.get(0, Long.class), Arrays.asList(q.get(1, String[].class)));
        }
        assertThat(actual).as(where).isEqualTo(expected);
        assertThat(r.staged()).as(where).isEqualTo(staged.size());
        assertThat(stagedRows(h, schema))
            .as(where)
            .containsExactlyInAnyOrderElementsOf(staged.stream().map(schema::comparable).toList());
      }
    }
  }

  /** The staged rows, each as its values in declaration order, comparable with the oracle's. */
  private static List<List<Object>> stagedRows(ActivityHarness h, Schema schema) {
    List<List<Object>> rows = new ArrayList<>();
    for (Record rec : h.dsl.fetch("select * from stg." + schema.dataset)) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Column c : schema.columns) {
        values.put(c.name, rec.get(c.name));
      }
      rows.add(schema.comparable(values));
    }
    return rows;
  }

  // ---------------------------------------------------------------------------------------------
  // The declared schema

  enum Type {
    TEXT,
    INTEGER,
    BIGINT,
    DECIMAL,
    DOUBLE,
    BOOLEAN,
    DATE,
    TIMESTAMP,
    ENUM
  }

  static final class Column {
    String name;
    Type type;
    boolean required = true;
    boolean nullable = true;
    boolean trim = true;
    String caseFold = "none";
    List<String> nullValues = List.of();
    Integer precision;
    Integer scale;
    String assumeZone;
    List<String> values;
    BigDecimal min;
    BigDecimal max;
    boolean positive;
    List<String> in;
    String pattern;
    Map<String, String> reasons = new LinkedHashMap<>();

    String yaml() {
      List<String> keys = new ArrayList<>();
      keys.add("type: " + type.name().toLowerCase(Locale.ROOT));
      if (!required) {
        keys.add("required: false");
      }
      keys.add("nullable: " + nullable);
      if (!trim) {
        keys.add("trim: false");
      }
      if (!"none".equals(caseFold)) {
        keys.add("case: " + caseFold);
      }
      if (!nullValues.isEmpty()) {
        keys.add("null_values: " + quoted(nullValues));
      }
      if (precision != null) {
        keys.add("precision: " + precision);
        keys.add("scale: " + scale);
      }
      if (assumeZone != null) {
        keys.add("assume_zone: " + assumeZone);
      }
      if (values != null) {
        keys.add("values: " + quoted(values));
      }
      if (min != null) {
        keys.add("min: " + min.toPlainString());
      }
      if (max != null) {
        keys.add("max: " + max.toPlainString());
      }
      if (positive) {
        keys.add("positive: true");
      }
      if (in != null) {
        keys.add("in: " + quoted(in));
      }
      if (pattern != null) {
        keys.add("pattern: \"" + pattern.replace("\\", "\\\\") + "\"");
      }
      if (!reasons.isEmpty()) {
        List<String> r = new ArrayList<>();
        reasons.forEach((k, v) -> r.add(k + ": " + v));
        keys.add("reasons: {" + String.join(", ", r) + "}");
      }
      return "  " + name + ": {" + String.join(", ", keys) + "}";
    }

    boolean numeric() {
      return type == Type.INTEGER
          || type == Type.BIGINT
          || type == Type.DECIMAL
          || type == Type.DOUBLE;
    }

    boolean textual() {
      return type == Type.TEXT || type == Type.ENUM;
    }

    String reason(String key, String prefix) {
      return reasons.getOrDefault(key, prefix + "_" + name);
    }
  }

  static String quoted(List<String> values) {
    return "["
        + String.join(
            ", ", values.stream().map(v -> "\"" + v.replace("\"", "\\\"") + "\"").toList())
        + "]";
  }

  static final class Schema {
    String dataset;
    boolean events;
    List<Column> columns = new ArrayList<>();
    String key;
    String entity;
    String eventTime;
    int maxTextLength;

    static Schema random(String dataset, SplittableRandom rnd) {
      Schema s = new Schema();
      s.dataset = dataset;
      s.events = rnd.nextBoolean();
      s.maxTextLength = rnd.nextBoolean() ? 12 : 256;
      Column id = new Column();
      id.name = "id";
      id.type = rnd.nextBoolean() ? Type.TEXT : Type.INTEGER;
      id.nullable = false;
      Column who = new Column();
      who.name = "who";
      who.type = Type.TEXT;
      who.nullable = false;
      who.caseFold = rnd.nextBoolean() ? "upper" : "none";
      Column at = new Column();
      at.name = "at";
      at.type = Type.TIMESTAMP;
      at.nullable = false;
      if (rnd.nextBoolean()) {
        at.assumeZone = rnd.nextBoolean() ? "UTC" : "Europe/Berlin";
      }
      s.columns.addAll(List.of(id, who, at));
      int more = 2 + rnd.nextInt(5);
      for (int i = 0; i < more; i++) {
        s.columns.add(randomColumn("c_" + (char) ('a' + i), rnd));
      }
      java.util.Collections.shuffle(s.columns, new java.util.Random(rnd.nextLong()));
      s.key = "id";
      s.entity = "who";
      s.eventTime = "at";
      return s;
    }

    static Column randomColumn(String name, SplittableRandom rnd) {
      Column c = new Column();
      c.name = name;
      c.type = Type.values()[rnd.nextInt(Type.values().length)];
      c.required = rnd.nextInt(4) != 0;
      c.nullable = rnd.nextBoolean();
      c.trim = rnd.nextInt(5) != 0;
      if (rnd.nextInt(3) == 0) {
        c.nullValues = rnd.nextBoolean() ? List.of("NA") : List.of("NA", "null");
      }
      if (c.type == Type.DECIMAL && rnd.nextBoolean()) {
        c.precision = 3 + rnd.nextInt(6);
        c.scale = rnd.nextInt(3);
      }
      if (c.type == Type.TIMESTAMP && rnd.nextBoolean()) {
        c.assumeZone = "Europe/Berlin";
      }
      if (c.numeric()) {
        switch (rnd.nextInt(4)) {
          case 0 -> c.min = BigDecimal.valueOf(rnd.nextInt(20));
          case 1 -> c.max = BigDecimal.valueOf(50 + rnd.nextInt(50));
          case 2 -> c.positive = true;
          default -> {}
        }
      }
      if (c.type == Type.ENUM || c.type == Type.TEXT) {
        c.caseFold = List.of("none", "lower", "upper").get(rnd.nextInt(3));
      }
      if (c.type == Type.ENUM) {
        c.values = fold(List.of("red", "green", "blue"), c.caseFold);
      }
      if (c.type == Type.TEXT) {
        switch (rnd.nextInt(3)) {
          case 0 -> c.in = fold(List.of("north", "south"), c.caseFold);
          case 1 -> c.pattern = "upper".equals(c.caseFold) ? "^[A-Z]{2}[0-9]$" : "^[a-z]{2}[0-9]$";
          default -> {}
        }
      }
      if (rnd.nextInt(3) == 0) {
        List<String> keys = new ArrayList<>(List.of("missing", "bad", "too_long"));
        if (c.min != null) {
          keys.add("min");
        }
        if (c.pattern != null) {
          keys.add("pattern");
        }
        c.reasons.put(keys.get(rnd.nextInt(keys.size())), "custom_" + name);
      }
      return c;
    }

    static List<String> fold(List<String> values, String caseFold) {
      return values.stream().map(v -> Schema.fold(v, caseFold)).toList();
    }

    static String fold(String v, String caseFold) {
      return switch (caseFold) {
        case "lower" -> v.toLowerCase(Locale.ROOT);
        case "upper" -> v.toUpperCase(Locale.ROOT);
        default -> v;
      };
    }

    Column column(String name) {
      return columns.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
    }

    String yaml() {
      StringBuilder b = new StringBuilder();
      b.append("dataset: ").append(dataset).append('\n');
      b.append("kind: ").append(events ? "events" : "facts").append('\n');
      b.append("source: {path: \"").append(dataset).append("/{date}\"}\n");
      b.append("max_text_length: ").append(maxTextLength).append('\n');
      b.append("columns:\n");
      columns.forEach(c -> b.append(c.yaml()).append('\n'));
      b.append("primary_key: ").append(key).append('\n');
      b.append("entity_key: ").append(entity).append('\n');
      b.append("event_time: ").append(eventTime).append('\n');
      return b.toString();
    }

    // -------------------------------------------------------------------------------------------
    // The oracle

    static final Pattern INVISIBLE =
        Pattern.compile(
            "[\\x01-\\x1F\\x7F-\\x9F\\u00AD\\u200B-\\u200F\\u202A-\\u202E"
                + "\\u2060-\\u2064\\u2066-\\u2069\\uFEFF]");
    static final OffsetDateTime EVENT_MIN = OffsetDateTime.parse("1900-01-01T00:00:00Z");
    static final OffsetDateTime EVENT_MAX = OffsetDateTime.parse("2100-01-01T00:00:00Z");

    Judged judge(List<String> header, List<String> fields) {
      List<String> reasons = new ArrayList<>();
      Map<String, Object> values = new LinkedHashMap<>();
      Map<String, String> texts = new LinkedHashMap<>();
      if (fields.size() != header.size()) {
        reasons.add("wrong_field_count");
      }
      for (Column c : columns) {
        int at = header.indexOf(c.name);
        String raw = at >= 0 && at < fields.size() ? fields.get(at) : null;
        String text = normalise(c, raw);
        texts.put(c.name, text);
        Object value = text == null ? null : parse(c, text);
        values.put(c.name, value);
        if (!c.nullable && text == null) {
          reasons.add(c.reason("missing", "missing"));
        }
        if (c.type != Type.TEXT && text != null && value == null) {
          reasons.add(c.reason("bad", c.type == Type.ENUM ? "unknown" : "bad"));
        }
        if (value != null) {
          if (c.min != null && number(value).compareTo(c.min) < 0) {
            reasons.add(c.reason("min", "out_of_range"));
          }
          if (c.max != null && number(value).compareTo(c.max) > 0) {
            reasons.add(c.reason("max", "out_of_range"));
          }
          if (c.positive && number(value).signum() <= 0) {
            reasons.add(c.reason("positive", "out_of_range"));
          }
          if (c.in != null && !c.in.contains((String) value)) {
            reasons.add(c.reason("in", "unknown"));
          }
          if (c.pattern != null && !Pattern.compile(c.pattern).matcher((String) value).find()) {
            reasons.add(c.reason("pattern", "malformed"));
          }
        }
      }
      for (Column c : columns) {
        String text = texts.get(c.name);
        if (c.textual() && text != null && text.codePointCount(0, text.length()) > maxTextLength) {
          reasons.add(c.reason("too_long", "too_long"));
        }
      }
      for (String k : List.of(key, entity)) {
        Column c = column(k);
        String text = texts.get(k);
        if (c.textual() && text != null && INVISIBLE.matcher(text).find()) {
          reasons.add(c.reason("invisible", "invisible"));
        }
      }
      if (values.get(eventTime) instanceof OffsetDateTime t
          && (t.isBefore(EVENT_MIN) || !t.isBefore(EVENT_MAX))) {
        reasons.add(column(eventTime).reason("out_of_range", "out_of_range"));
      }
      return new Judged(reasons, values);
    }

    /** Trimmed of spaces (only), empty text and null tokens missing, then case-folded. */
    static String normalise(Column c, String raw) {
      if (raw == null) {
        return null;
      }
      String t = c.trim ? spaces(raw) : raw;
      if (t.isEmpty()) {
        return null;
      }
      for (String token : c.nullValues) {
        if (t.equals(c.trim ? spaces(token) : token)) {
          return null;
        }
      }
      return fold(t, c.caseFold);
    }

    static String spaces(String s) {
      int a = 0;
      int b = s.length();
      while (a < b && s.charAt(a) == ' ') {
        a++;
      }
      while (b > a && s.charAt(b - 1) == ' ') {
        b--;
      }
      return s.substring(a, b);
    }

    static final String DATE = "(?!0000)(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])";
    static final String TIME = "[T ]([01]\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d)(?:\\.(\\d{1,9}))?)?";

    static Object parse(Column c, String t) {
      switch (c.type) {
        case TEXT:
          return t;
        case ENUM:
          return c.values.contains(t) ? t : null;
        case INTEGER:
          return t.matches("[+-]?\\d{1,9}") ? Long.parseLong(t.replace("+", "")) : null;
        case BIGINT:
          return t.matches("[+-]?\\d{1,18}") ? Long.parseLong(t.replace("+", "")) : null;
        case DECIMAL:
          {
            String re =
                c.precision == null
                    ? "[+-]?\\d{1,15}(\\.\\d{1,6})?"
                    : "[+-]?\\d{1,"
                        + (c.precision - c.scale)
                        + "}"
                        + (c.scale > 0 ? "(\\.\\d{1," + c.scale + "})?" : "");
            return t.matches(re) ? new BigDecimal(t) : null;
          }
        case DOUBLE:
          {
            Matcher m =
                Pattern.compile(
                        "[+-]?(\\d{1,30}(\\.\\d{0,30})?|\\.\\d{1,30})([eE]([+-]?\\d{1,3}))?")
                    .matcher(t);
            if (!m.matches()
                || (m.group(4) != null && Math.abs(Integer.parseInt(m.group(4))) > 300)) {
              return null;
            }
            return Double.parseDouble(t);
          }
        case BOOLEAN:
          {
            String l = t.toLowerCase(Locale.ROOT);
            return List.of("true", "t", "yes", "y", "1").contains(l)
                ? Boolean.TRUE
                : List.of("false", "f", "no", "n", "0").contains(l) ? Boolean.FALSE : null;
          }
        case DATE:
          {
            Matcher m = Pattern.compile(DATE).matcher(t);
            return m.matches() && validDay(m) ? LocalDate.parse(t) : null;
          }
        case TIMESTAMP:
          {
            Matcher z =
                Pattern.compile(DATE + TIME + "([Zz]|[+-](0\\d|1[0-5])(:?[0-5]\\d)?)").matcher(t);
            if (z.matches()) {
              return validDay(z) ? instant(z, offset(z.group(8))) : null;
            }
            Matcher local = Pattern.compile(DATE + TIME).matcher(t);
            if (c.assumeZone != null && local.matches()) {
              return validDay(local) ? instant(local, ZoneId.of(c.assumeZone)) : null;
            }
            return null;
          }
        default:
          throw new IllegalStateException();
      }
    }

    static boolean validDay(Matcher m) {
      int year = Integer.parseInt(m.group(1));
      int month = Integer.parseInt(m.group(2));
      return Integer.parseInt(m.group(3)) <= YearMonth.of(year, month).lengthOfMonth();
    }

    static ZoneId offset(String o) {
      if (o.equalsIgnoreCase("z")) {
        return ZoneOffset.UTC;
      }
      String digits = o.substring(1).replace(":", "");
      int hours = Integer.parseInt(digits.substring(0, 2));
      int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
      int sign = o.charAt(0) == '-' ? -1 : 1;
      return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }

    static OffsetDateTime instant(Matcher m, ZoneId zone) {
      String frac = m.group(7) == null ? "0" : (m.group(7) + "000000000").substring(0, 9);
      LocalDateTime local =
          LocalDateTime.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
              Integer.parseInt(frac));
      return local.atZone(zone).toOffsetDateTime();
    }

    static BigDecimal number(Object v) {
      return v instanceof Double d ? new BigDecimal(d.toString()) : new BigDecimal(v.toString());
    }

    /** Values that compare equal when they are the same value, whatever their Java type. */
    List<Object> comparable(Map<String, Object> values) {
      List<Object> out = new ArrayList<>();
      for (Column c : columns) {
        Object v = values.get(c.name);
        out.add(
            v == null
                ? "null"
                : switch (c.type) {
                  case INTEGER, BIGINT -> ((Number) v).longValue();
                  case DECIMAL -> ((BigDecimal) v).stripTrailingZeros().toPlainString();
                  case DOUBLE -> ((Number) v).doubleValue();
                  case TIMESTAMP ->
                      v instanceof OffsetDateTime t
                          ? t.toInstant()
                          : ((java.sql.Timestamp) v).toInstant();
                  case DATE -> v instanceof java.sql.Date d ? d.toLocalDate() : v;
                  default -> v;
                });
      }
      return out;
    }
  }

  record Judged(List<String> reasons, Map<String, Object> values) {}

  // ---------------------------------------------------------------------------------------------
  // The rows

  static final class Partition {
    List<String> header;
    List<List<String>> rows = new ArrayList<>();

    static Partition random(Schema s, SplittableRandom rnd) {
      Partition p = new Partition();
      List<String> header = new ArrayList<>();
      for (Column c : s.columns) {
        if (c.required || rnd.nextInt(3) != 0) {
          header.add(c.name);
        }
      }
      if (rnd.nextBoolean()) {
        header.add(rnd.nextInt(header.size() + 1), "extra_field");
      }
      java.util.Collections.shuffle(header, new java.util.Random(rnd.nextLong()));
      p.header = header;
      for (int i = 0; i < ROWS; i++) {
        List<String> row = new ArrayList<>();
        for (String name : header) {
          row.add(name.equals("extra_field") ? "x" + i : value(s, s.column(name), rnd));
        }
        int shape = rnd.nextInt(40);
        if (shape == 0) {
          row.remove(row.size() - 1); // a field short
        } else if (shape == 1) {
          row.add("surplus"); // a field too many
        }
        p.rows.add(row);
      }
      return p;
    }

    /** A value for the column: mostly valid, often with one of the defects a column can have. */
    static String value(Schema s, Column c, SplittableRandom rnd) {
      int roll = rnd.nextInt(100);
      if (roll < 5) {
        return "";
      }
      if (roll < 9) {
        return "   ";
      }
      if (roll < 13 && !c.nullValues.isEmpty()) {
        return c.nullValues.get(rnd.nextInt(c.nullValues.size()));
      }
      if (roll < 20) {
        return garbage(c, rnd);
      }
      String v = valid(s, c, rnd);
      if (roll < 30) {
        return "  " + v + " "; // padded: fine when trimmed, bad for most types when not
      }
      if (roll < 34 && c.textual()) {
        return v.toUpperCase(Locale.ROOT).equals(v)
            ? v.toLowerCase(Locale.ROOT)
            : v.toUpperCase(Locale.ROOT);
      }
      if (roll < 37 && c.textual()) {
        return v + "abcdefghijklmnop"; // too long when the limit is 12
      }
      if (roll < 40 && c.textual()) {
        return v + "\u200B"; // an invisible character
      }
      if (roll < 44 && c.textual()) {
        // at the limit, or one past it
        int length = s.maxTextLength + (rnd.nextBoolean() ? 0 : 1);
        return (v + "x".repeat(length)).substring(0, length);
      }
      if (roll < 45 && c.numeric()) {
        return rnd.nextBoolean() ? "-" + (1 + rnd.nextInt(5)) : "0";
      }
      if (roll < 48 && c.numeric()) {
        return String.valueOf(100 + rnd.nextInt(900));
      }
      return v;
    }

    static String valid(Schema s, Column c, SplittableRandom rnd) {
      return switch (c.type) {
        case TEXT -> {
          if (c.name.equals(s.key)) {
            yield "k" + rnd.nextInt(ROWS); // repeats: later versions, in-partition duplicates
          }
          if (c.in != null) {
            yield c.in.get(rnd.nextInt(c.in.size()));
          }
          if (c.pattern != null) {
            String v = "ab" + rnd.nextInt(10);
            yield "upper".equals(c.caseFold) ? v.toUpperCase(Locale.ROOT) : v;
          }
          yield "w" + rnd.nextInt(30);
        }
        case ENUM -> c.values.get(rnd.nextInt(c.values.size()));
        case INTEGER ->
            c.name.equals(s.key)
                ? String.valueOf(rnd.nextInt(ROWS))
                : String.valueOf(1 + rnd.nextInt(60));
        case BIGINT -> String.valueOf(1 + rnd.nextLong(999_999_999_999L));
        case DECIMAL -> {
          int scale = c.precision == null ? 2 : c.scale;
          int intDigits = c.precision == null ? 3 : Math.min(2, c.precision - c.scale);
          long whole = 1 + rnd.nextLong((long) Math.pow(10, intDigits) - 1);
          String frac =
              scale == 0
                  ? ""
                  : "." + String.format("%0" + scale + "d", rnd.nextInt((int) Math.pow(10, scale)));
          yield whole + frac;
        }
        case DOUBLE ->
            rnd.nextBoolean() ? (1 + rnd.nextInt(90)) + ".25" : (1 + rnd.nextInt(9)) + "e1";
        case BOOLEAN -> List.of("true", "F", "yes", "n", "1", "0").get(rnd.nextInt(6));
        case DATE -> LocalDate.of(2024, 1 + rnd.nextInt(2), 1 + rnd.nextInt(28)).toString();
        case TIMESTAMP -> {
          String base =
              LocalDateTime.of(
                      2024,
                      rnd.nextBoolean() ? 1 : 7,
                      1 + rnd.nextInt(28),
                      rnd.nextInt(24),
                      rnd.nextInt(60),
                      rnd.nextInt(60))
                  .toString()
                  .replace("T", rnd.nextBoolean() ? "T" : " ");
          if (base.length() == 16) {
            base = base + ":00";
          }
          int form = rnd.nextInt(c.assumeZone == null ? 3 : 4);
          yield switch (form) {
            case 0 -> base + "Z";
            case 1 -> base + "+02:00";
            case 2 -> base + ".123-0530";
            default -> base; // no offset: parsed in the zone the column assumes
          };
        }
      };
    }

    static String garbage(Column c, SplittableRandom rnd) {
      return switch (c.type) {
        case TIMESTAMP ->
            List.of(
                    "2024-02-30T10:00:00Z",
                    "2024-13-01T00:00:00Z",
                    "1850-01-01T00:00:00Z",
                    "2150-06-01T00:00:00Z",
                    "2024-01-01T10:00:00",
                    "yesterday")
                .get(rnd.nextInt(6));
        case DATE -> List.of("2023-02-29", "2024-1-5", "05/01/2024").get(rnd.nextInt(3));
        case INTEGER -> List.of("1.5", "12345678901", "ten", "1e3").get(rnd.nextInt(4));
        case BIGINT -> List.of("1234567890123456789", "2.0", "x").get(rnd.nextInt(3));
        case DECIMAL ->
            List.of("1e5", "12.3456789", "1234567890123456.5", "NaN", "1,5").get(rnd.nextInt(5));
        case DOUBLE -> List.of("1e400", "Infinity", "0x10", "1.2.3").get(rnd.nextInt(4));
        case BOOLEAN -> List.of("maybe", "2", "truth").get(rnd.nextInt(3));
        case ENUM -> List.of("purple", "re d").get(rnd.nextInt(2));
        case TEXT ->
            c.in != null ? "west" : c.pattern != null ? "abc" : "Free Text " + rnd.nextInt(5);
      };
    }

    String csv() {
      StringBuilder b = new StringBuilder(line(header));
      rows.forEach(r -> b.append(line(r)));
      return b.toString();
    }

    static String line(List<String> fields) {
      return String.join(
              ",",
              fields.stream()
                  .map(f -> "\"" + Objects.requireNonNull(f).replace("\"", "\"\"") + "\"")
                  .toList())
          + "\n";
    }
  }
}
