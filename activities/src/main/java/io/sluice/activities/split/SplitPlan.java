package io.sluice.activities.split;

import java.time.LocalDate;
import java.util.List;

/**
 * A time-based split of labelled feature dates: train, then val, then test, each later one starting
 * more than {@code embargoDays} after the previous one ends, so no training label window reaches
 * into a later split's feature dates. Ranges are inclusive; an empty split has nulls.
 */
public record SplitPlan(Range train, Range val, Range test, int embargoDays) {

  public record Range(LocalDate from, LocalDate to) {
    static final Range EMPTY = new Range(null, null);

    boolean isEmpty() {
      return from == null;
    }
  }

  /**
   * Plans the split of {@code dates} (ascending, distinct). Dates inside an embargo belong to no
   * split. Deterministic: the same dates and settings give the same plan.
   */
  public static SplitPlan plan(
      List<LocalDate> dates, double train, double val, double test, int embargoDays) {
    int n = dates.size();
    if (n == 0) {
      return new SplitPlan(Range.EMPTY, Range.EMPTY, Range.EMPTY, embargoDays);
    }
    int nTrain = Math.max(1, (int) Math.floor(n * train));
    Range trainRange = new Range(dates.get(0), dates.get(nTrain - 1));
    int i = firstAfter(dates, nTrain, trainRange.to().plusDays(embargoDays));
    int nVal = Math.min((int) Math.floor(n * val), n - i);
    Range valRange = nVal <= 0 ? Range.EMPTY : new Range(dates.get(i), dates.get(i + nVal - 1));
    LocalDate lastUsed = valRange.isEmpty() ? trainRange.to() : valRange.to();
    int j = firstAfter(dates, i + Math.max(nVal, 0), lastUsed.plusDays(embargoDays));
    Range testRange = j >= n || test <= 0 ? Range.EMPTY : new Range(dates.get(j), dates.get(n - 1));
    return new SplitPlan(trainRange, valRange, testRange, embargoDays);
  }

  private static int firstAfter(List<LocalDate> dates, int start, LocalDate last) {
    int i = start;
    while (i < dates.size() && !dates.get(i).isAfter(last)) {
      i++;
    }
    return i;
  }
}
