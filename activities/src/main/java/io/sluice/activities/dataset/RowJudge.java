package io.sluice.activities.dataset;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset's normalisation and quarantine rules compiled for the worker: one row's raw texts in,
 * its typed values and every reason it cannot be staged out, in the order the SQL judgement ({@code
 * stage.Judgement}) gives them. Where Java cannot be sure to agree with PostgreSQL the verdict is
 * {@linkplain Verdict#undecided() undecided} and the row is judged by the SQL.
 */
public final class RowJudge {

  private final DatasetSchema schema;
  private final Column[] columns;
  private final int[] keyColumns;
  private final int eventTime;

  /** One declared column, compiled. */
  private record Column(
      ColumnSpec spec,
      ColumnType.Reader reader,
      boolean text,
      boolean textKind,
      String missing,
      String bad,
      RowRule.Check[] checks,
      String[] ruleReasons,
      String tooLong,
      String invisible,
      String[] nullTokens) {}

  private RowJudge(DatasetSchema schema) {
    this.schema = schema;
    List<ColumnSpec> specs = schema.columns();
    columns = new Column[specs.size()];
    for (int i = 0; i < columns.length; i++) {
      ColumnSpec c = specs.get(i);
      RowRule.Check[] checks = new RowRule.Check[c.rules().size()];
      String[] ruleReasons = new String[checks.length];
      for (int r = 0; r < checks.length; r++) {
        RowRule rule = c.rules().get(r);
        checks[r] = rule.check();
        ruleReasons[r] = c.reason(rule.key(), rule.defaultPrefix());
      }
      columns[i] =
          new Column(
              c,
              c.type().reader(),
              c.type() instanceof ColumnType.Text,
              c.type().kind() == ColumnType.Kind.TEXT,
              c.reason("missing", "missing"),
              c.reasons().getOrDefault("bad", c.type().badReason(c.name())),
              checks,
              ruleReasons,
              c.reason("too_long", "too_long"),
              c.reason("invisible", "invisible"),
              c.nullValues().stream()
                  .filter(t -> !t.isEmpty())
                  .map(t -> c.trim() ? t.strip() : t)
                  .toArray(String[]::new));
    }
    keyColumns =
        schema.bounds().allowInvisibleInKeys()
            ? new int[0]
            : schema.keyColumns().stream().mapToInt(k -> schema.names().indexOf(k)).toArray();
    eventTime = schema.names().indexOf(schema.eventTime());
  }

  public static RowJudge of(DatasetSchema schema) {
    return new RowJudge(schema);
  }

  public DatasetSchema schema() {
    return schema;
  }

  /**
   * A row's verdict.
   *
   * @param values each declared column's typed value (null when missing or bad), declaration order
   * @param texts each declared column's cleaned text (null when missing), declaration order
   * @param reasons why the row cannot be staged; empty when it can
   * @param undecided only PostgreSQL can judge this row; values and reasons are then meaningless
   */
  public record Verdict(Object[] values, String[] texts, List<String> reasons, boolean undecided) {
    static final Verdict UNDECIDED = new Verdict(new Object[0], new String[0], List.of(), true);
  }

  /**
   * Judges one row.
   *
   * @param raw each declared column's text as received, in declaration order (null when the row has
   *     no such field)
   * @param wrongFieldCount the row has more or fewer fields than its file's header
   */
  public Verdict judge(String[] raw, boolean wrongFieldCount) {
    int n = columns.length;
    String[] texts = new String[n];
    Object[] values = new Object[n];
    List<String> reasons = null;
    if (wrongFieldCount) {
      reasons = add(null, "wrong_field_count");
    }
    for (int i = 0; i < n; i++) {
      Column c = columns[i];
      String text = normalise(c, raw[i]);
      if (text == UNDECIDED_TEXT) {
        return Verdict.UNDECIDED;
      }
      texts[i] = text;
      Object value = null;
      if (text != null) {
        value = c.reader().read(text);
        if (value == ColumnType.UNDECIDED) {
          return Verdict.UNDECIDED;
        }
      }
      values[i] = value;
      if (!c.spec().nullable() && text == null) {
        reasons = add(reasons, c.missing());
      }
      if (!c.text() && text != null && value == null) {
        reasons = add(reasons, c.bad());
      }
      if (value != null) {
        for (int r = 0; r < c.checks().length; r++) {
          Boolean broken = c.checks()[r].broken(value);
          if (broken == null) {
            return Verdict.UNDECIDED;
          }
          if (broken) {
            reasons = add(reasons, c.ruleReasons()[r]);
          }
        }
      }
    }
    int maxLength = schema.bounds().maxTextLength();
    for (int i = 0; i < n; i++) {
      String text = texts[i];
      if (columns[i].textKind()
          && text != null
          && text.length() > maxLength
          && text.codePointCount(0, text.length()) > maxLength) {
        reasons = add(reasons, columns[i].tooLong());
      }
    }
    for (int k : keyColumns) {
      if (texts[k] != null && invisible(texts[k])) {
        reasons = add(reasons, columns[k].invisible());
      }
    }
    if (values[eventTime] instanceof OffsetDateTime t
        && (t.isBefore(schema.bounds().eventMin()) || !t.isBefore(schema.bounds().eventMax()))) {
      reasons = add(reasons, columns[eventTime].spec().reason("out_of_range", "out_of_range"));
    }
    return new Verdict(values, texts, reasons == null ? List.of() : reasons, false);
  }

  private static List<String> add(List<String> reasons, String reason) {
    List<String> out = reasons == null ? new ArrayList<>(2) : reasons;
    out.add(reason);
    return out;
  }

  /** {@link #normalise}'s answer when case folding would depend on the database's locale. */
  private static final String UNDECIDED_TEXT = new String("undecided");

  /**
   * As {@link ColumnSpec#normalised} in SQL: spaces (only) trimmed, empty text and null tokens
   * missing, then case-folded (ASCII here; other letters fold by the database's locale).
   */
  private static String normalise(Column c, String raw) {
    if (raw == null) {
      return null;
    }
    String t = c.spec().trim() ? trimSpaces(raw) : raw;
    if (t.isEmpty()) {
      return null;
    }
    for (String token : c.nullTokens()) {
      if (t.equals(token)) {
        return null;
      }
    }
    return switch (c.spec().caseFold()) {
      case NONE -> t;
      case LOWER -> JavaParse.ascii(t) ? JavaParse.asciiLower(t) : UNDECIDED_TEXT;
      case UPPER -> JavaParse.ascii(t) ? JavaParse.asciiUpper(t) : UNDECIDED_TEXT;
    };
  }

  private static String trimSpaces(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == ' ') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == ' ') {
      b--;
    }
    return a == 0 && b == s.length() ? s : s.substring(a, b);
  }

  /** The characters {@code stage.Judgement.INVISIBLE} matches. */
  static boolean invisible(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 0x01 && c <= 0x1F)
          || (c >= 0x7F && c <= 0x9F)
          || c == 0x00AD
          || (c >= 0x200B && c <= 0x200F)
          || (c >= 0x202A && c <= 0x202E)
          || (c >= 0x2060 && c <= 0x2064)
          || (c >= 0x2066 && c <= 0x2069)
          || c == 0xFEFF) {
        return true;
      }
    }
    return false;
  }
}
