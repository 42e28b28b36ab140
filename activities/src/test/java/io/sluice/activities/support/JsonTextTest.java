package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonText.FlatObject} writes the JSON value Jackson's tree writes for the same fields: over
 * random keys and values with quotes, backslashes, every control character, multi-byte and
 * supplementary characters, nulls and a key put twice (the last value wins, as in {@code jsonb}).
 */
class JsonTextTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ALPHABET = "ab \"\\/\u0000\u0001\t\n\r\u001f\u007fé€\uD83D\uDE00";

  @Test
  void writesTheValueJacksonWrites() throws Exception {
    SplittableRandom rnd = new SplittableRandom(7);
    JsonText.FlatObject mine = new JsonText.FlatObject();
    for (int row = 0; row < 20_000; row++) {
      mine.clear();
      ObjectNode theirs = JSON.createObjectNode();
      int fields = rnd.nextInt(6);
      for (int f = 0; f < fields; f++) {
        String key = rnd.nextInt(8) == 0 && f > 0 ? "k0" : "k" + f + random(rnd);
        String value = rnd.nextInt(10) == 0 ? null : random(rnd);
        mine.put(key, value);
        theirs.put(key, value);
      }
      String text = mine.text();
      if (fields == 0) {
        assertThat(text).isNull();
        continue;
      }
      JsonNode read = JSON.readTree(text);
      assertThat(read).as(text).isEqualTo(JSON.readTree(theirs.toString()));
      assertThat(mine.text()).isEqualTo(text); // asking again gives the same text
    }
  }

  @Test
  void findsAnEscapedNulAndNotAnEscapedBackslashBeforeU0000() {
    for (String value : new String[] {"a\u0000b", "\\\u0000", "\u0000"}) {
      JsonText.FlatObject o = new JsonText.FlatObject();
      o.put("k", value);
      assertThat(JsonText.escapesNul(o.text())).as(o.text()).isTrue();
    }
    for (String value : new String[] {"\\u0000", "\\\\u0000", "u0000", "plain"}) {
      JsonText.FlatObject o = new JsonText.FlatObject();
      o.put("k", value);
      assertThat(JsonText.escapesNul(o.text())).as(o.text()).isFalse();
    }
  }

  @Test
  void escapesOnlyWhatJsonRequires() {
    StringBuilder b = new StringBuilder();
    JsonText.string(b, "a\"b\\c\u0000\n/é");
    assertThat(b).hasToString("\"a\\\"b\\\\c\\u0000\\u000a/é\"");
  }

  private static String random(SplittableRandom rnd) {
    StringBuilder s = new StringBuilder();
    int n = rnd.nextInt(12);
    for (int i = 0; i < n; i++) {
      int at = rnd.nextInt(ALPHABET.length());
      char c = ALPHABET.charAt(at);
      if (Character.isHighSurrogate(c)) {
        s.append(c).append(ALPHABET.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        s.append(c);
      }
    }
    return s.toString();
  }
}
