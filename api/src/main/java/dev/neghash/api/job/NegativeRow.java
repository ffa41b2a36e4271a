package dev.neghash.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.neghash.engine.io.JsonResults;

/**
 * One anchor's negatives, the record of the JSON pages and of each JSONL line (the same fields as
 * {@code neghash negatives --format jsonl}); absent fields are left out.
 *
 * @param anchor item id of the anchor
 * @param label its label
 * @param negatives item ids of its negatives, nearest first
 * @param negativeLabels their labels
 * @param hamming their Hamming distances
 * @param cosine their estimated cosine similarities cos(pi h / b)
 * @param hardPositive the farthest same-label item
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NegativeRow(
    int anchor,
    Integer label,
    int[] negatives,
    @JsonProperty("negative_labels") int[] negativeLabels,
    int[] hamming,
    float[] cosine,
    @JsonProperty("hard_positive") Integer hardPositive) {

  /** This row as the engine's JSON Lines record (the form the command line writes too). */
  public JsonResults.NegativesLine line() {
    return new JsonResults.NegativesLine(anchor, label, negatives, negativeLabels, hamming, cosine, hardPositive);
  }
}
