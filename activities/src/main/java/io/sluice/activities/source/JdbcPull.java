package io.sluice.activities.source;

import io.sluice.activities.config.PipelineConfig.Jdbc;
import io.sluice.activities.support.Failures;
import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;

/**
 * Pulls a partition's rows with the source's query: on a read-only connection in UTC, the window
 * {@code [:start, :end)} (the partition's day) and {@code :date} bound as parameters, the rows in
 * the order of {@code order_by} (so the same data is always the same extract), streamed with the
 * fetch size into the extract. Values become the text a CSV export would hold: an instant in ISO
 * 8601 with its offset, a date as {@code yyyy-MM-dd}, a number in plain notation.
 */
final class JdbcPull {

  /** :start, :end and :date outside quotes (a PostgreSQL cast {@code ::date} is not one). */
  private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):(start|end|date)\\b");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  static final int DEFAULT_FETCH_SIZE = 10_000;

  /** How long a connection is kept for the next pull of its source when the file does not say. */
  static final int DEFAULT_KEEP_IDLE_SECONDS = 60;

  private JdbcPull() {}

  /** Where the query's named parameters are, in order, and the query with them as {@code ?}. */
  record Bound(String sql, List<String> parameters) {}

  static Bound bind(String query, List<String> orderBy) {
    return wrap(query, "SELECT *", "ORDER BY " + String.join(", ", orderBy));
  }

  /** {@code select FROM (query) sluice_pull after}, its parameters bound. */
  private static Bound wrap(String query, String select, String after) {
    List<String> names = new ArrayList<>();
    String inner =
        substitute(
            query,
            name -> {
              names.add(name);
              return "?";
            });
    return new Bound(select + " FROM (" + inner + ") sluice_pull " + after, names);
  }

  /** The source's user: named in the file, or read from its variable. */
  private static String user(String source, Jdbc j, Secrets secrets) {
    return j.user() != null ? j.user() : secrets.read(j.userEnv(), null, source + " user");
  }

  /** A read-only connection, auto-commit off (on PostgreSQL named {@code sluice} to the server). */
  private static Connection connect(Jdbc j, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    if (postgres(j)) {
      props.setProperty("ApplicationName", "sluice"); // a name in the URL wins
      // the name and extra_float_digits go in the startup message, so RESET ALL keeps them
      props.setProperty("assumeMinServerVersion", "9.0");
    }
    Connection c = DriverManager.getConnection(j.url(), props);
    try {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Sets the session up for one pull or probe, in its transaction, whether the connection is new or
   * kept: in UTC, and on PostgreSQL with ISO dates and every other setting as the session began (a
   * query of an earlier pull may have changed one with {@code set_config}).
   */
  private static void session(Connection c, Jdbc j) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (postgres(j)) {
        s.execute("RESET ALL; SET TIME ZONE 'UTC'; SET DateStyle = ISO");
      } else {
        s.execute("SET time_zone = '+00:00'");
      }
    }
  }

  /** What a pull or a probe does on its source's connection. */
  private interface Work<T> {
    T on(Connection c) throws SQLException, IOException;
  }

  /**
   * Runs {@code work} on a connection to the source, a kept one when one answers (see {@link
   * SourceConnections}); gives it back when {@code work} ends well, closes it when it fails.
   */
  private static <T> T onConnection(String source, Jdbc j, Secrets secrets, Work<T> work)
      throws IOException {
    String user = user(source, j, secrets);
    String password = secrets.read(j.passwordEnv(), j.passwordFile(), source + " password");
    String key = SourceConnections.key(j.url(), user, password);
    Connection c = null;
    try {
      c = SourceConnections.SHARED.take(key, () -> connect(j, user, password));
      session(c, j);
      T result = work.on(c);
      SourceConnections.SHARED.giveBack(key, c, keepIdle(j));
      c = null;
      return result;
    } catch (SQLException e) {
      throw failure(source, Secrets.redact(j.url()), user, j, e);
    } finally {
      SourceConnections.SHARED.discard(c);
    }
  }

  private static Duration keepIdle(Jdbc j) {
    return Duration.ofSeconds(
        j.keepIdleSeconds() == null ? DEFAULT_KEEP_IDLE_SECONDS : j.keepIdleSeconds());
  }

  private static boolean postgres(Jdbc j) {
    return j.url().startsWith("jdbc:postgresql:");
  }

  /** The query with :start, :end and :date as PostgreSQL literals of the partition's window. */
  static String literal(String query, LocalDate date) {
    return substitute(
        query,
        name ->
            switch (name) {
              case "start" -> "'" + date + "T00:00:00Z'::timestamptz";
              case "end" -> "'" + date.plusDays(1) + "T00:00:00Z'::timestamptz";
              default -> "'" + date + "'::date";
            });
  }

  /**
   * The query, its final semicolon dropped, with each :start, :end and :date outside quotes
   * replaced by what {@code replacement} gives for its name, in order.
   */
  private static String substitute(String query, Function<String, String> replacement) {
    StringBuilder sql = new StringBuilder();
    // quoted text is copied as it is: a ':start' in a string literal is not a parameter
    Matcher quoted = Pattern.compile("'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"").matcher(query);
    int at = 0;
    while (quoted.find()) {
      replace(query.substring(at, quoted.start()), sql, replacement);
      sql.append(quoted.group());
      at = quoted.end();
    }
    replace(query.substring(at), sql, replacement);
    String inner = sql.toString().strip();
    return inner.endsWith(";") ? inner.substring(0, inner.length() - 1) : inner;
  }

  private static void replace(
      String part, StringBuilder sql, Function<String, String> replacement) {
    Matcher m = PARAMETER.matcher(part);
    int at = 0;
    while (m.find()) {
      sql.append(part, at, m.start()).append(replacement.apply(m.group(1)));
      at = m.end();
    }
    sql.append(part.substring(at));
  }

  /** Problems with the declaration, as the config loader reports them. */
  static void check(Jdbc j, List<String> problems) {
    if (j == null) {
      problems.add("key 'source.jdbc': required with source.kind: jdbc");
      return;
    }
    if (j.url() == null || !j.url().startsWith("jdbc:")) {
      problems.add("key 'source.jdbc.url': a JDBC URL such as jdbc:postgresql://host:5432/db");
    } else if (!j.url().startsWith("jdbc:postgresql:")
        && !j.url().startsWith("jdbc:mariadb:")
        && !j.url().startsWith("jdbc:mysql:")) {
      problems.add(
          "key 'source.jdbc.url': PostgreSQL (jdbc:postgresql:) or MySQL/MariaDB (jdbc:mariadb:,"
              + " jdbc:mysql:), got '"
              + Secrets.redact(j.url())
              + "'");
    } else if (!Secrets.redact(j.url()).equals(j.url())) {
      problems.add(
          "key 'source.jdbc.url': holds a password; name it with password_env or password_file");
    }
    if ((j.user() == null) == (j.userEnv() == null)) {
      problems.add("key 'source.jdbc': one of user or user_env");
    }
    if ((j.passwordEnv() == null) == (j.passwordFile() == null)) {
      problems.add("key 'source.jdbc': one of password_env or password_file");
    }
    if (j.query() == null || j.query().isBlank()) {
      problems.add("key 'source.jdbc.query': required, a SELECT of the partition's rows");
    }
    if (j.orderBy() == null || j.orderBy().isEmpty()) {
      problems.add(
          "key 'source.jdbc.order_by': required, the columns that order the rows the same way"
              + " every pull (the primary key)");
    } else {
      for (String c : j.orderBy()) {
        if (c == null || !IDENTIFIER.matcher(c).matches()) {
          problems.add("key 'source.jdbc.order_by': plain column names, got '" + c + "'");
        }
      }
    }
    if (j.fetchSize() != null && (j.fetchSize() < 1 || j.fetchSize() > 1_000_000)) {
      problems.add("key 'source.jdbc.fetch_size': 1..1000000 rows, got " + j.fetchSize());
    }
    if (j.keepIdleSeconds() != null && (j.keepIdleSeconds() < 0 || j.keepIdleSeconds() > 3600)) {
      problems.add(
          "key 'source.jdbc.keep_idle_seconds': 0..3600 seconds (0 closes the connection after"
              + " each pull), got "
              + j.keepIdleSeconds());
    }
  }

  /**
   * Pulls the rows of {@code date} into {@code extract}'s place, reporting rows as they come, and
   * handing the extract's bytes to {@code tap} as they are written when there is one; an empty
   * result leaves the extract as it was unless {@code allowEmpty}.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code BadConfig} for what a retry cannot mend
   *     (credentials refused, a query that fails, a database that does not exist); any other
   *     failure (the server unreachable, the connection lost) is retried
   */
  static Extract.Pulled pull(
      String source,
      Jdbc j,
      Secrets secrets,
      LocalDate date,
      Path extract,
      boolean allowEmpty,
      LongConsumer progress,
      ExtractStream tap)
      throws IOException {
    Into into = new Into(extract, allowEmpty, progress, tap);
    return onConnection(
        source, j, secrets, c -> postgres(j) ? copyOut(c, j, date, into) : fetch(c, j, date, into));
  }

  /**
   * Where a pull's rows go: the extract's place, whether an empty result is a day, who hears the
   * rows as they come, and who reads the extract as it is written (or null).
   */
  private record Into(Path extract, boolean allowEmpty, LongConsumer progress, ExtractStream tap) {}

  /** MySQL/MariaDB: the rows fetched {@code fetch_size} at a time, each value as {@link #text}. */
  private static Extract.Pulled fetch(Connection c, Jdbc j, LocalDate date, Into into)
      throws SQLException, IOException {
    Bound bound = bind(j.query(), j.orderBy());
    try (PreparedStatement ps =
        c.prepareStatement(bound.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      ps.setFetchSize(j.fetchSize() == null ? DEFAULT_FETCH_SIZE : j.fetchSize());
      window(ps, bound, date, postgres(j));
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String> header = new ArrayList<>();
        int[] types = new int[n];
        for (int i = 1; i <= n; i++) {
          header.add(meta.getColumnLabel(i));
          types[i - 1] = meta.getColumnType(i);
        }
        try (Extract out = new Extract(into.extract(), header, into.tap())) {
          String[] row = new String[n];
          while (rs.next()) {
            for (int i = 0; i < n; i++) {
              row[i] = text(rs, i + 1, types[i]);
            }
            out.row(row);
            if (out.rows() % 50_000 == 0) {
              into.progress().accept(out.rows());
            }
          }
          c.commit();
          if (out.rows() == 0 && !into.allowEmpty()) {
            return new Extract.Pulled(
                0, null, false, into.extract()); // the extract stays as it was
          }
          return out.finish();
        }
      }
    }
  }

  /**
   * PostgreSQL: the rows as the server's own CSV ({@code COPY (...) TO STDOUT}), several times
   * faster than fetching them; the window is written into the query as literals (COPY takes no
   * parameters; they are dates Sluice makes, never text from elsewhere). Instants, timestamps and
   * booleans are converted by the server to what {@link #text} gives ({@code to_json}: ISO 8601
   * whatever the server's DateStyle, {@code true}/{@code false}); other values are the server's
   * text.
   */
  private static Extract.Pulled copyOut(Connection c, Jdbc j, LocalDate date, Into into)
      throws SQLException, IOException {
    String inner = literal(j.query(), date);
    List<String> select = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet none = s.executeQuery("SELECT * FROM (" + inner + ") sluice_pull LIMIT 0")) {
      ResultSetMetaData meta = none.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        String name = "\"" + meta.getColumnLabel(i).replace("\"", "\"\"") + "\"";
        int type = meta.getColumnType(i);
        boolean convert =
            type == Types.TIMESTAMP
                || type == Types.TIMESTAMP_WITH_TIMEZONE
                || type == Types.DATE
                || type == Types.BOOLEAN
                || type == Types.BIT;
        select.add(convert ? "to_json(" + name + ") #>> '{}' AS " + name : name);
      }
    }
    String copy =
        "COPY (SELECT "
            + String.join(", ", select)
            + " FROM ("
            + inner
            + ") sluice_pull ORDER BY "
            + String.join(", ", j.orderBy())
            + ") TO STDOUT (FORMAT csv, HEADER true)";
    try (Extract pulled = new Extract(into.extract(), into.tap())) {
      CopyOut rows = new CopyManager(c.unwrap(BaseConnection.class)).copyOut(copy);
      try {
        drain(rows, pulled, into.progress());
      } finally {
        if (rows.isActive()) {
          rows.cancelCopy();
        }
      }
      c.commit();
      if (pulled.rows() == 0 && !into.allowEmpty()) {
        return new Extract.Pulled(0, null, false, into.extract()); // the extract stays as it was
      }
      return pulled.finish();
    }
  }

  /**
   * Appends every record of {@code rows} to {@code pulled}, reporting rows every 16 MiB however
   * wide they are. The loop is a method of its own so the JIT compiles it alone: compiled inside
   * {@link #copyOut} it took all of that method along, and a worker compiles it again on a pull
   * after one whose end its compiled code had never seen
   * (docs/adr/0031-hot-loops-are-small-methods.md).
   */
  private static void drain(CopyOut rows, Extract pulled, LongConsumer progress)
      throws SQLException, IOException {
    long bytes = 0;
    long next = 1 << 24;
    for (byte[] record; (record = rows.readFromCopy()) != null; ) {
      pulled.csvRecord(record);
      bytes += record.length;
      if (bytes >= next) {
        next += 1 << 24;
        progress.accept(pulled.rows());
      }
    }
  }

  /**
   * Binds the window of {@code date}: PostgreSQL compares a timestamptz; MySQL/MariaDB, in UTC, a
   * wall time.
   */
  private static void window(PreparedStatement ps, Bound bound, LocalDate date, boolean postgres)
      throws SQLException {
    LocalDateTime start = date.atStartOfDay();
    LocalDateTime end = date.plusDays(1).atStartOfDay();
    for (int i = 0; i < bound.parameters().size(); i++) {
      switch (bound.parameters().get(i)) {
        case "start" -> ps.setObject(i + 1, postgres ? start.atOffset(ZoneOffset.UTC) : start);
        case "end" -> ps.setObject(i + 1, postgres ? end.atOffset(ZoneOffset.UTC) : end);
        default -> ps.setObject(i + 1, date);
      }
    }
  }

  /** Whether the query returns a row for {@code date}: one row fetched, nothing written. */
  static boolean any(String source, Jdbc j, Secrets secrets, LocalDate date) throws IOException {
    return onConnection(
        source,
        j,
        secrets,
        c -> {
          Bound bound = wrap(j.query(), "SELECT 1", "LIMIT 1");
          try (PreparedStatement ps = c.prepareStatement(bound.sql())) {
            window(ps, bound, date, postgres(j));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  /** A value as a CSV export would hold it; null for NULL. */
  static String text(ResultSet rs, int i, int type) throws SQLException {
    switch (type) {
      case Types.TIMESTAMP_WITH_TIMEZONE -> {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toString();
      }
      case Types.TIMESTAMP -> {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        return t == null ? null : LOCAL.format(t);
      }
      case Types.DATE -> {
        LocalDate d = rs.getObject(i, LocalDate.class);
        return d == null ? null : d.toString();
      }
      case Types.NUMERIC, Types.DECIMAL -> {
        BigDecimal d = rs.getBigDecimal(i);
        return d == null ? null : d.toPlainString();
      }
      case Types.DOUBLE, Types.FLOAT, Types.REAL -> {
        double d = rs.getDouble(i);
        return rs.wasNull()
            ? null
            : Double.isFinite(d) ? BigDecimal.valueOf(d).toPlainString() : Double.toString(d);
      }
      case Types.BOOLEAN, Types.BIT -> {
        boolean b = rs.getBoolean(i);
        return rs.wasNull() ? null : Boolean.toString(b);
      }
      default -> {
        return rs.getString(i);
      }
    }
  }

  /**
   * A failed pull as Temporal should treat it: credentials refused, a database or table that does
   * not exist and a query that fails are {@code BadConfig} (a retry would fail the same way); the
   * rest is retried. The message names the source by its redacted URL, never a secret.
   */
  static RuntimeException failure(String source, String url, String user, Jdbc j, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = source + " (" + url + ", user " + user + ")";
    String detail = String.valueOf(e.getMessage());
    if (state.startsWith("28") || detail.contains("Access denied")) {
      return Failures.of(
          FailureTypes.BAD_CONFIG,
          where
              + " refused the credentials: check "
              + (j.userEnv() != null ? "the user in " + j.userEnv() : "source.jdbc.user")
              + " and the password in "
              + (j.passwordEnv() != null ? j.passwordEnv() : j.passwordFile())
              + "; not retried",
          e);
    }
    if (state.startsWith("42") || state.equals("3D000") || state.startsWith("22")) {
      return Failures.of(
          FailureTypes.BAD_CONFIG,
          where
              + ": the query failed (SQLSTATE "
              + state
              + "): "
              + detail
              + "; fix source.jdbc.query (or the database it names); not retried",
          e);
    }
    return new IllegalStateException(
        where + ": " + detail + " (SQLSTATE " + state + "); the pull will be retried", e);
  }
}
