package io.sluice.activities.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.activities.config.PipelineConfig.Http;
import io.sluice.activities.config.PipelineConfig.Pagination;
import io.sluice.activities.support.Failures;
import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls a partition's records from a JSON API, page by page, into a JSON Lines extract (each record
 * one line, as the API sent it, numbers exact). Each page is asked for with a timeout, at most
 * {@code rate_limit} requests a second, and again with a growing pause (or the server's {@code
 * Retry-After}) after a 429, a 5xx or a network error, {@code retries} times; then the pull fails
 * to be retried by Temporal, and the retry resumes at the page the last heartbeat named, after the
 * records already written aside. A 4xx other than 429 is not retried: it names the URL (secrets
 * redacted) and what to check.
 */
final class HttpPull {

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  static final int DEFAULT_TIMEOUT_SECONDS = 30;
  static final int DEFAULT_RETRIES = 5;
  static final int MAX_PAGE_BYTES = 64 << 20;
  static final Set<String> KINDS = Set.of("none", "page", "offset", "cursor", "link");

  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");

  private HttpPull() {}

  /**
   * Where a pull stands after a page: the next page's URL (null: done), its number and offset, and
   * the extract's bytes and records so far. A heartbeat carries it; a retry resumes from it.
   */
  record State(String next, long page, long offset, long bytes, long rows) {}

