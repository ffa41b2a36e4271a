package dev.neghash.api.dataset;

import java.util.Map;

/**
 * What a dataset offers for showing its items to people: small images or one line of text per
 * item, and names for its labels.
 *
 * @param datasetId the dataset
 * @param kind {@code image}, {@code text}, or null when no previews are stored
 * @param items number of previews (the dataset's N), or null without previews
 * @param height image height in pixels, or null
 * @param width image width in pixels, or null
 * @param channels 1 (grey) or 3 (RGB) for images, or null
 * @param labelNames name of each label that has one, or null when none are stored
 */
public record PreviewsInfo(String datasetId, String kind, Integer items, Integer height, Integer width,
    Integer channels, Map<Integer, String> labelNames) {}
