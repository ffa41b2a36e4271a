package dev.neghash.api.dashboard;

/**
 * How a dataset's items spread over its labels: what the job form needs to tell whether a batch
 * size can be met (a batch holds at most one item per label).
 *
 * @param datasetId the dataset
 * @param items labelled items, or null without labels
 * @param classes distinct labels, or null without labels
 * @param largestClass items of the most frequent label, or null
 * @param smallestClass items of the least frequent label, or null
 */
public record LabelSummary(String datasetId, Integer items, Integer classes, Integer largestClass,
    Integer smallestClass) {}
