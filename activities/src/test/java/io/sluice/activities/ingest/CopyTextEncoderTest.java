package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** COPY text format, byte for byte: what PostgreSQL's text-format reader expects. */
class CopyTextEncoderTest {

  private static String row(CopyTextEncoder out) {
    return new String(out.array(), 0, out.size(), StandardCharsets.UTF_8);
  }

  @Test
  void fieldsAreTabSeparatedAndRowsEndWithNewline() {
    CopyTextEncoder out = new CopyTextEncoder(4);
    out.number(7).text("a").nullField().text("").endRow();
    out.number(0).number(1234567890123L).number(-5).endRow();
    assertThat(row(out)).isEqualTo("7\ta\t\\N\t\n0\t1234567890123\t-5\n");
  }

  @Test
  void aNumberIsWrittenAsLongToStringWritesIt() {
    java.util.Random random = new java.util.Random(29);
    java.util.List<Long> values =
        new java.util.ArrayList<>(
            java.util.List.of(0L, 1L, 9L, 10L, 99L, 100L, Long.MAX_VALUE, -1L, Long.MIN_VALUE));
    for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
      values.add(p - 1);
      values.add(p);
      values.add(p + 1);
    }
    for (int i = 0; i < 10_000; i++) {
      values.add(random.nextLong() >>> random.nextInt(64));
    }
    CopyTextEncoder out = new CopyTextEncoder(1);
    StringBuilder expected = new StringBuilder();
    for (long v : values) {
      out.number(v).text("x").endRow();
      expected.append(v).append("\tx\n");
    }
    assertThat(row(out)).isEqualTo(expected.toString());
  }

  @Test
  void escapesBackslashTabNewlineAndCarriageReturnOnly() {
    CopyTextEncoder out = new CopyTextEncoder(1);
    out.text("a\\b\tc\nd\re\u0001f\\N").endRow();
    assertThat(row(out)).isEqualTo("a\\\\b\\tc\\nd\\re\u0001f\\\\N\n");
  }

  @Test
  void aFieldThatNeedsAnEscapeAfterOthersIsWrittenWhole() {
    CopyTextEncoder out = new CopyTextEncoder(1);
    out.number(1).text("plain").text("ab\\c\td").text("é\n").text("z").endRow();
    assertThat(row(out)).isEqualTo("1\tplain\tab\\\\c\\td\té\\n\tz\n");
  }

  @Test
  void anInstantInUtcIsWrittenAsPostgreSqlReadsIt() {
    CopyTextEncoder out = new CopyTextEncoder(1);
    java.time.OffsetDateTime whole = java.time.OffsetDateTime.parse("0047-03-09T05:00:00Z");
    java.time.OffsetDateTime micros = java.time.OffsetDateTime.parse("2024-12-31T23:59:59.000042Z");
    java.time.OffsetDateTime nanos = java.time.OffsetDateTime.parse("2024-01-01T00:00:00.1234567Z");
    java.time.OffsetDateTime offset = java.time.OffsetDateTime.parse("2024-01-01T10:00:00+02:00");
    out.utcInstant(whole).utcInstant(micros).utcInstant(nanos).utcInstant(offset).endRow();
    assertThat(row(out))
        .isEqualTo(
            "0047-03-09T05:00:00Z\t2024-12-31T23:59:59.000042Z\t" + nanos + "\t" + offset + "\n");
  }

  @Test
  void nonAsciiIsWrittenAsUtf8() {
    // Ł is U+0141: its low byte is 'A', so a copy of low bytes would pass it off as ASCII.
    String text = "Zürich – 東京 🙂 ŁA";
    CopyTextEncoder out = new CopyTextEncoder(1);
    out.text(text).text("\t" + text).endRow();
    assertThat(row(out)).isEqualTo(text + "\t\\t" + text + "\n");
  }

  @Test
  void aNulCharacterIsRefused() {
    CopyTextEncoder out = new CopyTextEncoder(16);
    assertThatThrownBy(() -> out.text("ab\u0000c"))
        .isInstanceOf(CopyTextEncoder.NulCharacterException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void clearStartsAnEmptyBufferAndTheBufferGrows() {
    CopyTextEncoder out = new CopyTextEncoder(2);
    out.text("x".repeat(1000)).endRow();
    assertThat(out.size()).isEqualTo(1001);
    out.clear();
    out.text("y").endRow();
    assertThat(row(out)).isEqualTo("y\n");
  }

  @Test
  void charsEncodeAsTheirStringDoes() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
    char[] alphabet = {
      'a', 'Z', '\\', '\t', '\n', '\r', 'é', '€', '\uD83D', '\uDE00', '\uDC00', '"'
    };
    for (int n = 0; n < 2000; n++) {
      char[] chars = new char[rnd.nextInt(12)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = alphabet[rnd.nextInt(alphabet.length)];
      }
      String s = new String(chars);
      CopyTextEncoder byString = new CopyTextEncoder(4);
      CopyTextEncoder byChars = new CopyTextEncoder(4);
      byString.text("x").text(s).endRow();
      char[] padded = ("--" + s + "--").toCharArray();
      byChars.text("x").chars(padded, 2, 2 + chars.length).endRow();
      assertThat(new String(byChars.array(), 0, byChars.size(), StandardCharsets.UTF_8))
          .as("%s", s.chars().mapToObj(Integer::toHexString).toList())
          .isEqualTo(new String(byString.array(), 0, byString.size(), StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> new CopyTextEncoder(4).chars(new char[] {'a', 0}, 0, 2))
        .isInstanceOf(CopyTextEncoder.NulCharacterException.class);
  }

  /** A random string of the characters JSON or COPY escape, multi-byte ones and plain ones. */
  private static String randomText(java.util.Random r) {
    String alphabet = "ab\"\\\t\n\r\u0001\u001f\u007f é€😀{},:[]N";
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      int at = r.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c)) {
        b.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  @Test
  void membersWrittenFromBytesAreTheBytesOfTheFlatObjectsJson() {
    java.util.Random r = new java.util.Random(42);
    for (int round = 0; round < 20_000; round++) {
      int n = r.nextInt(4);
      String[] keys = new String[n];
      String[] values = new String[n];
      for (int i = 0; i < n; i++) {
        keys[i] = randomText(r);
        values[i] = randomText(r);
      }
      io.sluice.activities.support.JsonText.FlatObject flat =
          new io.sluice.activities.support.JsonText.FlatObject();
      CopyTextEncoder expected = new CopyTextEncoder(8);
      CopyTextEncoder actual = new CopyTextEncoder(8);
      expected.number(round);
      actual.number(round);
      for (int i = 0; i < n; i++) {
        flat.put(keys[i], values[i]);
        byte[] v = values[i].getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[v.length + 4];
        System.arraycopy(v, 0, padded, 2, v.length);
        actual.member(CopyTextEncoder.memberKey(keys[i]), padded, 2, 2 + v.length);
      }
      expected.json(flat.text()).number(n).endRow();
      actual.endObject().number(n).endRow();
      assertThat(row(actual)).as("keys %s values %s", keys, values).isEqualTo(row(expected));
    }
  }

  @Test
  void aMemberWithANulCharacterIsRefusedAsJsonTextWithOneIs() {
    byte[] nul = {'a', 0, 'b'};
    assertThatThrownBy(
            () -> new CopyTextEncoder(8).member(CopyTextEncoder.memberKey("k"), nul, 0, 3))
        .isInstanceOf(CopyTextEncoder.NulCharacterException.class);
    assertThatThrownBy(
            () -> new CopyTextEncoder(8).member(CopyTextEncoder.memberKey("k\u0000"), nul, 0, 1))
        .isInstanceOf(CopyTextEncoder.NulCharacterException.class);
    CopyTextEncoder none = new CopyTextEncoder(8);
    none.number(1).endObject().endRow();
    assertThat(row(none)).isEqualTo("1\t\\N\n");
  }
}
