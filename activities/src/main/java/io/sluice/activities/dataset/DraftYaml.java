package io.sluice.activities.dataset;

import io.sluice.activities.dataset.SchemaInference.Column;
import io.sluice.activities.dataset.SchemaInference.Draft;
import io.sluice.activities.dataset.SchemaInference.Expectation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a drafted pipeline file as the bundled ones are written: a column or an expectation a
 * line, in flow style, each guess followed by a comment with its reason. Text from the files is
 * quoted wherever YAML could read it as something else.
 */
final class DraftYaml {

  /** Plain words YAML 1.1 reads as booleans or null. */
  private static final Set<String> YAML_WORDS =
      Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");

  private DraftYaml() {}

  static String render(Draft d, List<Expectation> expectations) {
    StringBuilder y = new StringBuilder();
    y.append(
        "# Drafted by sluice infer from a sample; check every guess (docs/pipeline-yaml.md).\n");
    line(y, "dataset: " + d.dataset(), null);
    line(y, "kind: " + d.kind(), d.kindReason());
    y.append("source:\n");
    line(
        y,
        "  path: " + path(d.files().sourcePath()),
        "under the data root (SLUICE_DATA_ROOT, default data)");
    if (d.files().sourceFiles() != null) {
      line(y, "  files: " + quoted(d.files().sourceFiles()), null);
    }
    y.append("\n# After each column, what the sample showed.\ncolumns:\n");
    int width = d.columns().stream().mapToInt(c -> c.name().length()).max().orElse(0) + 1;
    for (Column c : d.columns()) {
      line(y, "  " + pad(c.name() + ":", width) + " " + flow(c), c.reason());
    }
    line(y, "primary_key: " + d.primaryKey(), d.primaryKeyReason());
    line(y, "entity_key: " + d.entityKey(), d.entityKeyReason());
    line(y, "event_time: " + d.eventTime(), d.eventTimeReason());
    y.append("\nexpectations:\n");
    for (Expectation e : expectations) {
      List<String> keys = new ArrayList<>();
      e.keys().forEach((k, v) -> keys.add(k + ": " + number(v)));
      y.append("  - {").append(String.join(", ", keys)).append("}\n");
    }
    y.append(
        "\n# No features, label or split yet: declare them together to compute model-ready rows"
            + " (docs/pipeline-yaml.md#features).\n");
    return y.toString();
  }

  private static void line(StringBuilder y, String text, String comment) {
    y.append(text);
    if (comment != null) {
      y.append("  # ").append(visible(comment));
    }
    y.append('\n');
  }

  private static String flow(Column c) {
    List<String> keys = new ArrayList<>();
    keys.add("type: " + c.type());
    if (!c.required()) {
      keys.add("required: false");
    }
    if (!c.nullable()) {
      keys.add("nullable: false");
    }
    if (c.caseFold() != null) {
      keys.add("case: " + c.caseFold());
    }
    if (!c.nullValues().isEmpty()) {
      keys.add(
          "null_values: ["
              + String.join(", ", c.nullValues().stream().map(DraftYaml::quoted).toList())
              + "]");
    }
    if (c.assumeZone() != null) {
      keys.add("assume_zone: " + c.assumeZone());
    }
    if (!c.values().isEmpty()) {
      keys.add(
          "values: ["
              + String.join(", ", c.values().stream().map(DraftYaml::value).toList())
              + "]");
    }
    return "{" + String.join(", ", keys) + "}";
  }

  private static String number(Object v) {
    return v instanceof Double d
        ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
        : String.valueOf(v);
  }

  /** A value from the files: plain when it is a word YAML reads as text, else quoted. */
  static String value(String v) {
    return v.matches("[A-Za-z_][A-Za-z0-9_]*") && !YAML_WORDS.contains(v.toLowerCase(Locale.ROOT))
        ? v
        : quoted(v);
  }

  private static String path(String p) {
    return p.matches("[A-Za-z0-9_][A-Za-z0-9_./-]*/\\{date\\}") ? p : quoted(p);
  }

  /** A double-quoted YAML scalar; what could break a line or hide is escaped. */
  static String quoted(String v) {
    StringBuilder b = new StringBuilder("\"");
    v.codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                b.append('\\').appendCodePoint(c);
              } else if (invisible(c)) {
                b.append(String.format(Locale.ROOT, c > 0xFFFF ? "\\U%08x" : "\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.append('"').toString();
  }

  /** A comment's text on one line, whatever the files held. */
  private static String visible(String text) {
    StringBuilder b = new StringBuilder();
    text.codePoints().forEach(c -> b.appendCodePoint(invisible(c) ? '?' : c));
    return b.toString();
  }

  /** Control, format and line or paragraph separator characters (YAML breaks lines at some). */
  static boolean invisible(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE
        || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
