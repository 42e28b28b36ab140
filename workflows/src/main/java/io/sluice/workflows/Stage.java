package io.sluice.workflows;

import java.util.Locale;

/** The stages of one partition's run, in the order they execute. */
public enum Stage {
  INGEST,
  VALIDATE,
  STAGE,
  FEATURES,
  SPLIT,
  PUBLISH;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
