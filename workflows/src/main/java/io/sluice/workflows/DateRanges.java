package io.sluice.workflows;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Dates as compact ranges for people: {@code 2024-01-01..2024-01-09, 2024-02-03}. */
public final class DateRanges {

  private DateRanges() {}

  public static String of(List<LocalDate> dates) {
    if (dates.isEmpty()) {
      return "none";
    }
    List<String> out = new ArrayList<>();
    LocalDate start = null;
    LocalDate prev = null;
    for (LocalDate d : dates.stream().sorted().toList()) {
      if (prev != null && d.equals(prev.plusDays(1))) {
        prev = d;
        continue;
      }
      if (start != null) {
        out.add(range(start, prev));
      }
      start = d;
      prev = d;
    }
    out.add(range(start, prev));
    return String.join(", ", out);
  }

  /** The same for ISO date strings. */
  public static String ofIso(List<String> dates) {
    return of(dates.stream().map(LocalDate::parse).toList());
  }

  private static String range(LocalDate a, LocalDate b) {
    return a.equals(b) ? a.toString() : a + ".." + b;
  }
}
