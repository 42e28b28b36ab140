package io.sluice.activities.validate;

import static io.sluice.activities.support.Html.cut;
import static io.sluice.activities.support.Html.esc;

import io.sluice.activities.support.Html;
import io.sluice.activities.validate.ValidationReport.ColumnProfile;
import io.sluice.activities.validate.ValidationReport.Outcome;
import io.sluice.activities.validate.ValidationReport.Quarantine;
import io.sluice.activities.validate.ValidationReport.ReasonCount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The validation report a person opens: one self-contained HTML file (inline CSS, inline SVG
 * histograms, no scripts, nothing fetched). Failed expectations come first, shaded; the tables wrap
 * rather than scroll on a laptop's screen.
 */
final class HtmlReport {

  /** Characters of an unexpected sample shown in the table; the rest is in its title. */
  static final int SAMPLE_CHARS = 60;

  private static final String CSS =
      "table.fit{width:100%;table-layout:fixed}"
          + "table.fit td,table.fit th{overflow-wrap:anywhere;word-break:break-word}"
          + "tr.failed-error>td{background:#fde7ea}tr.failed-warn>td{background:#fff1d6}"
          + ".hist{display:inline-block;margin:0 2em 1em 0}.note{color:#555}";

  private HtmlReport() {}

  static String render(ValidationReport r) {
    StringBuilder b = Html.open("Sluice validation: " + r.dataset() + " " + r.partitionDate(), CSS);
    b.append("<h1>Validation of ")
        .append(esc(r.dataset()))
        .append(" / ")
        .append(esc(r.partitionDate()))
        .append("</h1>\n");
    b.append("<p class=\"verdict ")
        .append(r.success() ? "pass-bg ok\">PASSED" : "fail-bg fail\">FAILED")
        .append("</p>\n<p>")
        .append(r.errorFailures())
        .append(" error-level and ")
        .append(r.warnFailures())
        .append(" warning-level expectation(s) failed, of ")
        .append(r.expectations().size())
        .append(".</p>\n");
    b.append("<table>")
        .append(Html.runRows(r.runId(), r.temporal()))
        .append("<tr><th>partition version</th><td>")
        .append(r.partitionVersion())
        .append("</td></tr><tr><th>rows</th><td>")
        .append(r.rowCount())
        .append("</td></tr><tr><th>files</th><td>")
        .append(esc(String.join(", ", r.files())))
        .append("</td></tr></table>\n");
    expectations(b, r.expectations());
    quarantine(b, r);
    columns(b, r.columns());
    b.append("<h2>Distributions</h2>\n");
    for (ColumnProfile c : r.columns()) {
      if (!c.histogram().isEmpty()) {
        b.append(histogram(c));
      }
    }
    return Html.close(b);
  }

  /** Error-level failures, then warn-level failures, then passes; each group in config order. */
  static List<Outcome> failedFirst(List<Outcome> outcomes) {
    return outcomes.stream().sorted(Comparator.comparingInt(HtmlReport::rank)).toList();
  }

  private static int rank(Outcome o) {
    return o.success() ? 2 : "error".equals(o.severity()) ? 0 : 1;
  }

