package io.sluice.starter;

import picocli.CommandLine.Option;

/** What a run or a backfill is of: a dataset, or a feature set declared in a file of its own. */
final class DatasetOrFeatureSet {

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
  String dataset;

  @Option(
      names = "--feature-set",
      required = true,
      description = "Feature set name, e.g. customer_value (pipelines/features/<name>.yaml).")
  String featureSet;
}
