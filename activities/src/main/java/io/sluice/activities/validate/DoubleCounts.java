package io.sluice.activities.validate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often each distinct double occurred, in open addressing over the values' bits (no boxing per
 * value); gives up past a bound of distinct values. Values are told apart by their bits, so 0.0 and
 * -0.0 are two values, as they are two keys of a map of {@link Double}. A value's bits and its
 * count sit side by side in one array, so that a lookup reads one cache line (a day's distinct
 * amounts outgrow the processor's caches, and each row looks one up).
 */
final class DoubleCounts {

  private final int max;

  /** Slot i: the value's bits at 2i, its count at 2i + 1; a count of 0 is an empty slot. */
  private long[] slots;

  private int size;
  private boolean gaveUp;

  DoubleCounts(int max) {
    this.max = max;
    slots = new long[2 << 10];
  }

  /** One more occurrence of {@code x}. */
  void add(double x) {
    if (gaveUp) {
      return;
    }
    long bits = Double.doubleToRawLongBits(x);
    int mask = (slots.length >> 1) - 1;
    int i = slot(bits) & mask;
    while (slots[2 * i + 1] != 0) {
      if (slots[2 * i] == bits) {
        slots[2 * i + 1]++;
        return;
      }
      i = (i + 1) & mask;
    }
    slots[2 * i] = bits;
    slots[2 * i + 1] = 1;
    if (++size > max) {
      gaveUp = true;
      slots = null;
    } else if (size * 4 > slots.length) {
      grow();
    }
  }

  /** Each distinct value and its count; null when there were more than the bound. */
  Map<Double, Long> counts() {
    if (gaveUp) {
      return null;
    }
    Map<Double, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < slots.length; i += 2) {
      if (slots[i + 1] != 0) {
        out.put(Double.longBitsToDouble(slots[i]), slots[i + 1]);
      }
    }
    return out;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    int mask = (slots.length >> 1) - 1;
    for (int j = 0; j < old.length; j += 2) {
      if (old[j + 1] != 0) {
        int i = slot(old[j]) & mask;
        while (slots[2 * i + 1] != 0) {
          i = (i + 1) & mask;
        }
        slots[2 * i] = old[j];
        slots[2 * i + 1] = old[j + 1];
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
