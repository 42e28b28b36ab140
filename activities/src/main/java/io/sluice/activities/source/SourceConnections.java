package io.sluice.activities.source;

import io.sluice.activities.support.Hashing;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The connections to {@code jdbc} sources that a worker keeps open between pulls. A pull (or a
 * sensor's probe) takes an idle connection of its source, one opened with the same URL, user and
 * password, when there is one and the server still answers on it; it gives the connection back when
 * it ends well, and a failed pull closes its own. An idle connection is closed once its source's
 * {@code keep_idle_seconds} have passed, one open for longer than half an hour when it is given
 * back, and every one when the JVM stops.
 *
 * <p>A new connection costs a TLS handshake and an authentication exchange, and in a young worker
 * its handshake makes the JIT compile the TLS read path again; the consecutive pulls of a backfill
 * or a look-back skip both (docs/adr/0033-jdbc-source-connections-are-kept-between-pulls.md).
 */
final class SourceConnections {

  /** The worker's connections: at most eight idle at a time, none kept past half an hour. */
  static final SourceConnections SHARED = new SourceConnections(8, Duration.ofMinutes(30));

  /** Opens a connection when no kept one answers. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private record Idle(String key, Connection connection, long closeAtNanos) {}

  private final int maxIdle;
  private final long maxAgeNanos;

  /** When each connection was opened ({@link System#nanoTime}), until it is closed. */
  private final Map<Connection, Long> opened = Collections.synchronizedMap(new IdentityHashMap<>());

  /** The newest first; guarded by {@code this}. */
  private final ArrayDeque<Idle> idle = new ArrayDeque<>();

  /** Closes connections whose idle time is up; made with the first kept connection. */
  private ScheduledExecutorService closer;

  /**
   * @param maxIdle the most connections kept idle at once
   * @param maxAge how long a connection is kept at most, however busy its source: one older is
   *     closed when it is given back, so a changed login, certificate or server is met by the next
   *     connection
   */
  SourceConnections(int maxIdle, Duration maxAge) {
    this.maxIdle = maxIdle;
    this.maxAgeNanos = maxAge.toNanos();
  }

  /**
   * What a connection is kept under: the source's URL and user and a digest of its password, so a
   * changed password opens a new connection (and the key never holds the password itself).
   */
  static String key(String url, String user, String password) {
    return url + '\n' + user + '\n' + Hashing.sha256Hex(password);
  }

  /** A kept connection of {@code key} that still answers, or a new one from {@code opener}. */
  Connection take(String key, Opener opener) throws SQLException {
    for (Connection kept; (kept = removeIdle(key)) != null; ) {
      if (answers(kept)) {
        return kept;
      }
      discard(kept);
    }
    Connection c = opener.open();
    opened.put(c, System.nanoTime());
    return c;
  }

  /**
   * Keeps {@code connection}, its transaction ended, for the next pull of {@code key} during {@code
   * keepIdle}; closes it at once when {@code keepIdle} is zero, the connection has been open longer
   * than the most a connection is kept, or its transaction cannot be ended.
   */
  void giveBack(String key, Connection connection, Duration keepIdle) {
    Long at = opened.putIfAbsent(connection, System.nanoTime());
    if (keepIdle.isZero()
        || keepIdle.isNegative()
        || (at != null && System.nanoTime() - at > maxAgeNanos)) {
      discard(connection);
      return;
    }
    try {
      connection.rollback(); // read-only: nothing to keep, and the next pull sees fresh data
    } catch (SQLException e) {
      discard(connection);
      return;
    }
    Idle evicted = null;
    synchronized (this) {
      idle.addFirst(new Idle(key, connection, System.nanoTime() + keepIdle.toNanos()));
      if (idle.size() > maxIdle) {
        evicted = idle.removeLast();
      }
      closer().schedule(this::closeExpired, keepIdle.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (evicted != null) {
      discard(evicted.connection());
    }
  }

  /** The connections kept idle now. */
  synchronized int idleCount() {
    return idle.size();
  }

  /** Closes every idle connection (as the JVM stops). */
  void closeIdle() {
    List<Connection> all = new ArrayList<>();
    synchronized (this) {
      idle.forEach(i -> all.add(i.connection()));
      idle.clear();
    }
    all.forEach(this::discard);
  }

  /** Closes a connection a pull does not give back (null: none); its failure is not the pull's. */
  void discard(Connection connection) {
    if (connection == null) {
      return;
    }
    opened.remove(connection);
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      // the connection is lost already; nothing else holds it
    }
  }

  private synchronized Connection removeIdle(String key) {
    for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
      Idle i = it.next();
      if (i.key().equals(key)) {
        it.remove();
        return i.connection();
      }
    }
    return null;
  }

  private static boolean answers(Connection connection) {
    try {
      return connection.isValid(5);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private void closeExpired() {
    List<Connection> expired = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
        Idle i = it.next();
        if (i.closeAtNanos() - now <= 0) {
          it.remove();
          expired.add(i.connection());
        }
      }
    }
    expired.forEach(this::discard);
  }

  private ScheduledExecutorService closer() {
    if (closer == null) {
      closer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "sluice-source-connections");
                t.setDaemon(true);
                return t;
              });
      try {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(this::closeIdle, "sluice-source-connections-close"));
      } catch (IllegalStateException e) {
        // the JVM is stopping already: its end closes the sockets
      }
    }
    return closer;
  }
}
