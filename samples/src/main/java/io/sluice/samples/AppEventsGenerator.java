package io.sluice.samples;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
import java.util.zip.GZIPOutputStream;

/**
 * Deterministic messy app events: the same (seed, days, events) always gives the same bytes. A
 * user's visits are sessions of views, some put something in the cart, some of those buy; events
 * carry the offset of the user's own clock, arrive a day late now and then, are sometimes sent
 * twice, and drops carry stray case and whitespace, unknown event types and broken values.
 *
 * <p>Users behave like users, so a model has something to learn: each visits at a rate of its own
 * and buys with a propensity of its own, some join late and some leave, and a user who filled a
 * cart lately is likelier to buy soon.
 *
 * <p>Usage: {@code AppEventsGenerator <out-dir> <first-date> <days> <events-per-day> [seed]} writes
 * {@code <out-dir>/app_events/<date>/events.csv} (every fifth day gzip-compressed, {@code
 * events.csv.gz}).
 */
public final class AppEventsGenerator implements Generators.DayWriter {

  /** The columns of the bundled app events declaration (pipelines/app_events.yaml). */
  public static final List<String> COLUMNS =
      List.of(
          "event_id", "user_id", "event_time", "event_type", "session_id", "platform", "revenue");

  static final String[] PLATFORMS = {"ios", "android", "web"};
  static final ZoneOffset[] CLOCKS = {
    ZoneOffset.UTC, ZoneOffset.ofHours(2), ZoneOffset.ofHours(-5), ZoneOffset.ofHoursMinutes(5, 30)
  };

  private final long seed;
  private final int eventsPerDay;
  private final int users;

  /** Per user: visits per day, propensity to buy, join and leave days, platform, clock. */
  private final float[] rate;

  private final float[] buys;
  private final int[] joins;
  private final int[] leaves;
  private final int[] platform;
  private final int[] clock;

  public AppEventsGenerator(long seed, int eventsPerDay) {
    this.seed = seed;
    this.eventsPerDay = eventsPerDay;
    this.users = Math.max(30, eventsPerDay / 2);
    this.rate = new float[users];
    this.buys = new float[users];
    this.joins = new int[users];
    this.leaves = new int[users];
    this.platform = new int[users];
    this.clock = new int[users];
    SplittableRandom rnd = new SplittableRandom(seed * 104_729L + 3);
    for (int u = 0; u < users; u++) {
      rate[u] = (float) Math.exp(1.1 * Generators.gaussian(rnd));
      buys[u] = (float) Math.min(0.9, 0.05 + Math.abs(0.3 * Generators.gaussian(rnd)));
      joins[u] = rnd.nextDouble() < 0.7 ? 0 : 1 + rnd.nextInt(120);
      leaves[u] = rnd.nextDouble() < 0.3 ? joins[u] + 10 + rnd.nextInt(120) : Integer.MAX_VALUE;
      platform[u] = rnd.nextInt(PLATFORMS.length);
      clock[u] = rnd.nextInt(CLOCKS.length);
    }
  }

  public static void main(String[] args) throws IOException {
    Generators.main("AppEventsGenerator", args, AppEventsGenerator::new);
  }

