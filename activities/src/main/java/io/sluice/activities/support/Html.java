package io.sluice.activities.support;

import java.util.Locale;

/**
 * What every report page shares: its frame and style, escaping, long values cut, the link to the
 * Temporal run. Pages are self-contained (inline CSS, no script, nothing fetched) and written in
 * XHTML syntax, so that they are well-formed XML as well as HTML.
 */
public final class Html {

  /** Characters of a title attribute holding a cut value: enough to read, not a whole field. */
  static final int TITLE_MAX = 1_000;

  private static final String CSS =
      "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1600px}"
          + "table{border-collapse:collapse;margin:1em 0}"
          + "th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}"
          + "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}"
          + "code{font-size:.9em}.ok{color:#176b1f;font-weight:600}"
          + ".fail{color:#b00020;font-weight:600}.warn{color:#a65c00;font-weight:600}"
          + ".verdict{font-size:1.4em;padding:.4em .8em;display:inline-block;border-radius:4px}"
          + ".pass-bg{background:#e3f4e4}.fail-bg{background:#fde7ea}";

  private Html() {}

  /**
   * The start of a page, up to and including {@code <body>}; {@code css} adds to the shared style.
   */
  public static StringBuilder open(String title, String css) {
    return new StringBuilder(16_384)
        .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
        .append("<title>")
        .append(esc(title))
        .append("</title><style>")
        .append(CSS)
        .append(css)
        .append("</style></head><body>\n");
  }

  public static String close(StringBuilder page) {
    return page.append("\n</body></html>\n").toString();
  }

  /**
   * Text or an attribute's value, with markup escaped, and every character a reader could not see
   * (controls, line breaks, zero-width and direction marks, byte-order marks) shown as {@code
   * [U+XXXX]}: a value from a data file renders as the text it is, and a mark that would reorder or
   * hide text on screen is named instead.
   */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (hidden(cp)) {
            b.append(String.format(Locale.ROOT, "[U+%04X]", cp));
          } else {
            b.appendCodePoint(cp);
          }
        }
      }
    }
    return b.toString();
  }

  /** Unseen on a page, or not allowed in XML at all (controls, lone surrogates, U+FFFE/F). */
  private static boolean hidden(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.SURROGATE
        || cp == 0xFFFE
        || cp == 0xFFFF;
  }

  /**
   * Up to {@code max} characters of {@code s}, escaped; a longer value is cut with an ellipsis and
   * its text (up to {@link #TITLE_MAX} characters) is in the title that a pointer shows.
   */
  public static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    int length = s.codePointCount(0, s.length());
    if (length <= max) {
      return esc(s);
    }
    String title =
        length <= TITLE_MAX
            ? s
            : s.substring(0, s.offsetByCodePoints(0, TITLE_MAX))
                + "\u2026 (the first "
                + TITLE_MAX
                + " of "
                + length
                + " characters)";
    return "<span title=\""
        + esc(title)
        + "\">"
        + esc(s.substring(0, s.offsetByCodePoints(0, max)))
        + "\u2026</span>";
  }

  /**
   * Two rows of a page's summary table: Sluice's run id, and the workflow run (linked) when the
   * report knows it.
   */
  public static String runRows(String runId, TemporalRun run) {
    String rows = "<tr><th>run</th><td><code>" + esc(runId) + "</code></td></tr>";
    return run == null
        ? rows
        : rows + "<tr><th>workflow</th><td>" + temporalRun(run) + "</td></tr>";
  }

  /**
   * The workflow run a report was written for, linked to its history in the Temporal UI when one is
   * configured; empty for a report that does not know its run.
   */
  public static String temporalRun(TemporalRun run) {
    if (run == null) {
      return "";
    }
    String text =
        "<code>"
            + esc(run.workflowId())
            + "</code> run <code>"
            + esc(run.workflowRunId())
            + "</code>";
    if (run.historyUrl() == null) {
      return text;
    }
    return "<a id=\"temporal-run\" href=\""
        + esc(run.historyUrl())
        + "\">"
        + text
        + "</a> (Temporal UI, namespace "
        + esc(run.namespace())
        + ")";
  }
}
