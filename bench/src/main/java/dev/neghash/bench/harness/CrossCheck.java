package dev.neghash.bench.harness;

import java.util.Arrays;

/**
 * Checks NegHash's Hamming top-k against FAISS {@code IndexBinaryFlat} on the same codes, anchor by
 * anchor: the sorted distance lists must be equal, and so must the sets of neighbours strictly
 * nearer than the k-th distance (ids may differ only among items tied at the k-th distance).
 *
 * <p>NegHash excludes the anchor itself; FAISS cannot, so it was asked for k+1 neighbours. The k+1
 * nearest including the anchor are, as a multiset of distances, the anchor's own 0 plus the k
 * nearest without it, whichever items FAISS picked among duplicates; so one 0 is dropped from
 * FAISS's list, and the anchor's id from its id set.
 */
final class CrossCheck {

  /** The comparison failed; the message names the anchor and both lists. */
  static final class Mismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Mismatch(String message) {
      super(message);
    }
  }

  private CrossCheck() {}

  /**
   * Compares all anchors.
   *
   * @param anchors item id of each anchor row
   * @param nhIds NegHash ids, {@code anchors x k}
   * @param nhDist NegHash distances, {@code anchors x k}
   * @param fIds FAISS ids, {@code anchors x (k+1)}
   * @param fDist FAISS distances, {@code anchors x (k+1)}
   * @throws Mismatch at the first anchor that differs
   */
  static void compare(String what, int[] anchors, int k, int[] nhIds, int[] nhDist, int[] fIds, int[] fDist) {
    int m = anchors.length;
    int k1 = k + 1;
    if (nhIds.length != m * k || nhDist.length != m * k || fIds.length != m * k1 || fDist.length != m * k1) {
      throw new Mismatch(what + ": result shapes do not match " + m + " anchors and k = " + k);
    }
    for (int r = 0; r < m; r++) {
      int a = anchors[r];
      int[] nd = Arrays.copyOfRange(nhDist, r * k, r * k + k);
      int[] fd = Arrays.copyOfRange(fDist, r * k1, r * k1 + k1);
      Arrays.sort(fd);
      if (fd[0] != 0) {
        throw new Mismatch(what + ": anchor " + a + ": FAISS's nearest distance is " + fd[0]
            + ", but the anchor itself is at 0");
      }
      int[] fdk = Arrays.copyOfRange(fd, 1, k1);
      int[] ndSorted = nd.clone();
      Arrays.sort(ndSorted);
      if (!Arrays.equals(ndSorted, fdk) || !Arrays.equals(ndSorted, nd)) {
        throw new Mismatch(what + ": anchor " + a + ": distances differ\n  NegHash " + Arrays.toString(nd)
            + "\n  FAISS   " + Arrays.toString(fdk));
      }
      int kth = nd[k - 1];
      int[] nearNh = idsBelow(nhIds, nhDist, r * k, k, kth, -1);
      int[] nearF = idsBelow(fIds, fDist, r * k1, k1, kth, a);
      if (!Arrays.equals(nearNh, nearF)) {
        throw new Mismatch(what + ": anchor " + a + ": neighbours nearer than the k-th distance " + kth
            + " differ\n  NegHash " + Arrays.toString(nearNh) + "\n  FAISS   " + Arrays.toString(nearF));
      }
    }
  }

  private static int[] idsBelow(int[] ids, int[] dist, int off, int len, int limit, int skip) {
    int[] out = new int[len];
    int m = 0;
    for (int i = off; i < off + len; i++) {
      if (dist[i] < limit && ids[i] != skip) {
        out[m++] = ids[i];
      }
    }
    int[] r = Arrays.copyOf(out, m);
    Arrays.sort(r);
    return r;
  }
}
