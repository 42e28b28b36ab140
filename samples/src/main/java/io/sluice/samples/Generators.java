package io.sluice.samples;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.SplittableRandom;

/** What the sample generators share: their command line, and a normal distribution. */
final class Generators {

  private Generators() {}

  /** Writes one day's file of a generated dataset under a data root. */
  interface DayWriter {
    Path writeDay(Path root, LocalDate first, LocalDate day) throws IOException;
  }

  /** Makes a generator for a seed and a number of rows per day. */
  interface Factory {
    DayWriter make(long seed, int rowsPerDay);
  }

  /**
   * {@code <name> <out-dir> <first-date yyyy-MM-dd> <days> <rows-per-day> [seed]}: writes the days
   * and prints each file written.
   */
  static void main(String name, String[] args, Factory factory) throws IOException {
    if (args.length < 4) {
      System.err.println(
          "usage: " + name + " <out-dir> <first-date yyyy-MM-dd> <days> <rows-per-day> [seed]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    LocalDate first = LocalDate.parse(args[1]);
    int days = Integer.parseInt(args[2]);
    int rows = Integer.parseInt(args[3]);
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 42L;
    DayWriter g = factory.make(seed, rows);
    for (int i = 0; i < days; i++) {
      System.out.println(g.writeDay(out, first, first.plusDays(i)));
    }
  }

  /** A standard normal value (Box-Muller). */
  static double gaussian(SplittableRandom rnd) {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble()))
        * Math.cos(2 * Math.PI * rnd.nextDouble());
  }
}
