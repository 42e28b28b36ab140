package io.sluice.activities.validate;

import io.sluice.activities.validate.ValidationReport.ColumnProfile;
import io.sluice.activities.validate.ValidationReport.Outcome;
import java.util.List;
import java.util.Locale;

/**
 * The validation report a person opens: one self-contained HTML file (inline CSS, inline SVG
 * histograms, no scripts, nothing fetched).
 */
final class HtmlReport {

  private HtmlReport() {}

  static String render(ValidationReport r) {
    StringBuilder b = new StringBuilder(16_384);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Sluice validation: ")
        .append(esc(r.dataset() + " " + r.partitionDate()))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1600px}")
        .append("table{border-collapse:collapse;margin:1em 0;width:100%}")
        .append(
            "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;white-space:nowrap}"
                + "td.wrap{white-space:normal;min-width:22em}")
        .append("th{background:#f3f3f3}.ok{color:#176b1f;font-weight:600}")
        .append(".fail{color:#b00020;font-weight:600}.warn{color:#a65c00;font-weight:600}")
        .append(
            ".verdict{font-size:1.4em;padding:.4em .8em;display:inline-block;border-radius:4px}")
        .append(".pass-bg{background:#e3f4e4}.fail-bg{background:#fde7ea}")
        .append("code{font-size:.9em}.hist{display:inline-block;margin:0 2em 1em 0}")
        .append("</style></head><body>\n");
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
    b.append("<table><tr><th>run</th><td><code>")
        .append(esc(r.runId()))
        .append("</code></td></tr><tr><th>partition version</th><td>")
        .append(r.partitionVersion())
        .append("</td></tr><tr><th>rows</th><td>")
        .append(r.rowCount())
        .append("</td></tr><tr><th>files</th><td>")
        .append(esc(String.join(", ", r.files())))
        .append("</td></tr></table>\n");

    b.append("<h2>Expectations</h2>\n<table><tr><th>status</th><th>name</th><th>type</th>")
        .append("<th>column</th><th>severity</th><th>mostly</th><th>checked</th>")
        .append("<th>unexpected</th><th>observed</th><th>unexpected samples</th></tr>\n");
    for (Outcome o : r.expectations()) {
      String cls = o.success() ? "ok" : "error".equals(o.severity()) ? "fail" : "warn";
      b.append("<tr><td class=\"")
          .append(cls)
          .append("\">")
          .append(o.success() ? "pass" : "fail")
          .append("</td><td>")
          .append(esc(o.name()))
          .append("</td><td>")
          .append(esc(o.type()))
          .append("</td><td>")
          .append(esc(o.column() == null ? "" : o.column()))
          .append("</td><td>")
          .append(esc(o.severity()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f", o.mostly()))
          .append("</td><td>")
          .append(o.elementCount())
          .append("</td><td>")
          .append(o.unexpectedCount())
          .append("</td><td class=\"wrap\">")
          .append(esc(o.observed()))
          .append("</td><td>");
      for (String s : o.unexpectedSamples()) {
        b.append("<code>").append(esc(s)).append("</code><br>");
      }
      b.append("</td></tr>\n");
    }
    b.append("</table>\n<h2>Columns</h2>\n<table><tr><th>column</th><th>missing</th>")
        .append("<th>missing %</th><th>mean</th><th>min</th><th>max</th></tr>\n");
    for (ColumnProfile c : r.columns()) {
      b.append("<tr><td>")
          .append(esc(c.column()))
          .append("</td><td>")
          .append(c.nullCount())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.2f", 100 * c.nullFraction()))
          .append("</td><td>")
          .append(num(c.mean()))
          .append("</td><td>")
          .append(num(c.min()))
          .append("</td><td>")
          .append(num(c.max()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n<h2>Distributions</h2>\n");
    for (ColumnProfile c : r.columns()) {
      if (!c.histogram().isEmpty()) {
        b.append(histogram(c));
      }
    }
    b.append("\n</body></html>\n");
    return b.toString();
  }

  /** Bars of equal width; heights relative to the fullest bin. */
  static String histogram(ColumnProfile c) {
    List<Long> bins = c.histogram();
    int w = 400;
    int h = 140;
    int bar = w / bins.size();
    long top = Math.max(1, bins.stream().mapToLong(Long::longValue).max().orElse(1));
    StringBuilder b = new StringBuilder();
    b.append("<figure class=\"hist\"><figcaption>")
        .append(esc(c.column()))
        .append(" (")
        .append(num(c.min()))
        .append(" .. ")
        .append(num(c.max()))
        .append(")</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(h + 20)
        .append("\" role=\"img\" aria-label=\"histogram of ")
        .append(esc(c.column()))
        .append("\">");
    for (int i = 0; i < bins.size(); i++) {
      long n = bins.get(i);
      int bh = (int) Math.round((double) n / top * h);
      b.append("<rect x=\"")
          .append(i * bar + 1)
          .append("\" y=\"")
          .append(h - bh)
          .append("\" width=\"")
          .append(bar - 2)
          .append("\" height=\"")
          .append(bh)
          .append("\" fill=\"#4a78b5\"><title>")
          .append(n)
          .append("</title></rect>");
    }
    b.append("<line x1=\"0\" y1=\"")
        .append(h)
        .append("\" x2=\"")
        .append(w)
        .append("\" y2=\"")
        .append(h)
        .append("\" stroke=\"#333\"/><text x=\"0\" y=\"")
        .append(h + 15)
        .append("\" font-size=\"11\">")
        .append(num(c.min()))
        .append("</text><text x=\"")
        .append(w)
        .append("\" y=\"")
        .append(h + 15)
        .append("\" font-size=\"11\" text-anchor=\"end\">")
        .append(num(c.max()))
        .append("</text></svg></figure>\n");
    return b.toString();
  }

  private static String num(Double d) {
    return d == null ? "" : String.format(Locale.ROOT, "%.2f", d);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
