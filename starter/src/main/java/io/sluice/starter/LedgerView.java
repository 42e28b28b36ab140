package io.sluice.starter;

import io.sluice.activities.ops.PartitionStates;
import io.sluice.activities.ops.PartitionStates.Partition;
import io.sluice.activities.ops.PartitionStates.State;
import io.sluice.workflows.Partitions;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The ledger of a dataset over a range, read for {@code status} and {@code stale}. */
final class LedgerView {

  @Option(names = "--from", description = "First partition (default: the ledger's first).")
  String from;

  @Option(names = "--to", description = "Last partition (default: the ledger's last).")
  String to;

  static final int MAX_LISTED = 40;

  /** The partitions of the range, or null (with a message) when the ledger has none. */
  List<Partition> read(LedgerOptions ledger, String dataset) {
    Partitions.requireDataset(dataset);
    return ledger.withDb(
        dsl -> {
          PartitionStates states = new PartitionStates(dsl, ledger.settings());
          String f = from;
          String t = to;
          if (f == null || t == null) {
            LocalDate[] bounds = states.bounds(dataset);
            if (bounds == null && (f == null || t == null)) {
              System.err.println(
                  "sluice: the ledger has no partition of "
                      + dataset
                      + " yet; give --from and --to to see a range");
              return null;
            }
            f = f != null ? f : bounds[0].toString();
            t = t != null ? t : bounds[1].toString();
          }
          return states.read(dataset, f, t);
        });
  }

  static Map<State, Integer> counts(List<Partition> partitions) {
    Map<State, Integer> m = new EnumMap<>(State.class);
    for (State s : State.values()) {
      m.put(s, 0);
    }
    partitions.forEach(p -> m.merge(p.state(), 1, Integer::sum));
    return m;
  }

  /** One line per month, one column per day of the month. */
  static void calendar(PrintStream out, List<Partition> partitions) {
    Map<YearMonth, char[]> months = new TreeMap<>();
    for (Partition p : partitions) {
      char[] row =
          months.computeIfAbsent(
              YearMonth.from(p.date()),
              m -> {
                char[] r = new char[31];
                java.util.Arrays.fill(r, ' ');
                return r;
              });
      row[p.date().getDayOfMonth() - 1] = p.state().mark;
    }
    StringBuilder header = new StringBuilder("        ");
    for (int d = 1; d <= 31; d++) {
      header.append(String.format("%3d", d));
    }
    out.println(header);
    months.forEach(
        (m, row) -> {
          StringBuilder line = new StringBuilder(m.toString()).append(" ");
          for (char c : row) {
            line.append("  ").append(c);
          }
          out.println(line.toString().stripTrailing());
        });
    out.println("D done  F failed  L late  R running  S stale  . missing");
    out.println(
        counts(partitions).entrySet().stream()
            .map(e -> e.getKey().name().toLowerCase(java.util.Locale.ROOT) + " " + e.getValue())
            .collect(Collectors.joining("  ")));
  }

  /**
   * The partitions in {@code states}, one per line with the reason, at most {@link #MAX_LISTED}.
   */
  static void list(PrintStream out, List<Partition> partitions, List<State> states) {
    List<Partition> shown = partitions.stream().filter(p -> states.contains(p.state())).toList();
    for (Partition p : shown.stream().limit(MAX_LISTED).toList()) {
      out.printf("%-7s %s  %s%n", p.state(), p.date(), p.reason());
    }
    if (shown.size() > MAX_LISTED) {
      out.printf("... and %d more%n", shown.size() - MAX_LISTED);
    }
  }
}
