package dev.neghash.engine.kernel;

import java.util.Arrays;

/**
 * The k-nearest lists of a range of anchors while a search runs: one k-slot max-heap per anchor
 * of packed keys {@code distance << 32 | id}, so that "nearer" (smaller distance, then smaller id,
 * the order {@link JavaKernels#beats} defines) is one comparison of two longs and a heap step reads
 * one array. Distances and ids are non-negative, empty slots hold {@link JavaKernels#EMPTY_DIST}
 * and {@link JavaKernels#EMPTY_ID}, so every real key is smaller than an empty one.
 *
 * <p>The heaps keep the k smallest keys offered, whatever the order of the offers, so {@link
 * #finish} writes exactly the lists {@link JavaKernels#heapFinish} gives for the same offers.
 */
final class PackedHeaps {

  private static final long EMPTY = key(JavaKernels.EMPTY_DIST, JavaKernels.EMPTY_ID);

  private final long[] keys;
  private final int k;
  private final int from;
  /**
   * Whether candidates may come in any id order: then one at the k-th distance may still win on
   * id, and {@link #threshold} lets it through to {@link #enters}.
   */
  private final boolean anyOrder;
  /** Per anchor, a distance no kept entry reaches (see {@link #cap}); null when none is set. */
  private int[] caps;

  /** Empty heaps for anchors {@code [from, to)}, offered candidates in ascending id order. */
  PackedHeaps(int from, int to, int k) {
    this(from, to, k, false);
  }

  /** Empty heaps for anchors {@code [from, to)}; {@code anyOrder}: candidates come in any id order. */
  PackedHeaps(int from, int to, int k, boolean anyOrder) {
    this.keys = new long[(to - from) * k];
    this.k = k;
    this.from = from;
    this.anyOrder = anyOrder;
    Arrays.fill(keys, EMPTY);
  }

  static long key(int distance, int id) {
    return ((long) distance << 32) | id;
  }

  /** Anchor a's current k-th distance ({@code EMPTY_DIST} until k items were kept). */
  int kth(int a) {
    return (int) (keys[(a - from) * k] >>> 32);
  }

  /**
   * The distance a candidate must be below to be worth offering to anchor a: its k-th distance
   * (one more when candidates come in any id order, as a tie may win on id), or its cap when that
   * is lower.
   */
  int threshold(int a) {
    int t = kth(a);
    if (anyOrder && t != JavaKernels.EMPTY_DIST) {
      t++;
    }
    return caps == null ? t : Math.min(t, caps[a - from]);
  }

  /**
   * Caps anchor a's search at {@code distance}: the search then offers only candidates nearer than
   * that. The list is exact if it still fills up below the cap ({@link #completeBelowCap}).
   */
  void cap(int a, int distance) {
    if (caps == null) {
      caps = new int[keys.length / k];
      Arrays.fill(caps, JavaKernels.EMPTY_DIST);
    }
    caps[a - from] = distance;
  }

  /**
   * Whether anchor a's list is its true k nearest: no cap, or k entries all below the cap (every
   * candidate left out was at or beyond the cap, so farther than all k).
   */
  boolean completeBelowCap(int a) {
    return caps == null || kth(a) < caps[a - from];
  }

  /** Empties anchor a's list and lifts its cap, for a search over again. */
  void reset(int a) {
    Arrays.fill(keys, (a - from) * k, (a - from + 1) * k, EMPTY);
    if (caps != null) {
      caps[a - from] = JavaKernels.EMPTY_DIST;
    }
  }

  /** Whether {@code key} would enter anchor a's list. */
  boolean enters(int a, long key) {
    return key < keys[(a - from) * k];
  }

  /** Puts {@code key} in anchor a's list in place of its farthest entry; call when {@link #enters}. */
  void replaceTop(int a, long key) {
    final long[] h = keys;
    final int base = (a - from) * k;
    int i = 0;
    int l = 1;
    while (l < k) {
      int m = l;
      long km = h[base + l];
      if (l + 1 < k) {
        long kr = h[base + l + 1];
        if (kr > km) {
          m = l + 1;
          km = kr;
        }
      }
      if (key >= km) {
        break;
      }
      h[base + i] = km;
      i = m;
      l = 2 * i + 1;
    }
    h[base + i] = key;
  }

  /**
   * Writes anchor a's list in ascending (distance, id) order to {@code dist} and {@code ids} at
   * {@code a * k}; slots never filled become -1 in both.
   */
  void finish(int a, int[] dist, int[] ids) {
    finish(a, a, dist, ids);
  }

  /** {@link #finish(int, int[], int[])} into result row {@code row}. */
  void finish(int a, int row, int[] dist, int[] ids) {
    int base = (a - from) * k;
    Arrays.sort(keys, base, base + k);
    int out = row * k;
    for (int i = 0; i < k; i++) {
      long key = keys[base + i];
      if (key == EMPTY) {
        dist[out + i] = -1;
        ids[out + i] = -1;
      } else {
        dist[out + i] = (int) (key >>> 32);
        ids[out + i] = (int) key;
      }
    }
  }
}
