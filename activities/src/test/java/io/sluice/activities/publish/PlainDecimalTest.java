package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SplitExport#plainDecimal} gives the very double {@link Double#parseDouble} gives, bit for
 * bit, for every plain decimal it reads, and leaves every other text (exponents, infinities, too
 * many digits) to it.
 */
class PlainDecimalTest {

  @Test
  void readsPlainDecimalsAsParseDoubleDoes() {
    SplittableRandom rnd = new SplittableRandom(11);
    int read = 0;
    for (int n = 0; n < 500_000; n++) {
      StringBuilder s = new StringBuilder();
      if (rnd.nextInt(4) == 0) {
        s.append('-');
      }
      int whole = rnd.nextInt(12);
      for (int i = 0; i < whole; i++) {
        s.append((char) ('0' + rnd.nextInt(10)));
      }
      if (whole == 0 || rnd.nextBoolean()) {
        s.append('.');
        int fraction = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 24 : 8);
        for (int i = 0; i < fraction; i++) {
          s.append((char) ('0' + rnd.nextInt(10)));
        }
      }
      String text = s.toString();
      double fast = parse(text);
      if (!Double.isNaN(fast)) {
        read++;
        assertThat(Double.doubleToRawLongBits(fast))
            .as(text)
            .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
      }
    }
    assertThat(read).isGreaterThan(300_000);
  }

  @Test
  void leavesOtherTextsToParseDouble() {
    for (String text :
        new String[] {
          "1e+20",
          "1.5E-7",
          "Infinity",
          "-Infinity",
          "NaN",
          "",
          "-",
          ".",
          "1.",
          "1.2.3",
          "+1",
          " 1",
          "123456789012345678",
          "9007199254740993",
          "0.30000000000000004"
        }) {
      assertThat(parse(text)).as(text).isNaN();
    }
    assertThat(Double.doubleToRawLongBits(parse("-0.0")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(parse("9007199254740992")).isEqualTo(9007199254740992.0);
  }

  private static double parse(String text) {
    byte[] b = ("x" + text + "y").getBytes(StandardCharsets.US_ASCII);
    return SplitExport.plainDecimal(b, 1, b.length - 1);
  }
}
