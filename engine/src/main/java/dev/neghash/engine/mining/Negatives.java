package dev.neghash.engine.mining;

/**
 * Mined hard negatives: row {@code a} is {@code ids[a*count .. a*count+count)}, padded with {@code
 * -1} (never with invalid ids) for anchors that could not get {@code count} negatives.
 *
 * @param n anchors
 * @param count negatives asked for per anchor
 * @param ids candidate ids
 * @param hamming Hamming distances (-1 on padding), or null when mined from exact search
 * @param estimatedCosine {@code cos(pi*h/b)} for Hamming results, the similarity for exact ones;
 *     NaN on padding
 * @param ranks rank of each negative in the anchor's top-k list (-1 on padding)
 * @param shortAnchors anchors that got fewer than {@code count} negatives, ascending
 */
public record Negatives(
    int n, int count, int[] ids, int[] hamming, float[] estimatedCosine, int[] ranks, int[] shortAnchors) {

  /** Number of real negatives of anchor {@code a}. */
  public int found(int a) {
    int c = 0;
    while (c < count && ids[a * count + c] >= 0) {
      c++;
    }
    return c;
  }
}
