package dev.neghash.api.dashboard;

/**
 * Two distributions of Hamming distances on common bins, for one plot: the distances of a job's
 * mined negatives and those of random pairs of the same snapshot.
 *
 * <p>Bins are {@code [start + i * width, start + (i + 1) * width)}; together they cover every
 * distance either series holds, and there are at most the requested number of them (so a 4096-bit
 * code still gives a readable plot).
 *
 * @param bits code length b, or 0 when unknown (the dataset was deleted): then there is no cosine axis
 * @param start first distance of the first bin
 * @param width distances per bin
 * @param negatives mined negatives per bin
 * @param random random pairs per bin, or null when no random pairs could be drawn
 * @param cosine estimated cosine cos(pi h / b) at each bin's centre, or null when {@code bits} is 0
 */
public record DistanceHistogram(int bits, int start, int width, long[] negatives, long[] random, double[] cosine) {

  /**
   * Bins two per-distance count arrays (index = Hamming distance) into at most {@code maxBins}
   * bins of equal width spanning the smallest to the largest distance with a non-zero count.
   *
   * @param bits code length, or 0 when unknown
   * @param negatives counts of the mined negatives by distance
   * @param random counts of random pairs by distance, or null
   * @param maxBins the most bins wanted, at least 1
   */
  public static DistanceHistogram of(int bits, long[] negatives, long[] random, int maxBins) {
    if (maxBins < 1) {
      throw new IllegalArgumentException("maxBins must be at least 1, got " + maxBins);
    }
    int lo = Integer.MAX_VALUE;
    int hi = -1;
    for (long[] c : new long[][] {negatives, random}) {
      if (c == null) {
        continue;
      }
      for (int h = 0; h < c.length; h++) {
        if (c[h] != 0) {
          lo = Math.min(lo, h);
          hi = Math.max(hi, h);
        }
      }
    }
    if (hi < 0) {
      return new DistanceHistogram(bits, 0, 1, new long[0], random == null ? null : new long[0],
          bits > 0 ? new double[0] : null);
    }
    int width = Math.max(1, ceilDiv(hi - lo + 1, maxBins));
    // Bins start on a multiple of the width, so their edges are round numbers on the axis.
    int start = lo / width * width;
    int bins = ceilDiv(hi + 1 - start, width);
    long[] neg = rebin(negatives, start, width, bins);
    long[] rnd = random == null ? null : rebin(random, start, width, bins);
    double[] cos = null;
    if (bits > 0) {
      cos = new double[bins];
      for (int i = 0; i < bins; i++) {
        double centre = start + i * width + (width - 1) / 2.0;
        cos[i] = Math.cos(Math.PI * centre / bits);
      }
    }
    return new DistanceHistogram(bits, start, width, neg, rnd, cos);
  }

  private static long[] rebin(long[] counts, int start, int width, int bins) {
    long[] out = new long[bins];
    for (int h = start; h < counts.length; h++) {
      int b = (h - start) / width;
      if (b < bins) {
        out[b] += counts[h];
      }
    }
    return out;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
