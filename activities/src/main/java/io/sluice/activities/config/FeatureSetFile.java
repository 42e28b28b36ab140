package io.sluice.activities.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A feature set declared on its own, in {@code pipelines/features/<name>.yaml}
 * (docs/pipeline-yaml.md#feature-set-files): features of a dataset's entity, population and label
 * over that dataset, with other datasets joined; its own table, versions, registry rows and
 * exports, beside the dataset's own feature set and any other.
 *
 * @param featureSet its name, the file's
 * @param dataset the dataset whose entity, population and label it has
 */
public record FeatureSetFile(
    String featureSet,
    String dataset,
    FeaturesConfig features,
    PipelineConfig.LabelConfig label,
    PipelineConfig.SplitConfig split,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<PipelineConfig.TransformConfig> transforms) {}
