package io.sluice.starter;

import io.sluice.workflows.BackfillProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * The live backfill display: one line, rewritten in place on a terminal (printed anew every {@link
 * #PLAIN_EVERY} or when the counts change otherwise, so logs stay readable).
 */
final class Progress {

  static final Duration PLAIN_EVERY = Duration.ofSeconds(10);
  private static final int BAR = 24;

  private final PrintStream out;
  private final boolean terminal;
  private String lastCounts = "";
  private long lastPrinted;
  private int printedFailures;

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(BackfillProgress p) {
    for (Map.Entry<String, String> e :
        p.failed().entrySet().stream().skip(printedFailures).toList()) {
      clearLine();
      out.printf("  FAILED %s: %s%n", e.getKey(), e.getValue());
      printedFailures++;
    }
    String line = line(p);
    String counts = p.phase() + p.done() + "/" + p.failed().size() + "/" + p.running() + p.paused();
    long now = System.currentTimeMillis();
    if (terminal) {
      out.print("\r" + line + "\033[K");
      out.flush();
    } else if (!counts.equals(lastCounts) || now - lastPrinted >= PLAIN_EVERY.toMillis()) {
      out.println(line);
      lastPrinted = now;
    }
    lastCounts = counts;
  }

  void finish() {
    if (terminal) {
      out.println();
    }
  }

  private void clearLine() {
    if (terminal) {
      out.print("\r\033[K");
    }
  }

  static String line(BackfillProgress p) {
    return line(p, System.currentTimeMillis());
  }

  /**
   * The elapsed time counts on from the backfill's start while a long activity runs (the query's
   * own figure stands still then); it never shows less than the workflow reported.
   */
  static String line(BackfillProgress p, long nowMillis) {
    long elapsed =
        p.startedAtMillis() > 0
            ? Math.max(p.elapsedMillis(), nowMillis - p.startedAtMillis())
            : p.elapsedMillis();
    int finished = p.done() + p.failed().size();
    int filled = p.total() == 0 ? BAR : (int) ((long) BAR * finished / p.total());
    String bar = "#".repeat(filled) + ".".repeat(BAR - filled);
    String eta = "-";
    if (finished > 0 && finished < p.total() && elapsed > 0) {
      eta = human(elapsed * (p.total() - finished) / finished);
    }
    return String.format(
        "[%s] %d/%d partitions  done %d  failed %d  running %d  rows %,d  elapsed %s  eta %s  %s%s",
        bar,
        finished,
        p.total(),
        p.done(),
        p.failed().size(),
        p.running(),
        p.rowsStaged(),
        human(elapsed),
        eta,
        p.phase(),
        p.paused() ? " (PAUSED)" : "");
  }

  static String human(long millis) {
    long s = millis / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
    }
    return (s / 3600) + "h" + String.format("%02d", s % 3600 / 60) + "m";
  }
}
