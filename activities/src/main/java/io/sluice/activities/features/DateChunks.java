package io.sluice.activities.features;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Cuts a run of dates into consecutive runs of about equal work. */
final class DateChunks {

  /** The work of computing {@code dates[from..to]} (inclusive) in one statement. */
  @FunctionalInterface
  interface Cost {
    /** Must not decrease as {@code to} grows. */
    long of(int from, int to);
  }

  private DateChunks() {}

  /**
   * At most {@code n} non-empty runs of consecutive {@code dates} (in their order) whose largest
   * cost is as small as it can be: the smallest bound under which a greedy cut needs no more than n
   * runs, found by bisection.
   */
  static List<List<LocalDate>> split(List<LocalDate> dates, Cost cost, int n) {
    int k = Math.max(1, Math.min(n, dates.size()));
    if (k == 1) {
      return dates.isEmpty() ? List.of() : List.of(List.copyOf(dates));
    }
    long lo = 0;
    long hi = cost.of(0, dates.size() - 1);
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (cuts(dates.size(), cost, mid).size() + 1 <= k) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    List<List<LocalDate>> runs = new ArrayList<>();
    int from = 0;
    for (int cut : cuts(dates.size(), cost, lo)) {
      runs.add(List.copyOf(dates.subList(from, cut)));
      from = cut;
    }
    runs.add(List.copyOf(dates.subList(from, dates.size())));
    return runs;
  }

  /** Where greedy runs of cost at most {@code bound} start (after the first); one date at least. */
  private static List<Integer> cuts(int size, Cost cost, long bound) {
    List<Integer> cuts = new ArrayList<>();
    int from = 0;
    for (int i = 1; i < size; i++) {
      if (cost.of(from, i) > bound) {
        cuts.add(i);
        from = i;
      }
    }
    return cuts;
  }

  /**
   * The cost model of the range statement, from its plan: PostgreSQL tests every date of the
   * statement against every version it read (a nested loop over dates × the versions with event
   * time in [first date - window, last date]), then aggregates the (date, version) pairs of each
   * date's window. Rows are the staged rows per partition day ({@code stagedRows}).
   */
  static Cost rangeStatement(List<LocalDate> dates, Map<LocalDate, Long> stagedRows, int window) {
    LocalDate start = dates.get(0).minusDays(window);
    int span = (int) ChronoUnit.DAYS.between(start, dates.get(dates.size() - 1)) + 1;
    long[] prefix = new long[span + 1];
    for (int i = 0; i < span; i++) {
      prefix[i + 1] = prefix[i] + stagedRows.getOrDefault(start.plusDays(i), 0L);
    }
    BiFunction<LocalDate, LocalDate, Long> rows =
        (a, b) -> {
          int i = (int) Math.max(0, ChronoUnit.DAYS.between(start, a));
          int j = (int) Math.min(span, ChronoUnit.DAYS.between(start, b) + 1);
          return j <= i ? 0L : prefix[j] - prefix[i];
        };
    long[] pairs = new long[dates.size() + 1];
    for (int i = 0; i < dates.size(); i++) {
      LocalDate d = dates.get(i);
      pairs[i + 1] = pairs[i] + rows.apply(d.minusDays(window), d);
    }
    return (from, to) -> {
      long read = rows.apply(dates.get(from).minusDays(window), dates.get(to));
      // a join test weighed as one aggregated pair: the weight that balanced measured runs
      // (docs/adr/0004-one-pass-range-features.md)
      return pairs[to + 1] - pairs[from] + (to - from + 1) * read;
    };
  }
}
