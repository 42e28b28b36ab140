package io.sluice.activities.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The instant layouts read without the regular expression read exactly as the expression does
 * ({@code RowJudgeDifferentialTest} holds the expression to PostgreSQL).
 */
class JavaParseTest {

  @Test
  void theCommonLayoutsReadAsThePatternReadsThem() {
    SplittableRandom rnd = new SplittableRandom(2026);
    int read = 0;
    for (int i = 0; i < 200_000; i++) {
      String t = candidate(rnd);
      Object common = JavaParse.commonInstant(t);
      Object pattern = JavaParse.instantByPattern(t, null);
      if (common != null) {
        read++;
        assertThat(common).as(t).isEqualTo(pattern);
      }
      assertThat(JavaParse.instant(t, null)).as(t).isEqualTo(pattern);
    }
    // most candidates are in range: the fast path is taken, not only refused
    assertThat(read).isGreaterThan(50_000);
  }

  @Test
  void theEpochDayOfEveryDateOfYearsOneTo9999IsJavaTimes() {
    for (java.time.LocalDate d = java.time.LocalDate.of(1, 1, 1);
        d.getYear() < 10_000;
        d = d.plusDays(1)) {
      long expected = d.toEpochDay();
      if (JavaParse.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()) != expected) {
        assertThat(JavaParse.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()))
            .as(d.toString())
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aNumbersDoubleValueIsItsTextParsed() {
    // validation's profiles read a decimal's double as PostgreSQL's cast does, correctly rounded
    // from its digits; BigDecimal.doubleValue is relied on to be that
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      java.math.BigInteger unscaled =
          rnd.nextBoolean()
              ? java.math.BigInteger.valueOf(rnd.nextLong() >> rnd.nextInt(64))
              : new java.math.BigInteger(
                  1 + rnd.nextInt(120), new java.util.Random(rnd.nextLong()));
      java.math.BigDecimal d = new java.math.BigDecimal(unscaled, rnd.nextInt(-30, 40));
      assertThat(d.doubleValue()).as(d.toString()).isEqualTo(Double.parseDouble(d.toString()));
    }
  }

  @Test
  void otherLayoutsAreLeftToThePattern() {
    for (String t :
        new String[] {
          "2024-01-01T10:00Z", "2024-01-01T10:00:00.5Z", "2024-01-01T10:00:00+0100",
          "2024-01-01T10:00:00+01", "0000-01-01T10:00:00Z", "2024-02-30T10:00:00Z",
          "2024-01-01T24:00:00Z", "2024-01-01t10:00:00Z", "２０２４-01-01T10:00:00Z",
          "2024-01-01T10:00:00+16:00", "2024-01-01T10:00:00-15:59", "2024-01-01 10:00:00z"
        }) {
      Object common = JavaParse.commonInstant(t);
      if (common != null) {
        assertThat(common).as(t).isEqualTo(JavaParse.instantByPattern(t, null));
      }
      assertThat(JavaParse.instant(t, null)).as(t).isEqualTo(JavaParse.instantByPattern(t, null));
    }
  }

  @Test
  void plainNumbersAreReadAsTheirPatternsReadThem() {
    SplittableRandom rnd = new SplittableRandom(7);
    String alphabet = "0123456789012345678901234567890123456789+-.. a\u0663";
    int[] matched = new int[3];
    for (int i = 0; i < 300_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = rnd.nextInt(0, 24);
      for (int k = 0; k < n; k++) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String t = b.toString();
      boolean integer = JavaParse.INTEGER.matcher(t).matches();
      boolean bigint = JavaParse.BIGINT.matcher(t).matches();
      boolean decimal = JavaParse.DECIMAL.matcher(t).matches();
      assertThat(JavaParse.plainNumber(t, 9, 0)).as(t).isEqualTo(integer);
      assertThat(JavaParse.plainNumber(t, 18, 0)).as(t).isEqualTo(bigint);
      assertThat(JavaParse.plainNumber(t, 15, 6)).as(t).isEqualTo(decimal);
      matched[0] += integer ? 1 : 0;
      matched[1] += bigint ? 1 : 0;
      matched[2] += decimal ? 1 : 0;
    }
    assertThat(java.util.Arrays.stream(matched).min().getAsInt()).isGreaterThan(1_000);
  }

  /** A text of 20 or 25 characters in or near the two layouts, digits anywhere in range or not. */
  private static String candidate(SplittableRandom rnd) {
    StringBuilder b = new StringBuilder();
    b.append(rnd.nextInt(10) == 0 ? "0000" : String.format("%04d", rnd.nextInt(1, 10000)));
    b.append(rnd.nextInt(50) == 0 ? '/' : '-');
    b.append(String.format("%02d", rnd.nextInt(0, 14)));
    b.append('-');
    b.append(String.format("%02d", rnd.nextInt(0, 33)));
    b.append(rnd.nextBoolean() ? 'T' : rnd.nextInt(10) == 0 ? 'x' : ' ');
    b.append(String.format("%02d", rnd.nextInt(0, 26)));
    b.append(':');
    b.append(String.format("%02d", rnd.nextInt(0, 61)));
    b.append(rnd.nextInt(50) == 0 ? '.' : ':');
    b.append(String.format("%02d", rnd.nextInt(0, 61)));
    switch (rnd.nextInt(4)) {
      case 0 -> b.append('Z');
      case 1 -> b.append('z');
      default ->
          b.append(rnd.nextBoolean() ? '+' : '-')
              .append(String.format("%02d", rnd.nextInt(0, 18)))
              .append(rnd.nextInt(50) == 0 ? '-' : ':')
              .append(String.format("%02d", rnd.nextInt(0, 62)));
    }
    return b.toString();
  }
}