  private static void expectations(StringBuilder b, List<Outcome> outcomes) {
    // fixed layout: the widths below hold at any screen width, and long text wraps inside them
    b.append("<h2>Expectations</h2>\n<table id=\"expectations\" class=\"fit\"><colgroup>")
        .append("<col style=\"width:4em\"/><col style=\"width:15%\"/><col style=\"width:7%\"/>")
        .append("<col style=\"width:9%\"/><col style=\"width:4.5em\"/><col style=\"width:4.5em\"/>")
        .append("<col style=\"width:5.5em\"/><col style=\"width:6.5em\"/><col/>")
        .append("<col style=\"width:20%\"/></colgroup>\n")
        .append("<tr><th>status</th><th>name</th><th>type</th>")
        .append("<th>column</th><th>severity</th><th>mostly</th><th>checked</th>")
        .append("<th>unexpected</th><th>observed</th><th>unexpected samples</th></tr>\n");
    for (Outcome o : failedFirst(outcomes)) {
      boolean error = "error".equals(o.severity());
      b.append("<tr class=\"")
          .append(o.success() ? "passed" : error ? "failed-error" : "failed-warn")
          .append("\"><td class=\"")
          .append(o.success() ? "ok" : error ? "fail" : "warn")
          .append("\">")
          .append(o.success() ? "pass" : "fail")
          .append("</td><td")
          .append(o.expects() == null ? "" : " title=\"" + esc(o.expects()) + "\"")
          .append(">")
          .append(esc(o.name()))
          .append("</td><td>")
          .append(esc(o.type()))
          .append("</td><td>")
          .append(esc(o.column()))
          .append("</td><td>")
          .append(esc(o.severity()))
          .append("</td><td class=\"n\">")
          .append(String.format(Locale.ROOT, "%.3f", o.mostly()))
          .append("</td><td class=\"n\">")
          .append(o.elementCount())
          .append("</td><td class=\"n\">")
          .append(o.unexpectedCount())
          .append("</td><td>")
          .append(esc(o.observed()))
          .append("</td><td>");
      for (String s : o.unexpectedSamples()) {
        b.append("<code>").append(cut(s, SAMPLE_CHARS)).append("</code><br/>");
      }
      b.append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  /** The rows staging quarantined, per reason, once the partition is staged. */
  private static void quarantine(StringBuilder b, ValidationReport r) {
    b.append("<h2>Quarantine</h2>\n");
    Quarantine q = r.quarantine();
    if (q == null) {
      b.append("<p class=\"note\">")
          .append(
              r.success()
                  ? "Not staged yet: staging adds the rows it quarantines, and why, to this report."
                  : "Not staged: an error-level expectation failed, so the run stopped here.")
          .append("</p>\n");
      return;
    }
    b.append("<p id=\"reconciliation\">raw ")
        .append(q.rawRows())
        .append(" = quarantined ")
        .append(q.quarantinedRows())
        .append(" + staged ")
        .append(q.stagedRows())
        .append(" + duplicates ")
        .append(q.duplicateRows())
        .append("</p>\n");
    if (q.repeatedKeys() != null && q.repeatedKeys() > 0) {
      b.append("<p id=\"repeated\">")
          .append(q.repeatedKeys())
          .append(" staged rows share their primary key with another row of this partition (an")
          .append(" events dataset stages every valid row: a producer that sends an event twice")
          .append(" shows here).</p>\n");
    }
    if (q.reasons().isEmpty()) {
      b.append("<p>No row was quarantined.</p>\n");
      return;
    }
    b.append("<table id=\"quarantine\"><tr><th>reason</th><th>rows</th></tr>\n");
    long counted = 0;
    for (ReasonCount c : q.reasons()) {
      counted += c.rows();
      b.append("<tr><td><code>")
          .append(esc(c.reason()))
          .append("</code></td><td class=\"n\">")
          .append(c.rows())
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
    if (counted > q.quarantinedRows()) {
      b.append("<p class=\"note\">A row with several reasons counts under each of them.</p>\n");
    }
    b.append("<p class=\"note\">The rows, with their file, line and raw record, are in")
        .append(" <code>quarantine.")
        .append(esc(r.dataset()))
        .append("</code> under partition_date ")
        .append(esc(r.partitionDate()))
        .append(".</p>\n");
  }

  private static void columns(StringBuilder b, List<ColumnProfile> columns) {
    b.append("<h2>Columns</h2>\n<table><tr><th>column</th><th>missing</th>")
        .append("<th>missing %</th><th>mean</th><th>min</th><th>max</th></tr>\n");
    for (ColumnProfile c : columns) {
      b.append("<tr><td>")
          .append(esc(c.column()))
          .append("</td><td class=\"n\">")
          .append(c.nullCount())
          .append("</td><td class=\"n\">")
          .append(String.format(Locale.ROOT, "%.2f", 100 * c.nullFraction()))
          .append("</td><td class=\"n\">")
          .append(num(c.mean()))
          .append("</td><td class=\"n\">")
          .append(num(c.min()))
          .append("</td><td class=\"n\">")
          .append(num(c.max()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static final int PLOT_W = 400;
  private static final int PLOT_H = 140;
  private static final int LEFT = 56;
  private static final int TOP = 16;

  /**
   * Bars of equal width, heights relative to the fullest bin; the y axis counts rows (0, half and
   * the fullest bin), the x axis gives the bounds of every fifth bin, and each bar's title its own
   * bounds and count.
   */
  static String histogram(ColumnProfile c) {
    List<Long> bins = c.histogram();
    int bar = PLOT_W / bins.size();
    long top = Math.max(1, bins.stream().mapToLong(Long::longValue).max().orElse(1));
    int baseline = TOP + PLOT_H;
    double min = c.min() == null ? 0 : c.min();
    double max = c.max() == null ? min : c.max();
    // all values equal: they are all in the first bin, which has no width to speak of
    boolean single = min == max;
    double width = (max - min) / bins.size();
    StringBuilder b = new StringBuilder();
    b.append("<figure class=\"hist\"><figcaption>")
        .append(esc(c.column()))
        .append(" (")
        .append(num(c.min()))
        .append(" .. ")
        .append(num(c.max()))
        .append(")</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(LEFT + PLOT_W + 30)
        .append("\" height=\"")
        .append(baseline + 36)
        .append("\" font-size=\"11\" role=\"img\" aria-label=\"histogram of ")
        .append(esc(c.column()))
        .append("\">");
    for (int i = 0; i < bins.size(); i++) {
      long n = bins.get(i);
      int bh = (int) Math.round((double) n / top * PLOT_H);
      String range =
          single
              ? axis(min, Math.abs(min))
              : "["
                  + axis(min + i * width, width)
                  + ", "
                  + axis(i == bins.size() - 1 ? max : min + (i + 1) * width, width)
                  + (i == bins.size() - 1 ? "]" : ")");
      b.append("<rect x=\"")
          .append(LEFT + i * bar + 1)
          .append("\" y=\"")
          .append(baseline - bh)
          .append("\" width=\"")
          .append(bar - 2)
          .append("\" height=\"")
          .append(bh)
          .append("\" fill=\"#4a78b5\"><title>")
          .append(esc(range))
          .append(": ")
          .append(n)
          .append(n == 1 ? " row" : " rows")
          .append("</title></rect>");
    }
    // y axis: rows
    line(b, LEFT, TOP, LEFT, baseline);
    for (long tick : top >= 2 ? List.of(0L, top / 2, top) : List.of(0L, top)) {
      int y = baseline - (int) Math.round((double) tick / top * PLOT_H);
      line(b, LEFT - 4, y, LEFT, y);
      text(b, LEFT - 6, y + 4, "end", "y-tick", Long.toString(tick));
    }
    text(b, LEFT - 6, TOP - 6, "end", "y-title", "rows");
    // x axis: bin bounds
    line(b, LEFT, baseline, LEFT + PLOT_W, baseline);
    if (single) {
      text(b, LEFT + bar / 2, baseline + 14, "middle", "x-tick", axis(min, Math.abs(min)));
    } else {
      int step = Math.max(1, bins.size() / 4);
      List<Integer> ticks = new ArrayList<>();
      for (int i = 0; i < bins.size(); i += step) {
        ticks.add(i);
      }
      ticks.add(bins.size());
      for (int i : ticks) {
        int x = LEFT + i * bar;
        line(b, x, baseline, x, baseline + 4);
        text(
            b,
            x,
            baseline + 16,
            "middle",
            "x-tick",
            axis(i == bins.size() ? max : min + i * width, width));
      }
    }
    text(b, LEFT + PLOT_W / 2, baseline + 32, "middle", "x-title", c.column());
    b.append("</svg></figure>\n");
    return b.toString();
  }

  private static void line(StringBuilder b, int x1, int y1, int x2, int y2) {
    b.append("<line x1=\"")
        .append(x1)
        .append("\" y1=\"")
        .append(y1)
        .append("\" x2=\"")
        .append(x2)
        .append("\" y2=\"")
        .append(y2)
        .append("\" stroke=\"#333\"/>");
  }

  private static void text(StringBuilder b, int x, int y, String anchor, String cls, String s) {
    b.append("<text class=\"")
        .append(cls)
        .append("\" x=\"")
        .append(x)
        .append("\" y=\"")
        .append(y)
        .append("\" text-anchor=\"")
        .append(anchor)
        .append("\">")
        .append(esc(s))
        .append("</text>");
  }

  /**
   * A bound on an axis, with the decimals that tell bins of {@code width} apart (two at least, as
   * for money) and no trailing zeros; a huge one in three significant digits.
   */
  static String axis(double d, double width) {
    if (Math.abs(d) >= 1e9) {
      return String.format(Locale.ROOT, "%.3g", d);
    }
    int decimals =
        width > 0 ? Math.min(10, Math.max(2, 1 - (int) Math.floor(Math.log10(width)))) : 2;
    BigDecimal v =
        BigDecimal.valueOf(d).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros();
    return v.signum() == 0 ? "0" : v.toPlainString();
  }

  private static String num(Double d) {
    return d == null ? "" : String.format(Locale.ROOT, "%.2f", d);
  }
}
