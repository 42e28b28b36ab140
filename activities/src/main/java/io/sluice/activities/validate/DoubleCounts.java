package io.sluice.activities.validate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often each distinct double occurred, in open addressing over the values' bits (no boxing per
 * value); gives up past a bound of distinct values. Values are told apart by their bits, so 0.0 and
 * -0.0 are two values, as they are two keys of a map of {@link Double}.
 */
final class DoubleCounts {

  private final int max;
  private long[] keys;
  private long[] counts;
  private boolean[] used;
  private int size;
  private boolean gaveUp;

  DoubleCounts(int max) {
    this.max = max;
    keys = new long[1 << 10];
    counts = new long[keys.length];
    used = new boolean[keys.length];
  }

  /** One more occurrence of {@code x}. */
  void add(double x) {
    if (gaveUp) {
      return;
    }
    long bits = Double.doubleToRawLongBits(x);
    int mask = keys.length - 1;
    int i = slot(bits) & mask;
    while (used[i]) {
      if (keys[i] == bits) {
        counts[i]++;
        return;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    keys[i] = bits;
    counts[i] = 1;
    if (++size > max) {
      gaveUp = true;
      keys = null;
      counts = null;
      used = null;
    } else if (size * 2 > keys.length) {
      grow();
    }
  }

  /** Each distinct value and its count; null when there were more than the bound. */
  Map<Double, Long> counts() {
    if (gaveUp) {
      return null;
    }
    Map<Double, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      if (used[i]) {
        out.put(Double.longBitsToDouble(keys[i]), counts[i]);
      }
    }
    return out;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldCounts = counts;
    boolean[] oldUsed = used;
    keys = new long[oldKeys.length * 2];
    counts = new long[keys.length];
    used = new boolean[keys.length];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldUsed[j]) {
        int i = slot(oldKeys[j]) & mask;
        while (used[i]) {
          i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = oldKeys[j];
        counts[i] = oldCounts[j];
      }
    }
  }

  /** MurmurHash3's finaliser: decimals' bits differ mostly in their high bits. */
  private static int slot(long bits) {
    long h = bits;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }
}
