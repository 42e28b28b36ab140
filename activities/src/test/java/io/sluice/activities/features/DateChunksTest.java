package io.sluice.activities.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DateChunksTest {

  private static final LocalDate FIRST = LocalDate.of(2024, 1, 1);

  private static List<LocalDate> dates(int n) {
    return IntStream.range(0, n).mapToObj(FIRST::plusDays).toList();
  }

  /** Each date costs 1. */
  private static final DateChunks.Cost FLAT = (from, to) -> to - from + 1;

  private static Map<LocalDate, Long> staged(int days, long rowsPerDay) {
    Map<LocalDate, Long> rows = new HashMap<>();
    for (LocalDate d : dates(days)) {
      rows.put(d, rowsPerDay);
    }
    return rows;
  }

  @Test
  void equalWorkGivesRunsOfEqualLengthThatCoverEveryDateInOrder() {
    List<List<LocalDate>> runs = DateChunks.split(dates(90), FLAT, 2);
    assertThat(runs).extracting(List::size).containsExactly(45, 45);
    assertThat(runs.stream().flatMap(List::stream).toList()).isEqualTo(dates(90));
    assertThat(DateChunks.split(dates(90), FLAT, 4))
        .extracting(List::size)
        .containsExactly(23, 23, 23, 21);
  }

  @Test
  void theLargestRunCostsAsLittleAsAnyCutAllows() {
    // a backfill from the start of history: the later dates' windows hold more days
    List<LocalDate> all = dates(90);
    DateChunks.Cost cost = DateChunks.rangeStatement(all, staged(90, 2000), 90);
    List<List<LocalDate>> runs = DateChunks.split(all, cost, 2);
    assertThat(runs).hasSize(2);
    int cut = runs.get(0).size();
    long largest = Math.max(cost.of(0, cut - 1), cost.of(cut, 89));
    for (int other = 1; other < 90; other++) {
      assertThat(largest).isLessThanOrEqualTo(Math.max(cost.of(0, other - 1), cost.of(other, 89)));
    }
    // the later run reads every version for each of its dates: it gets fewer dates
    assertThat(runs.get(0).size()).isGreaterThan(runs.get(1).size());
  }

  @Test
  void theModelCountsPairsAndJoinTests() {
    // 3 days of 10 rows, window 1: date i reads days i-1 and i
    List<LocalDate> all = dates(3);
    DateChunks.Cost cost = DateChunks.rangeStatement(all, staged(3, 10), 1);
    // one date (the first): 10 pairs (no day before it) + 1 date x 10 rows read
    assertThat(cost.of(0, 0)).isEqualTo(10 + 10);
    // all three: pairs 10 + 20 + 20, then 3 dates x 30 rows read
    assertThat(cost.of(0, 2)).isEqualTo(50 + 3 * 30);
  }

  @Test
  void neverMoreRunsThanDatesNorAnEmptyRun() {
    assertThat(DateChunks.split(dates(3), FLAT, 8)).extracting(List::size).containsExactly(1, 1, 1);
    assertThat(DateChunks.split(dates(1), FLAT, 4)).containsExactly(dates(1));
    assertThat(DateChunks.split(dates(5), FLAT, 1)).containsExactly(dates(5));
    assertThat(DateChunks.split(dates(5), FLAT, 0)).containsExactly(dates(5));
    assertThat(DateChunks.split(List.of(), FLAT, 2)).isEmpty();
    // all the work on the last date: it gets a run of its own, the others share
    DateChunks.Cost last = (from, to) -> (to - from + 1) + (to == 9 ? 1_000_000 : 0);
    List<List<LocalDate>> runs = DateChunks.split(dates(10), last, 4);
    assertThat(runs).allSatisfy(r -> assertThat(r).isNotEmpty());
    assertThat(runs.get(runs.size() - 1)).containsExactly(FIRST.plusDays(9));
    assertThat(runs.stream().flatMap(List::stream).toList()).isEqualTo(dates(10));
  }
}
