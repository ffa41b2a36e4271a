package dev.neghash.api.dataset;

import java.util.List;

/**
 * Previews of some items of a dataset.
 *
 * @param datasetId the dataset
 * @param kind {@code image} or {@code text}, or null when the dataset has no previews (the items
 *     then carry only their labels)
 * @param height image height, or null
 * @param width image width, or null
 * @param channels 1 or 3 for images, or null
 * @param items the items asked for, in the order asked
 */
public record PreviewItems(String datasetId, String kind, Integer height, Integer width, Integer channels,
    List<Item> items) {

  /**
   * One item.
   *
   * @param id item id
   * @param label its label, or null without labels
   * @param labelName the label's name, or null
   * @param text its text (text previews), or null
   * @param pixels its pixels, row-major, channels last, base64 (image previews), or null
   */
  public record Item(int id, Integer label, String labelName, String text, byte[] pixels) {}
}
