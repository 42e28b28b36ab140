package io.sluice.activities.stage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The values of some columns that may repeat in a partition, found as the judge streams its rows: a
 * value is a candidate when its 64-bit hash lands on a bit an earlier value of the column set.
 * Every value that does repeat is a candidate (its second occurrence finds its own first's bit); a
 * few that do not are too (another value's bit), so a uniqueness check counts the repeats exactly
 * among the candidates alone instead of grouping every row. Memory: a fixed bit set per column, and
 * the candidates, which give up past a bound (the check then groups every row, as without them).
 */
final class RepeatFinder {

  /** Bits per column: 8 MB, a false candidate for about 1.5% of the values of 1,000,000 rows. */
  private static final int BITS_LOG2 = 26;

  /** Candidates per column beyond which the finder gives up. */
  static final int MAX_CANDIDATES = 300_000;

  private final long[][] seen;
  private final List<Set<String>> found = new ArrayList<>();
  private boolean gaveUp;

  RepeatFinder(int columns) {
    seen = new long[columns][];
    for (int k = 0; k < columns; k++) {
      seen[k] = new long[1 << (BITS_LOG2 - 6)];
      found.add(new HashSet<>());
    }
  }

  /** The {@code k}th watched column's value in the next row (null: absent, not counted). */
  void see(int k, String value) {
    if (value == null || gaveUp) {
      return;
    }
    int bit = (int) (hash(value) >>> (64 - BITS_LOG2));
    long[] bits = seen[k];
    long mask = 1L << (bit & 63);
    if ((bits[bit >>> 6] & mask) == 0) {
      bits[bit >>> 6] |= mask;
    } else if (found.get(k).add(value) && found.get(k).size() > MAX_CANDIDATES) {
      giveUp();
    }
  }

  /** Forgets everything: the candidates are not known (rows the stream did not show). */
  void giveUp() {
    gaveUp = true;
    found.clear();
    for (int k = 0; k < seen.length; k++) {
      seen[k] = null;
    }
  }

  /** The candidates of the {@code k}th watched column, or null when the finder gave up. */
  Set<String> candidates(int k) {
    return gaveUp ? null : found.get(k);
  }

  /** FNV-1a over the chars, then MurmurHash3's finaliser to spread the bits. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
