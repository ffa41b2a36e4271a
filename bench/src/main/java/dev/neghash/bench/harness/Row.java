package dev.neghash.bench.harness;

/**
 * One line of the results: one method on one data set.
 *
 * @param dataset data set name
 * @param n items
 * @param d dimension
 * @param method {@code neghash-lsh}, {@code neghash-exact}, {@code faiss-binary-flat}, {@code
 *     faiss-flat-ip} or {@code random}
 * @param bits code length, 0 for float methods
 * @param rule exclusion rule: {@code labels} (mining) or {@code self} (the problem FAISS solves)
 * @param threads threads used
 * @param loadSeconds reading the input from disk
 * @param encodeSeconds turning vectors into the searchable form: NegHash encoding, FAISS index
 *     add; 0 where there is none
 * @param searchAnchors anchors searched (against all n candidates)
 * @param searchSeconds wall time of that search
 * @param searchAllSeconds search time for all n anchors: measured when {@code searchAnchors == n},
 *     else extrapolated by {@link #extrapolate}
 * @param peakRssBytes peak resident memory of the method's process (VmHWM)
 * @param bytesPerItem bytes the method stores per item to search (codes or floats)
 * @param qualityAnchors anchors scored for quality (0: not scored)
 * @param overlap overlap@k with exact cosine neighbours under the same rule
 * @param positionalDistance mean |exact rank - list rank| of listed items
 * @param negativeShare share of the first mined negatives that are in the exact top-k
 * @param note how the figures were obtained, where it matters
 */
record Row(
    String dataset,
    int n,
    int d,
    String method,
    int bits,
    String rule,
    int threads,
    double loadSeconds,
    double encodeSeconds,
    int searchAnchors,
    double searchSeconds,
    double searchAllSeconds,
    long peakRssBytes,
    double bytesPerItem,
    int qualityAnchors,
    double overlap,
    double positionalDistance,
    double negativeShare,
    String note) {

  /**
   * The time of a search of all {@code n} anchors from one of {@code anchors} that took {@code
   * seconds}, of which {@code fixedSeconds} do not grow with the anchors (NegHash lays the
   * candidates out once per search: at N = 10^6 and d = 768 a one-anchor exact search, which copies
   * the candidates twice, 6 GB, took 1.1-1.2 s on a 2-vCPU machine once its memory had been touched).
   * Only the rest is scaled:
   * {@code fixed + (seconds - fixed) * n / anchors}, with the fixed part clamped to [0, seconds].
   */
  static double extrapolate(int n, int anchors, double seconds, double fixedSeconds) {
    if (anchors >= n) {
      return seconds;
    }
    double fixed = Math.max(0, Math.min(seconds, fixedSeconds));
    return fixed + (seconds - fixed) * n / anchors;
  }

  /** Whether the all-anchor search time is extrapolated from a sample. */
  boolean extrapolated() {
    return searchAnchors < n;
  }

  /** Encode plus search for all anchors: the time to mine one epoch's neighbours. */
  double miningSeconds() {
    return encodeSeconds + searchAllSeconds;
  }

  /** This row with quality figures. */
  Row withQuality(int anchors, double ov, double pos, double neg) {
    return new Row(dataset, n, d, method, bits, rule, threads, loadSeconds, encodeSeconds, searchAnchors,
        searchSeconds, searchAllSeconds, peakRssBytes, bytesPerItem, anchors, ov, pos, neg, note);
  }
}
