package io.sluice.samples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic messy orders: the same (seed, days, rows) always gives the same bytes. Drops carry
 * what real ones do: shuffled and extra columns, stray whitespace and case, offsets instead of Z,
 * bad values of every kind, in-partition duplicates and late corrections of past orders.
 *
 * <p>Customers behave like customers, so a model has something to learn: each orders at a rate of
 * its own (a few often, most now and then), some join late and some stop ordering for good, and
 * each leans to weekdays or weekends. A day has {@code rowsPerDay} orders, drawn from the customers
 * active that day in proportion to their rate.
 *
 * <p>Usage: {@code OrdersGenerator <out-dir> <first-date> <days> <rows-per-day> [seed]} writes
 * {@code <out-dir>/raw/<date>/orders.csv}.
 */
public final class OrdersGenerator implements Generators.DayWriter {

  /** The columns of the bundled orders declaration (pipelines/orders.yaml), in its order. */
  public static final List<String> COLUMNS =
      List.of(
          "order_id",
          "customer_id",
          "order_ts",
          "amount",
          "currency",
          "status",
          "category",
          "country",
          "channel",
          "quantity");

  static final String[] CATEGORIES = {
    "electronics", "books", "home", "toys", "grocery", "fashion", "sports", "beauty"
  };
  static final String[] CHANNELS = {"web", "app", "store"};
  static final String[] COUNTRIES = {"de", "fr", "nl", "us", "gb"};
  static final String[] CURRENCIES = {"eur", "usd", "gbp"};

  private final long seed;
  private final int rowsPerDay;
  private final int customers;

  /** Per customer: how often it orders, the day it joins and the day it stops, its weekends. */
  private final float[] rate;

  private final int[] joins;
  private final int[] stops;
  private final float[] weekend;

  /** How many customers the orders of {@code rowsPerDay} a day come from. */
  public static int customersFor(int rowsPerDay) {
    return Math.max(40, 3 * rowsPerDay);
  }

  public OrdersGenerator(long seed, int rowsPerDay) {
    this.seed = seed;
    this.rowsPerDay = rowsPerDay;
    this.customers = customersFor(rowsPerDay);
    this.rate = new float[customers];
    this.joins = new int[customers];
    this.stops = new int[customers];
    this.weekend = new float[customers];
    SplittableRandom rnd = new SplittableRandom(seed * 7_919L + 17);
    for (int c = 0; c < customers; c++) {
      // log-normal: a long tail of frequent buyers over many occasional ones
      rate[c] = (float) Math.exp(1.3 * Generators.gaussian(rnd));
      joins[c] = rnd.nextDouble() < 0.75 ? 0 : 1 + rnd.nextInt(180);
      stops[c] = rnd.nextDouble() < 0.35 ? joins[c] + 14 + rnd.nextInt(200) : Integer.MAX_VALUE;
      double w = rnd.nextDouble();
      weekend[c] = w < 0.3 ? 0.5f : w < 0.8 ? 1.0f : 2.0f;
    }
  }

  /**
   * The customers' running weights on a day: customer c is drawn with probability (weights[c] -
   * weights[c - 1]) / weights[last]. Falls back to everyone alike on a day nobody is active.
   */
  private double[] weights(int dayIndex, LocalDate day) {
    boolean isWeekend = day.getDayOfWeek().getValue() >= 6;
    double[] sums = new double[customers];
    double total = 0;
    for (int c = 0; c < customers; c++) {
      if (dayIndex >= joins[c] && dayIndex < stops[c]) {
        total += rate[c] * (isWeekend ? weekend[c] : 1f);
      }
      sums[c] = total;
    }
    if (total == 0) {
      for (int c = 0; c < customers; c++) {
        sums[c] = c + 1;
      }
    }
    return sums;
  }

  private static int draw(SplittableRandom rnd, double[] weights) {
    double u = rnd.nextDouble() * weights[weights.length - 1];
    int i = java.util.Arrays.binarySearch(weights, u);
    int c = i >= 0 ? i + 1 : -i - 1;
    return Math.min(c, weights.length - 1);
  }

  public static void main(String[] args) throws IOException {
    Generators.main("OrdersGenerator", args, OrdersGenerator::new);
  }

