package io.sluice.activities.source;

import io.sluice.activities.support.Failures;
import io.sluice.workflows.FailureTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A source's credentials: read from an environment variable or a secret file the pipeline file
 * names, never written in it, and never in a message: a failure names where a secret was read from,
 * not what it is.
 */
final class Secrets {

  private static final Pattern URL_SECRET =
      Pattern.compile("(?i)((?:password|pwd|secret|token|key)=)[^&;]*");

  private final Map<String, String> env;

  Secrets(Map<String, String> env) {
    this.env = env;
  }

  static Secrets ofEnvironment() {
    return new Secrets(System.getenv());
  }

  /**
   * The value of the environment variable {@code name}, or of the file {@code file} (its content
   * without the final line break); null when neither is named. {@code what} says what it is for in
   * the {@code BadConfig} failure when the one named is not there.
   */
  String read(String name, String file, String what) {
    if (name != null) {
      String v = env.get(name);
      if (v == null || v.isEmpty()) {
        throw Failures.of(
            FailureTypes.BAD_CONFIG,
            what
                + ": the environment variable "
                + name
                + " is not set in the worker's environment");
      }
      return v;
    }
    if (file != null) {
      try {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).stripTrailing();
      } catch (IOException e) {
        throw Failures.of(
            FailureTypes.BAD_CONFIG,
            what
                + ": cannot read the secret file "
                + file
                + " ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }
    return null;
  }

  /** {@code url} with the values of its password, token and key parameters replaced by ***. */
  static String redact(String url) {
    return url == null ? null : URL_SECRET.matcher(url).replaceAll("$1***");
  }
}
