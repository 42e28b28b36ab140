package io.sluice.starter;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the raw partitions are: the data root the workers read, with their variable. */
final class DataRootOptions {

  @Option(
      names = "--data-root",
      defaultValue = "${env:SLUICE_DATA_ROOT:-data}",
      description = {
        "Where the raw partitions are (env SLUICE_DATA_ROOT).",
        "Default: ${DEFAULT-VALUE}"
      })
  Path dir;
}