  /** Writes {@code raw/<day>/orders.csv} under {@code root}; {@code first} anchors order ids. */
  public Path writeDay(Path root, LocalDate first, LocalDate day) throws IOException {
    Path dir = root.resolve("raw").resolve(day.toString());
    Files.createDirectories(dir);
    Path file = dir.resolve("orders.csv");
    int dayIndex = (int) (day.toEpochDay() - first.toEpochDay());
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + day.toEpochDay());
    boolean shuffled = dayIndex % 3 == 1;
    boolean extra = dayIndex % 4 == 2;
    List<String> header = new ArrayList<>(COLUMNS);
    if (shuffled) {
      java.util.Collections.reverse(header);
    }
    if (extra) {
      header.add("coupon_code");
    }
    double[] weights = weights(dayIndex, day);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", header));
      w.write("\n");
      String[] previous = null;
      for (int i = 0; i < rowsPerDay; i++) {
        String[] row = row(rnd, day, dayIndex, i, weights);
        if (previous != null && rnd.nextDouble() < 0.02) {
          // an in-partition duplicate: the same order again, later line, changed status
          row = previous.clone();
          row[5] = "refunded";
        }
        previous = row;
        write(w, header, row, extra ? (rnd.nextDouble() < 0.3 ? "SAVE10" : "") : null);
      }
    }
    return file;
  }

  private String[] row(SplittableRandom rnd, LocalDate day, int dayIndex, int i, double[] weights) {
    String orderId;
    LocalDate eventDay = day;
    if (dayIndex > 0 && rnd.nextDouble() < 0.03) {
      // a late correction: an order first sent on an earlier day arrives again today
      int back = 1 + rnd.nextInt(Math.min(dayIndex, 3));
      eventDay = day.minusDays(back);
      orderId = orderId(dayIndex - back, rnd.nextInt(rowsPerDay));
    } else {
      orderId = orderId(dayIndex, i);
    }
    Instant ts = eventDay.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(rnd.nextInt(86_400));
    String customer = String.format(Locale.ROOT, "C%05d", 1 + draw(rnd, weights));
    String amount = String.format(Locale.ROOT, "%.2f", 5 + rnd.nextDouble() * 295);
    double s = rnd.nextDouble();
    String status = s < 0.80 ? "completed" : s < 0.92 ? "cancelled" : "refunded";
    String[] row = {
      orderId,
      customer,
      timestamp(rnd, ts),
      amount,
      CURRENCIES[rnd.nextInt(CURRENCIES.length)],
      status,
      CATEGORIES[rnd.nextInt(CATEGORIES.length)],
      COUNTRIES[rnd.nextInt(COUNTRIES.length)],
      CHANNELS[rnd.nextInt(CHANNELS.length)],
      Integer.toString(1 + rnd.nextInt(4))
    };
    mess(rnd, row);
    return row;
  }

  private static String orderId(int dayIndex, int i) {
    return String.format(Locale.ROOT, "O%04d-%06d", dayIndex, i);
  }

  private static String timestamp(SplittableRandom rnd, Instant ts) {
    if (rnd.nextDouble() < 0.2) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ts.atOffset(ZoneOffset.ofHours(2)));
    }
    return DateTimeFormatter.ISO_INSTANT.format(ts);
  }

  /** Cosmetic noise that normalisation must undo, and defects that must be quarantined. */
  private static void mess(SplittableRandom rnd, String[] row) {
    if (rnd.nextDouble() < 0.10) {
      row[5] = "  " + row[5].toUpperCase(Locale.ROOT) + " ";
    }
    if (rnd.nextDouble() < 0.10) {
      row[6] = row[6].substring(0, 1).toUpperCase(Locale.ROOT) + row[6].substring(1);
    }
    double p = rnd.nextDouble();
    if (p < 0.01) {
      row[0] = "";
    } else if (p < 0.02) {
      row[2] = "2024-13-45T99:00:00Z";
    } else if (p < 0.03) {
      row[2] = row[2].replace("Z", "").replaceAll("[+-]\\d\\d:\\d\\d$", "");
    } else if (p < 0.04) {
      row[3] = "-" + row[3];
    } else if (p < 0.045) {
      row[3] = "n/a";
    } else if (p < 0.055) {
      row[9] = "0";
    } else if (p < 0.06) {
      row[6] = "garden";
    } else if (p < 0.065) {
      row[5] = "lost";
    } else if (p < 0.07) {
      row[1] = " ";
    }
  }

  private static void write(BufferedWriter w, List<String> header, String[] row, String extra)
      throws IOException {
    List<String> canonical = COLUMNS;
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < header.size(); c++) {
      if (c > 0) {
        b.append(',');
      }
      int idx = canonical.indexOf(header.get(c));
      String v = idx >= 0 ? row[idx] : extra;
      b.append(quote(v));
    }
    w.write(b.toString());
    w.write("\n");
  }

  private static String quote(String v) {
    if (v.contains(",") || v.contains("\"") || v.startsWith(" ") || v.endsWith(" ")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