  /** Writes the day's file under {@code root}; {@code first} anchors ids and users' lives. */
  public Path writeDay(Path root, LocalDate first, LocalDate day) throws IOException {
    Path dir = root.resolve("app_events").resolve(day.toString());
    Files.createDirectories(dir);
    int dayIndex = (int) (day.toEpochDay() - first.toEpochDay());
    boolean gzip = dayIndex % 5 == 4;
    Path file = dir.resolve(gzip ? "events.csv.gz" : "events.csv");
    SplittableRandom rnd = new SplittableRandom(seed * 1_000_033L + day.toEpochDay());
    List<String[]> rows = new ArrayList<>();
    int session = 0;
    double[] weights = weights(dayIndex);
    while (rows.size() < eventsPerDay) {
      int u = user(rnd, weights);
      // a day late now and then: a session of yesterday, sent with today's drop
      LocalDate sessionDay = dayIndex > 0 && rnd.nextDouble() < 0.04 ? day.minusDays(1) : day;
      session(rnd, u, sessionDay, dayIndex, session++, rows);
    }
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw;
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      w.write(String.join(",", COLUMNS));
      w.write("\n");
      for (int i = 0; i < rows.size() && i < eventsPerDay; i++) {
        String[] row = rows.get(i);
        mess(rnd, row);
        w.write(line(row));
        if (rnd.nextDouble() < 0.01) {
          w.write(line(row)); // sent twice: the same event again
        }
      }
    }
    return file;
  }

  /**
   * The users' running weights on a day: user u is drawn when a uniform draw over the total falls
   * in (sums[u - 1], sums[u]]; users not active that day add nothing.
   */
  private double[] weights(int dayIndex) {
    double[] sums = new double[users];
    double total = 0;
    for (int u = 0; u < users; u++) {
      if (dayIndex >= joins[u] && dayIndex < leaves[u]) {
        total += rate[u];
      }
      sums[u] = total;
    }
    return sums;
  }

  /** A user active on the day, drawn in proportion to how often each visits. */
  private int user(SplittableRandom rnd, double[] sums) {
    double total = sums[users - 1];
    if (total == 0) {
      return rnd.nextInt(users);
    }
    double x = rnd.nextDouble() * total;
    int lo = 0;
    int hi = users - 1;
    while (lo < hi) { // the first user whose running weight reaches x
      int mid = (lo + hi) >>> 1;
      if (sums[mid] >= x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** One visit: a few views, maybe a cart, maybe a purchase; a signup on the day a user joins. */
  private void session(
      SplittableRandom rnd, int u, LocalDate day, int dayIndex, int n, List<String[]> rows) {
    String user = String.format(Locale.ROOT, "U%05d", u + 1);
    String sessionId = String.format(Locale.ROOT, "S%04d-%05d", dayIndex, n);
    Instant t = day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(rnd.nextInt(80_000));
    List<String> types = new ArrayList<>();
    if (dayIndex == joins[u] && n % 3 == 0) {
      types.add("signup");
    }
    int views = 1 + rnd.nextInt(5);
    for (int i = 0; i < views; i++) {
      types.add("view");
    }
    if (rnd.nextDouble() < 0.2 + buys[u]) {
      types.add("add_to_cart");
      if (rnd.nextDouble() < 0.3 + buys[u]) {
        types.add("purchase");
      }
    }
    for (String type : types) {
      t = t.plusSeconds(5 + rnd.nextInt(300));
      String revenue =
          type.equals("purchase")
              ? String.format(Locale.ROOT, "%.2f", 3 + rnd.nextDouble() * 150)
              : "";
      rows.add(
          new String[] {
            String.format(Locale.ROOT, "E%04d-%06d", dayIndex, rows.size()),
            user,
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(CLOCKS[clock[u]])),
            type,
            sessionId,
            PLATFORMS[platform[u]],
            revenue
          });
    }
  }

  /** Cosmetic noise that normalisation must undo, and defects that must be quarantined. */
  private static void mess(SplittableRandom rnd, String[] row) {
    if (rnd.nextDouble() < 0.08) {
      row[3] = row[3].toUpperCase(Locale.ROOT);
    }
    if (rnd.nextDouble() < 0.08) {
      row[5] = " " + (row[5].equals("ios") ? "iOS" : row[5].toUpperCase(Locale.ROOT)) + " ";
    }
    if (row[6].isEmpty() && rnd.nextDouble() < 0.1) {
      row[6] = "NA";
    }
    double p = rnd.nextDouble();
    if (p < 0.005) {
      row[1] = "";
    } else if (p < 0.01) {
      row[3] = "clickk";
    } else if (p < 0.015) {
      row[2] = row[2].substring(0, 10) + "T25:61:00Z";
    } else if (p < 0.018 && !row[6].isEmpty() && !row[6].equals("NA")) {
      row[6] = "-" + row[6];
    } else if (p < 0.02) {
      row[5] = "smart-fridge";
    }
  }

  private static String line(String[] row) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < row.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      String v = row[i];
      b.append(v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
    }
    return b.append('\n').toString();
  }
}
