package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Text from a data file on a report page: escaped, its invisible characters named, long ones cut.
 */
class HtmlTest {

  @Test
  void markupIsEscapedAndInvisibleCharactersAreNamed() {
    assertThat(Html.esc("<a href='x'>&\"</a>"))
        .isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    assertThat(Html.esc("a\u0001b\nc\u200Bd\u202Ee\uFEFF"))
        .isEqualTo("a[U+0001]b[U+000A]c[U+200B]d[U+202E]e[U+FEFF]");
    assertThat(Html.esc("Zo\u00eb \u65e5\u672c \ud83d\ude00"))
        .isEqualTo("Zo\u00eb \u65e5\u672c \ud83d\ude00");
    assertThat(Html.esc("lone \ud83d")).isEqualTo("lone [U+D83D]");
    assertThat(Html.esc(null)).isEmpty();
  }

  @Test
  void aLongValueIsCutWithItsTextInTheTitleAndNoCharacterIsSplit() {
    String emoji = "\ud83d\ude00";
    assertThat(Html.cut(emoji.repeat(60), 60)).isEqualTo(emoji.repeat(60));
    assertThat(Html.cut(emoji.repeat(61) + "<", 60))
        .isEqualTo(
            "<span title=\"" + emoji.repeat(61) + "&lt;\">" + emoji.repeat(60) + "\u2026</span>");
  }

  @Test
  void theTitleOfAHugeValueHoldsItsBeginningAndSaysHowLongItIs() {
    String cut = Html.cut("x".repeat(5_000), 60);
    assertThat(cut)
        .startsWith(
            "<span title=\"" + "x".repeat(Html.TITLE_MAX) + "\u2026 (the first 1000 of 5000")
        .hasSizeLessThan(Html.TITLE_MAX + 200);
  }

  @Test
  void aRunWithoutAUiIsNamedButNotLinked() {
    TemporalRun run = new TemporalRun("default", "sluice/orders/2024-01-05", "r1", null);
    assertThat(Html.temporalRun(run)).doesNotContain("<a ").contains("sluice/orders/2024-01-05");
    assertThat(Html.temporalRun(null)).isEmpty();
  }
}
