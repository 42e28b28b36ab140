package io.sluice.activities.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The time-based split and its embargo, on plain lists of labelled feature dates. */
class SplitPlanTest {

  static final LocalDate START = LocalDate.of(2024, 1, 1);

  static List<LocalDate> days(int n) {
    return Stream.iterate(START, d -> d.plusDays(1)).limit(n).toList();
  }

  @Test
  void noTrainingLabelWindowReachesALaterSplit() {
    int horizon = 7;
    SplitPlan p = SplitPlan.plan(days(100), 0.7, 0.15, 0.15, horizon);
    // A training row of date d has its label window [d+1, d+horizon]; the next split must start
    // after the last of those days.
    assertThat(ChronoUnit.DAYS.between(p.train().to(), p.val().from())).isGreaterThan(horizon);
    assertThat(ChronoUnit.DAYS.between(p.val().to(), p.test().from())).isGreaterThan(horizon);
    assertThat(p.train()).isEqualTo(new SplitPlan.Range(START, START.plusDays(69)));
    assertThat(p.val().from()).isEqualTo(START.plusDays(77));
    assertThat(p.embargoDays()).isEqualTo(horizon);
  }

  @Test
  void datesInsideAnEmbargoBelongToNoSplit() {
    SplitPlan p = SplitPlan.plan(days(100), 0.7, 0.15, 0.15, 7);
    long used =
        days(100).stream()
            .filter(d -> in(p.train(), d) || in(p.val(), d) || in(p.test(), d))
            .count();
    assertThat(used).isEqualTo(100 - 2 * 7);
    assertThat(days(100).stream().filter(d -> in(p.train(), d) && in(p.val(), d))).isEmpty();
  }

  @Test
  void gapsInTheDatesAreRespected() {
    // Labelled dates with a hole: the embargo is counted in calendar days, not in rows.
    List<LocalDate> dates =
        Stream.concat(days(10).stream(), Stream.of(START.plusDays(12), START.plusDays(30)))
            .toList();
    SplitPlan p = SplitPlan.plan(dates, 0.5, 0.25, 0.25, 7);
    assertThat(p.train()).isEqualTo(new SplitPlan.Range(START, START.plusDays(5)));
    assertThat(p.val().from()).isAfter(p.train().to().plusDays(7));
  }

  @Test
  void theSameDatesGiveTheSamePlan() {
    assertThat(SplitPlan.plan(days(60), 0.7, 0.15, 0.15, 7))
        .isEqualTo(SplitPlan.plan(days(60), 0.7, 0.15, 0.15, 7));
  }

  @Test
  void tooFewDatesLeaveTheLaterSplitsEmpty() {
    SplitPlan p = SplitPlan.plan(days(5), 0.7, 0.15, 0.15, 7);
    assertThat(p.train()).isEqualTo(new SplitPlan.Range(START, START.plusDays(2)));
    assertThat(p.val().from()).isNull();
    assertThat(p.test().from()).isNull();
    assertThat(SplitPlan.plan(List.of(), 0.7, 0.15, 0.15, 7).train().from()).isNull();
  }

  private static boolean in(SplitPlan.Range r, LocalDate d) {
    return r.from() != null && !d.isBefore(r.from()) && !d.isAfter(r.to());
  }
}
