package io.sluice.samples;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A deterministic customers dimension for the orders {@link OrdersGenerator} writes: the same
 * customers ({@code C00001}...), the same (seed, orders per day) always giving the same bytes. The
 * first day's file has every customer; each later day's has the customers whose attributes changed
 * (a move to another segment or region, a new credit limit), some of them corrections of an earlier
 * day's value (an effective time before the day) and some announced ahead (effective in two days),
 * with stray case and whitespace and now and then a blank credit limit.
 *
 * <p>Usage: {@code CustomersGenerator <out-dir> <first-date> <days> <orders-per-day> [seed]} writes
 * {@code <out-dir>/customers/<date>/customers.csv}.
 */
public final class CustomersGenerator implements Generators.DayWriter {

  /** The columns of the bundled customers declaration (pipelines/customers.yaml). */
  public static final List<String> COLUMNS =
      List.of("customer_id", "segment", "region", "credit_limit", "updated_at");

  static final String[] SEGMENTS = {"consumer", "business", "enterprise"};
  static final String[] REGIONS = {"north", "south", "east", "west", "central"};
  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT);

  private final long seed;
  private final int customers;

  public CustomersGenerator(long seed, int ordersPerDay) {
    this.seed = seed;
    this.customers = OrdersGenerator.customersFor(ordersPerDay);
  }

  public static void main(String[] args) throws IOException {
    Generators.main("CustomersGenerator", args, CustomersGenerator::new);
  }

  @Override
  public Path writeDay(Path root, LocalDate first, LocalDate day) throws IOException {
    Path dir = Files.createDirectories(root.resolve("customers").resolve(day.toString()));
    Path file = dir.resolve("customers.csv");
    int dayIndex = (int) (day.toEpochDay() - first.toEpochDay());
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + dayIndex);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", COLUMNS) + "\n");
      for (int c = 1; c <= customers; c++) {
        SplittableRandom own = new SplittableRandom(seed * 7_919L + c);
        if (dayIndex == 0) {
          write(w, c, own, rnd, day.atStartOfDay().atOffset(ZoneOffset.UTC).minusDays(1 + c % 300));
        } else if (rnd.nextDouble() < 0.015) {
          // a change: usually effective on the day, now and then a correction of the past or an
          // announcement of what takes effect in two days
          double when = rnd.nextDouble();
          var at =
              day.atStartOfDay()
                  .atOffset(ZoneOffset.UTC)
                  .plusSeconds(rnd.nextInt(86_400))
                  .plusDays(when < 0.1 ? -1 - rnd.nextInt(5) : when < 0.15 ? 2 : 0);
          write(w, c, own, rnd, at);
        }
      }
    }
    return file;
  }

  private static void write(
      Writer w,
      int c,
      SplittableRandom own,
      SplittableRandom rnd,
      java.time.OffsetDateTime updatedAt)
      throws IOException {
    String segment = SEGMENTS[(own.nextInt(SEGMENTS.length) + rnd.nextInt(2)) % SEGMENTS.length];
    String region = REGIONS[(own.nextInt(REGIONS.length) + rnd.nextInt(2)) % REGIONS.length];
    double limit = 500 + own.nextInt(20) * 250 + rnd.nextInt(4) * 100;
    double r = rnd.nextDouble();
    if (r < 0.05) {
      segment = " " + segment.toUpperCase(Locale.ROOT) + " ";
    }
    String credit = r > 0.98 ? "" : String.format(Locale.ROOT, "%.2f", limit);
    w.write(
        String.format(Locale.ROOT, "C%05d", c)
            + ","
            + segment
            + ","
            + region
            + ","
            + credit
            + ","
            + INSTANT.format(updatedAt)
            + "\n");
  }
}
