package io.sluice.activities.ingest;

import static io.sluice.activities.support.Html.esc;

import io.sluice.activities.ingest.IngestActivitiesImpl.IngestRejection;
import io.sluice.activities.support.Html;

/**
 * The page a person opens for a refused file: which file (name and SHA-256), where and what is
 * wrong, and what to do. Nothing read from the file is on it: the problem names lines, kinds and
 * the config's columns, never a value.
 */
final class RejectionHtml {

  private RejectionHtml() {}

  static String render(IngestRejection r) {
    StringBuilder b =
        Html.open("Sluice ingest refused: " + r.dataset() + " " + r.partitionDate(), "");
    b.append("<h1>Ingest of ")
        .append(esc(r.dataset()))
        .append(" / ")
        .append(esc(r.partitionDate()))
        .append("</h1>\n<p class=\"verdict fail-bg fail\">FILE REFUSED</p>\n")
        .append("<p>No row of this file is in raw, and no partition version was recorded: the")
        .append(" partition's later stages did not run.</p>\n");
    b.append("<table id=\"rejection\"><tr><th>file</th><td><code>")
        .append(esc(r.file()))
        .append("</code></td></tr><tr><th>SHA-256</th><td><code>")
        .append(esc(r.sha256()))
        .append("</code></td></tr><tr><th>line</th><td id=\"line\">")
        .append(r.line() == null ? "" : r.line().toString())
        .append("</td></tr><tr><th>problem</th><td id=\"kind\"><code>")
        .append(esc(r.kind()))
        .append("</code></td></tr><tr><th>message</th><td id=\"problem\">")
        .append(esc(r.problem()))
        .append("</td></tr>")
        .append(Html.runRows(r.runId(), r.temporal()))
        .append("</table>\n<h2>What to do</h2>\n<p id=\"what-to-do\">")
        .append(esc(r.whatToDo()))
        .append("</p>\n<p>The refusal of these bytes is final: every later run of this partition")
        .append(" refuses a file with this SHA-256 again without reading it. Put the corrected")
        .append(" file in its place, under the same or another name, and run the partition")
        .append(" again.</p>\n");
    return Html.close(b);
  }
}
