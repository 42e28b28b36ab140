package io.sluice.activities.config;

/** A pipeline config that cannot be used; the message names the file and the key. */
public final class BadConfigException extends RuntimeException {

  public BadConfigException(String message) {
    super(message);
  }

  public BadConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
