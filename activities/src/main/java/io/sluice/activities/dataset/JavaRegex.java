package io.sluice.activities.dataset;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The part of PostgreSQL's regular expressions (ARE) that Java's read the same way on printable
 * ASCII text: literals, bracket expressions without POSIX classes, {@code \d \w \s} and their
 * negations, escaped punctuation, groups, alternation, anchors and quantifiers. Anything else
 * (embedded options, lookaround, back references, ARE's own escapes such as {@code \y} or {@code
 * \m}, which mean something else or nothing in Java) is left to PostgreSQL.
 */
final class JavaRegex {

  private JavaRegex() {}

  /** The pattern compiled by Java when it is inside the common core, else null. */
  static Pattern commonCore(String regex) {
    if (!printableAscii(regex)
        || regex.contains("(?")
        || regex.contains("***")
        || regex.contains("&&")
        || regex.contains("[:")
        || regex.contains("[=")
        || regex.contains("[.")
        || regex.contains("[]")
        || regex.contains("[^]")) {
      return null;
    }
    boolean inBracket = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 == regex.length()) {
          return null;
        }
        char e = regex.charAt(++i);
        if (Character.isLetterOrDigit(e) && "dDwWsS".indexOf(e) < 0) {
          return null;
        }
        if (inBracket && "dDwWsS".indexOf(e) >= 0) {
          return null; // a class escape inside brackets: ARE allows fewer of them
        }
      } else if (c == '[') {
        if (inBracket) {
          return null;
        }
        inBracket = true;
      } else if (c == ']' && inBracket) {
        inBracket = false;
      }
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      return null;
    }
  }

  /** Text of characters from space to tilde only. */
  static boolean printableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }
}