  private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]]{1,100}");
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,100}");

  /** Problems with the declaration, as the config loader reports them. */
  static void check(Http h, List<String> problems) {
    if (h == null) {
      problems.add("key 'source.http': required with source.kind: http");
      return;
    }
    if (h.url() == null
        || !(h.url().startsWith("http://") || h.url().startsWith("https://"))
        || h.url().chars().anyMatch(c -> c <= ' ')) {
      problems.add("key 'source.http.url': an http:// or https:// URL, got '" + h.url() + "'");
    }
    if (h.records() != null && !h.records().isEmpty() && !pointer(h.records())) {
      problems.add(
          "key 'source.http.records': a JSON pointer such as /data, got '" + h.records() + "'");
    }
    if (h.tokenEnv() != null && h.tokenFile() != null) {
      problems.add("key 'source.http': one of token_env or token_file");
    }
    if (h.headers() != null) {
      h.headers()
          .forEach(
              (k, v) -> {
                if (k.equalsIgnoreCase("authorization")) {
                  problems.add(
                      "key 'source.http.headers.authorization': a secret; name it with token_env"
                          + " or token_file");
                } else if (!HEADER.matcher(k).matches()) {
                  problems.add("key 'source.http.headers." + k + "': a header name such as Accept");
                } else if (v == null || v.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                  problems.add("key 'source.http.headers." + k + "': one line of text");
                }
              });
    }
    Pagination p = h.pagination();
    if (p != null) {
      String kind = p.kind() == null ? "none" : p.kind();
      if (!KINDS.contains(kind)) {
        problems.add(
            "key 'source.http.pagination.kind': one of [none, page, offset, cursor, link], got '"
                + kind
                + "'");
      } else if (Set.of("page", "offset", "cursor").contains(kind) && p.param() == null) {
        problems.add("key 'source.http.pagination.param': required with kind " + kind);
      }
      if (p.param() != null && !PARAM.matcher(p.param()).matches()) {
        problems.add(
            "key 'source.http.pagination.param': a query parameter name, got '" + p.param() + "'");
      }
      if (p.sizeParam() != null && !PARAM.matcher(p.sizeParam()).matches()) {
        problems.add(
            "key 'source.http.pagination.size_param': a query parameter name, got '"
                + p.sizeParam()
                + "'");
      }
      if (p.start() != null && p.start() < 0) {
        problems.add("key 'source.http.pagination.start': 0 or more, got " + p.start());
      }
      if (p.size() != null && (p.size() < 1 || p.size() > 100_000)) {
        problems.add("key 'source.http.pagination.size': 1..100000 records, got " + p.size());
      }
      if ((p.cursor() != null || "cursor".equals(kind))
          && (p.cursor() == null || !pointer(p.cursor()))) {
        problems.add(
            "key 'source.http.pagination.cursor': the JSON pointer of the next cursor in a page,"
                + " such as /next");
      }
    }
    if (h.rateLimit() != null && !(h.rateLimit() > 0 && h.rateLimit() <= 10_000)) {
      problems.add(
          "key 'source.http.rate_limit': requests per second above 0, at most 10000, got "
              + h.rateLimit());
    }
    if (h.timeoutSeconds() != null && (h.timeoutSeconds() < 1 || h.timeoutSeconds() > 3600)) {
      problems.add("key 'source.http.timeout_seconds': 1..3600, got " + h.timeoutSeconds());
    }
    if (h.retries() != null && (h.retries() < 0 || h.retries() > 20)) {
      problems.add("key 'source.http.retries': 0..20, got " + h.retries());
    }
  }

  private static boolean pointer(String p) {
    return io.sluice.activities.config.PipelineConfigLoader.validPointer(p);
  }

  /** The URL template with {date}, {start} and {end} of the partition's day. */
  static String expand(String template, LocalDate date) {
    return template
        .replace("{date}", date.toString())
        .replace("{start}", date + "T00:00:00Z")
        .replace("{end}", date.plusDays(1) + "T00:00:00Z");
  }

  /** The first page's state. */
  static State first(Http h, LocalDate date) {
    Pagination p = pagination(h);
    String url = sized(expand(h.url(), date), p);
    return switch (p.kind()) {
      case "page" -> {
        long start = p.start() == null ? 1 : p.start();
        yield new State(withParam(url, p.param(), Long.toString(start)), start, 0, 0, 0);
      }
      case "offset" -> new State(withParam(url, p.param(), "0"), 0, 0, 0, 0);
      default -> new State(url, 0, 0, 0, 0);
    };
  }

  private static Pagination pagination(Http h) {
    Pagination p = h.pagination();
    if (p == null) {
      return new Pagination("none", null, null, null, null, null);
    }
    return p.kind() == null
        ? new Pagination("none", p.param(), p.start(), p.sizeParam(), p.size(), p.cursor())
        : p;
  }

  private static String sized(String url, Pagination p) {
    return p.sizeParam() != null && p.size() != null
        ? withParam(url, p.sizeParam(), Integer.toString(p.size()))
        : url;
  }

  /** {@code url} with its query parameter {@code name} set to {@code value}. */
  static String withParam(String url, String name, String value) {
    String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
    int q = url.indexOf('?');
    if (q < 0) {
      return url + "?" + name + "=" + encoded;
    }
    List<String> parts = new ArrayList<>();
    boolean set = false;
    for (String part : url.substring(q + 1).split("&", -1)) {
      if (part.equals(name) || part.startsWith(name + "=")) {
        parts.add(name + "=" + encoded);
        set = true;
      } else if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    if (!set) {
      parts.add(name + "=" + encoded);
    }
    return url.substring(0, q + 1) + String.join("&", parts);
  }

  /**
   * Pulls the records of {@code date} into {@code extract}'s place from {@code resume} (a retried
   * attempt's last heartbeat) or the first page; {@code beat} hears the state after each page.
   */
  static Extract.Pulled pull(
      String source,
      Http h,
      Secrets secrets,
      LocalDate date,
      Path extract,
      boolean allowEmpty,
      State resume,
      Consumer<State> beat)
      throws IOException {
    Pagination p = pagination(h);
    State st = resume != null && resume.next() != null ? resume : first(h, date);
    Fetcher fetcher = Fetcher.of(source, h, secrets);
    try (Extract out = Extract.resumed(extract, st.bytes(), st.rows())) {
      if (out.bytes() == 0 && st.bytes() > 0) {
        st = first(h, date); // what an earlier attempt wrote aside is gone: from the start
      }
      try {
        while (st.next() != null) {
          Page r = fetcher.get(st.next(), st.page());
          JsonNode body = parse(source, st.next(), r);
          JsonNode records =
              h.records() == null || h.records().isEmpty() ? body : body.at(h.records());
          if (!records.isArray()) {
            throw Failures.of(
                FailureTypes.BAD_INPUT,
                source
                    + ": GET "
                    + Secrets.redact(st.next())
                    + " answered JSON without an array of records at '"
                    + (h.records() == null ? "" : h.records())
                    + "' (source.http.records); check the API's response and the pointer");
          }
          int n = 0;
          for (JsonNode rec : records) {
            n++;
            if (!rec.isObject()) {
              throw Failures.of(
                  FailureTypes.BAD_INPUT,
                  source
                      + ": record "
                      + n
                      + " of GET "
                      + Secrets.redact(st.next())
                      + " is a JSON "
                      + rec.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                      + ", not an object");
            }
            out.line(JSON.writeValueAsBytes(rec));
          }
          st = advance(st, p, r, body, n, out);
          beat.accept(st);
        }
      } catch (RuntimeException | IOException e) {
        if (!(e instanceof io.temporal.failure.ApplicationFailure)) {
          out.keep(); // retried: the next attempt resumes after what is written aside
        }
        throw e;
      }
      if (out.rows() == 0 && !allowEmpty) {
        return new Extract.Pulled(0, null, false, extract); // the extract stays as it was
      }
      return out.finish();
    }
  }

  /** Whether the first page of {@code date} holds a record: one request, nothing written. */
  static boolean any(String source, Http h, Secrets secrets, LocalDate date) throws IOException {
    State first = first(h, date);
    Page r = Fetcher.of(source, h, secrets).get(first.next(), 0);
    JsonNode body = parse(source, first.next(), r);
    JsonNode records = h.records() == null || h.records().isEmpty() ? body : body.at(h.records());
    return records.isArray() && !records.isEmpty();
  }

  /** The state after a page of {@code n} records. */
  private static State advance(State st, Pagination p, Page r, JsonNode body, int n, Extract out)
      throws IOException {
    boolean last = n == 0 || (p.size() != null && n < p.size());
    String next =
        switch (p.kind()) {
          case "page" ->
              last ? null : withParam(st.next(), p.param(), Long.toString(st.page() + 1));
          case "offset" ->
              last ? null : withParam(st.next(), p.param(), Long.toString(st.offset() + n));
          case "cursor" -> {
            JsonNode c = body.at(p.cursor());
            yield c.isMissingNode() || c.isNull() || c.asText().isEmpty()
                ? null
                : withParam(st.next(), p.param(), c.asText());
          }
          case "link" -> {
            String link = r.headers().firstValue("Link").orElse(null);
            Matcher m = link == null ? null : NEXT_LINK.matcher(link);
            yield m != null && m.find()
                ? URI.create(st.next()).resolve(m.group(1)).toString()
                : null;
          }
          default -> null;
        };
    return new State(next, st.page() + 1, st.offset() + n, out.bytes(), out.rows());
  }

  private static JsonNode parse(String source, String url, Page r) {
    try {
      return JSON.readTree(r.body());
    } catch (JsonProcessingException e) {
      throw Failures.of(
          FailureTypes.BAD_INPUT,
          source
              + ": GET "
              + Secrets.redact(url)
              + " answered "
              + r.statusCode()
              + " with a body that is not JSON (Content-Type "
              + r.headers().firstValue("Content-Type").orElse("none")
              + "): check source.http.url; not retried");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** GETs a page: paced, timed out, tried again on what may pass. */
  private static final class Fetcher {
    private final String source;
    private final HttpClient client;
    private final Http h;
    private final String token;
    private final Duration timeout;
    private final long gapNanos;
    private final int retries;
    private long lastNanos;

    /** A fetcher of the source's pages, with its token read and its timeout set. */
    static Fetcher of(String source, Http h, Secrets secrets) {
      String token = secrets.read(h.tokenEnv(), h.tokenFile(), source + " token");
      Duration timeout =
          Duration.ofSeconds(
              h.timeoutSeconds() == null ? DEFAULT_TIMEOUT_SECONDS : h.timeoutSeconds());
      HttpClient client =
          HttpClient.newBuilder()
              .connectTimeout(timeout)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
      return new Fetcher(source, client, h, token, timeout);
    }

    Fetcher(String source, HttpClient client, Http h, String token, Duration timeout) {
      this.source = source;
      this.client = client;
      this.h = h;
      this.token = token;
      this.timeout = timeout;
      this.gapNanos = h.rateLimit() == null ? 0 : (long) (1e9 / h.rateLimit());
      this.retries = h.retries() == null ? DEFAULT_RETRIES : h.retries();
    }

    Page get(String url, long page) throws IOException {
      String shown = Secrets.redact(url);
      String last = null;
      for (int attempt = 0; ; attempt++) {
        pace();
        HttpRequest.Builder req =
            HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET();
        if (h.headers() != null) {
          for (Map.Entry<String, String> e : h.headers().entrySet()) {
            req.header(e.getKey(), e.getValue());
          }
        }
        if (token != null) {
          req.header("Authorization", "Bearer " + token);
        }
        long waitMillis;
        try {
          HttpResponse<InputStream> r =
              client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
          int code = r.statusCode();
          if (code >= 200 && code < 300) {
            byte[] body;
            try (InputStream in = r.body()) {
              body = in.readNBytes(MAX_PAGE_BYTES + 1);
            }
            if (body.length > MAX_PAGE_BYTES) {
              throw Failures.of(
                  FailureTypes.BAD_INPUT,
                  source
                      + ": GET "
                      + shown
                      + " answered a page over 64 MiB; ask for smaller pages"
                      + " (source.http.pagination.size)");
            }
            return new Page(code, r.headers(), body);
          }
          try (InputStream in = r.body()) {
            in.readNBytes(1 << 16); // the error's body, not kept: it may echo a secret
          }
          if (code != 429 && code < 500) {
            throw Failures.of(
                FailureTypes.BAD_CONFIG,
                source
                    + ": GET "
                    + shown
                    + " answered "
                    + code
                    + "; "
                    + hint(code)
                    + "; not retried");
          }
          last = "answered " + code;
          waitMillis =
              r.headers()
                  .firstValue("Retry-After")
                  .flatMap(HttpPull::seconds)
                  .map(s -> s * 1000)
                  .orElse(backoff(attempt));
        } catch (java.net.http.HttpTimeoutException e) {
          last = "no answer within " + timeout.toSeconds() + " s";
          waitMillis = backoff(attempt);
        } catch (IOException e) {
          last =
              e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
          waitMillis = backoff(attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while pulling " + shown, e);
        }
        if (attempt >= retries) {
          throw new IllegalStateException(
              source
                  + ": GET "
                  + shown
                  + " "
                  + last
                  + " ("
                  + (attempt + 1)
                  + " tries); the pull will be retried from page "
                  + page);
        }
        sleep(waitMillis);
      }
    }

    private String hint(int code) {
      return switch (code) {
        case 401, 403 ->
            "check the token"
                + (h.tokenEnv() != null
                    ? " in " + h.tokenEnv()
                    : h.tokenFile() != null
                        ? " in " + h.tokenFile()
                        : " (none is set: token_env or token_file)");
        case 404 -> "check source.http.url (the API or this day's data may not exist)";
        default -> "check source.http.url and its parameters";
      };
    }

    private void pace() {
      long wait = lastNanos + gapNanos - System.nanoTime();
      if (lastNanos != 0 && wait > 0) {
        sleep(wait / 1_000_000);
      }
      lastNanos = System.nanoTime();
    }
  }

  private static java.util.Optional<Long> seconds(String retryAfter) {
    try {
      return java.util.Optional.of(Math.min(300, Long.parseLong(retryAfter.trim())));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private static long backoff(int attempt) {
    return Math.min(30_000, 500L << Math.min(attempt, 6));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pacing the pull", e);
    }
  }

  /** A page as answered: its status, headers and body. */
  private record Page(int statusCode, java.net.http.HttpHeaders headers, byte[] body) {}
}
