package dev.neghash.engine.io;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

/**
 * The JSON forms of mining results, written the same way wherever they are written (the command
 * line's files and the service's downloads): field names in snake case, integers as they are,
 * estimated cosines with five decimals, absent facts left out.
 */
public final class JsonResults {

  private JsonResults() {}

  /**
   * One anchor's negatives: a line of the negatives' JSON Lines.
   *
   * @param anchor item id of the anchor
   * @param label its label, or null
   * @param negatives item ids of its negatives, nearest first
   * @param negativeLabels their labels, or null
   * @param hamming their Hamming distances, or null (exact search)
   * @param cosine their (estimated) cosine similarities
   * @param hardPositive its farthest same-label item, or null when not asked for
   */
  public record NegativesLine(int anchor, Integer label, int[] negatives, int[] negativeLabels, int[] hamming,
      float[] cosine, Integer hardPositive) {

    /** Appends this record as one line of JSON, newline included. */
    public void appendTo(Appendable out) throws IOException {
      out.append("{\"anchor\":").append(Integer.toString(anchor));
      if (label != null) {
        out.append(",\"label\":").append(Integer.toString(label));
      }
      ints(out, "negatives", negatives);
      if (negativeLabels != null) {
        ints(out, "negative_labels", negativeLabels);
      }
      if (hamming != null) {
        ints(out, "hamming", hamming);
      }
      out.append(",\"cosine\":[");
      for (int i = 0; i < cosine.length; i++) {
        out.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.5f", cosine[i]));
      }
      out.append(']');
      if (hardPositive != null) {
        out.append(",\"hard_positive\":").append(Integer.toString(hardPositive));
      }
      out.append("}\n");
    }

    private static void ints(Appendable out, String name, int[] values) throws IOException {
      out.append(",\"").append(name).append("\":[");
      for (int i = 0; i < values.length; i++) {
        out.append(i > 0 ? "," : "").append(Integer.toString(values[i]));
      }
      out.append(']');
    }
  }

  /**
   * The next epoch's batches as one JSON object: {@code {"batch_size", "left_out", "batches":
   * [[ids...], ...]}} and a newline.
   */
  public static void batches(Appendable out, int batchSize, int leftOut, Iterator<int[]> batches)
      throws IOException {
    out.append("{\"batch_size\":").append(Integer.toString(batchSize)).append(",\"left_out\":")
        .append(Integer.toString(leftOut)).append(",\"batches\":[");
    boolean first = true;
    while (batches.hasNext()) {
      int[] batch = batches.next();
      out.append(first ? "[" : ",[");
      first = false;
      for (int j = 0; j < batch.length; j++) {
        out.append(j > 0 ? "," : "").append(Integer.toString(batch[j]));
      }
      out.append(']');
    }
    out.append("]}\n");
  }
}
